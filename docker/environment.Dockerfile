# One image per (distro, python, python-build, numpy), built with BuildKit in two stages:
#   project: the library under test, its fixed variant and the host programs, built in the
#            toolchain image; cargo's home (registry) and target folders live in cache mounts, so a
#            one-line change recompiles one crate, not PyO3.
#   runtime: the distro with only what running needs (Python and its shared libpython, NumPy,
#            Node.js), the built outputs and the cell runner. Cells run in it; no compiler ships.
# The project stage is the same for every NumPy of a toolchain: BuildKit builds it once.
# The harness starts the cell runner itself (harness/image/layout.ts: RUNNER_COMMAND).
ARG TOOLCHAIN_IMAGE
ARG BASE_IMAGE
ARG PYTHON_IMAGE

FROM ${PYTHON_IMAGE} AS cpython

FROM ${TOOLCHAIN_IMAGE} AS project
ARG DLMATRIX_ROOT
ARG CACHE_KEY
COPY loaders/linked/ ${DLMATRIX_ROOT}/src/linked/
COPY scripts/build-project.sh scripts/build-project.py ${DLMATRIX_ROOT}/scripts/
COPY project.json ${DLMATRIX_ROOT}/src/
COPY project/ ${DLMATRIX_ROOT}/src/project/
# All of CARGO_HOME in the cache mount, not only registry/: cargo's package-cache lock lives in
# CARGO_HOME, and only a shared lock keeps concurrent builds of a cold cache from unpacking the
# same crate at once ("failed to unpack package ... File exists", seen with 4 distros at once).
# Mount targets cannot use build arguments, so cargo's target cache has a fixed folder here.
RUN --mount=type=cache,id=dlmatrix-cargo-home,target=/root/.cargo \
    --mount=type=cache,id=dlmatrix-cargo-target,target=/var/cache/dlmatrix-cargo-target \
    sh ${DLMATRIX_ROOT}/scripts/build-project.sh "$CACHE_KEY" /var/cache/dlmatrix-cargo-target

FROM ${BASE_IMAGE} AS runtime
ARG DLMATRIX_ROOT
ARG DLMATRIX_PYTHON_TREE
ARG PYTHON=system
ARG PYTHON_BUILD=distro
ENV DEBIAN_FRONTEND=noninteractive
COPY --from=cpython ${DLMATRIX_PYTHON_TREE}* /
COPY layout.env scripts/common.sh scripts/manifest.py scripts/install-runtime.sh ${DLMATRIX_ROOT}/scripts/
COPY ca-certificates/ ${DLMATRIX_ROOT}/ca-certificates/
RUN sh ${DLMATRIX_ROOT}/scripts/install-runtime.sh "$PYTHON" "$PYTHON_BUILD"
ARG NUMPY=system
ARG NUMPY_REQUEST=system
COPY scripts/install-numpy.sh ${DLMATRIX_ROOT}/scripts/
RUN sh ${DLMATRIX_ROOT}/scripts/install-numpy.sh "$NUMPY" "$NUMPY_REQUEST"
COPY loaders/node/ ${DLMATRIX_ROOT}/loaders/node/
COPY runtime/ ${DLMATRIX_ROOT}/runtime/
COPY --from=project ${DLMATRIX_ROOT}/out/ ${DLMATRIX_ROOT}/
COPY scripts/finish-environment.sh ${DLMATRIX_ROOT}/scripts/
RUN sh ${DLMATRIX_ROOT}/scripts/finish-environment.sh
