# One image per (distro, python, python-build): what building needs (Python headers, gcc, Rust)
# and the two loaders that do not depend on the library under test (C dlopen, Rust libloading).
# Nothing of the user's project is in it, so editing the project never rebuilds it. For a CPython
# built from source, PYTHON_IMAGE is its image (cpython.Dockerfile); for the distro's, the base,
# which has no DLMATRIX_PYTHON_TREE: the glob copies nothing.
ARG BASE_IMAGE
ARG PYTHON_IMAGE
FROM ${PYTHON_IMAGE} AS cpython
FROM ${BASE_IMAGE}
ARG DLMATRIX_ROOT
ARG DLMATRIX_PYTHON_TREE
ARG PYTHON=system
ARG PYTHON_BUILD=distro
ENV DEBIAN_FRONTEND=noninteractive
COPY --from=cpython ${DLMATRIX_PYTHON_TREE}* /
COPY layout.env scripts/common.sh scripts/manifest.py scripts/install-toolchain.sh ${DLMATRIX_ROOT}/scripts/
COPY ca-certificates/ ${DLMATRIX_ROOT}/ca-certificates/
RUN sh ${DLMATRIX_ROOT}/scripts/install-toolchain.sh "$PYTHON" "$PYTHON_BUILD"
COPY scripts/build-loaders.sh ${DLMATRIX_ROOT}/scripts/
COPY loaders/ ${DLMATRIX_ROOT}/src/loaders/
RUN sh ${DLMATRIX_ROOT}/scripts/build-loaders.sh
