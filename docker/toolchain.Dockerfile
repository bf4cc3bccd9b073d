# One image per (distro, python): the interpreter with its shared libpython and headers, the
# compilers, Node.js, the loaders and the PyO3 fixture built against that Python. NumPy comes in
# the next stage (environment.Dockerfile) so every NumPy variant reuses this build.
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
ARG PYTHON=system
ENV DEBIAN_FRONTEND=noninteractive
COPY scripts/ /opt/dlmatrix/scripts/
COPY ca-certificates/ /opt/dlmatrix/ca-certificates/
RUN sh /opt/dlmatrix/scripts/install-toolchain.sh "$PYTHON"
COPY loaders/ /opt/dlmatrix/src/loaders/
COPY node-modules/ /opt/dlmatrix/loaders/node/node_modules/
RUN sh /opt/dlmatrix/scripts/build-loaders.sh
COPY fixture/ /opt/dlmatrix/src/fixture/
RUN sh /opt/dlmatrix/scripts/build-fixture.sh
