# One image per (distro, python): the interpreter with its shared libpython and headers, the
# compilers, Node.js, the loaders and the PyO3 fixture built against that Python. NumPy comes in
# the next stage (environment.Dockerfile) so every NumPy variant reuses this build.
# Steps go from slowest-changing to fastest-changing so an edited fixture reuses the apt layer.
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
ARG PYTHON=system
ENV DEBIAN_FRONTEND=noninteractive
COPY scripts/common.sh scripts/install-toolchain.sh /opt/dlmatrix/scripts/
COPY ca-certificates/ /opt/dlmatrix/ca-certificates/
RUN sh /opt/dlmatrix/scripts/install-toolchain.sh "$PYTHON"
COPY scripts/build-loaders.sh /opt/dlmatrix/scripts/
COPY loaders/ /opt/dlmatrix/src/loaders/
COPY node-modules/ /opt/dlmatrix/loaders/node/node_modules/
RUN sh /opt/dlmatrix/scripts/build-loaders.sh
COPY scripts/build-fixture.sh /opt/dlmatrix/scripts/
COPY fixture/ /opt/dlmatrix/src/fixture/
RUN sh /opt/dlmatrix/scripts/build-fixture.sh
