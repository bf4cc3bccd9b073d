# One image per (distro, python): what building needs (Python headers, gcc, Rust) and the two
# loaders that do not depend on the library under test (C dlopen, Rust libloading). Nothing of
# the user's project is in it, so editing the project never rebuilds it.
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
ARG PYTHON=system
ENV DEBIAN_FRONTEND=noninteractive
COPY scripts/common.sh scripts/install-toolchain.sh /opt/dlmatrix/scripts/
COPY ca-certificates/ /opt/dlmatrix/ca-certificates/
RUN sh /opt/dlmatrix/scripts/install-toolchain.sh "$PYTHON"
COPY scripts/build-loaders.sh /opt/dlmatrix/scripts/
COPY loaders/ /opt/dlmatrix/src/loaders/
RUN sh /opt/dlmatrix/scripts/build-loaders.sh
