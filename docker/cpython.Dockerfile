# One image per (distro, CPython release, layout): CPython built from its verified release
# tarball (build-cpython.sh). It is a stage of its own, tagged by content like the others, so a
# build is done once and shared through the cache registry and `images save/load`. It holds only
# the installed files, under DLMATRIX_PYTHON_TREE (the compilers stay in the build stage); the
# toolchain and environment images copy them to /.
ARG BASE_IMAGE
FROM ${BASE_IMAGE} AS build
ARG DLMATRIX_ROOT
ENV DEBIAN_FRONTEND=noninteractive
COPY layout.env scripts/common.sh scripts/build-cpython.sh ${DLMATRIX_ROOT}/scripts/
COPY ca-certificates/ ${DLMATRIX_ROOT}/ca-certificates/
ARG VERSION
ARG BUILD
ARG TARBALL
ARG SHA256
ARG URL
COPY cpython/${TARBALL} /tmp/
RUN sh ${DLMATRIX_ROOT}/scripts/build-cpython.sh "$VERSION" "$BUILD" "/tmp/$TARBALL" "$SHA256" "$URL" && rm "/tmp/$TARBALL"

FROM scratch
ARG DLMATRIX_PYTHON_TREE
COPY --from=build ${DLMATRIX_PYTHON_TREE} ${DLMATRIX_PYTHON_TREE}
