# One image per (distro, python, numpy), built with BuildKit in two stages:
#   project: the library under test, its fixed variant and the host programs, built in the
#            toolchain image; cargo's home (registry) and target folders live in cache mounts, so a
#            one-line change recompiles one crate, not PyO3.
#   runtime: the distro with only what running needs (Python and its shared libpython, NumPy,
#            Node.js), the built outputs and the cell runner. Cells run in it; no compiler ships.
# The project stage is the same for every NumPy of a (distro, python): BuildKit builds it once.
ARG TOOLCHAIN_IMAGE
ARG BASE_IMAGE

FROM ${TOOLCHAIN_IMAGE} AS project
ARG CACHE_KEY
COPY loaders/linked/ /opt/dlmatrix/src/linked/
COPY scripts/build-project.sh scripts/build-project.py project.json /opt/dlmatrix/src/
COPY project/ /opt/dlmatrix/src/project/
# All of CARGO_HOME in the cache mount, not only registry/: cargo's package-cache lock lives in
# CARGO_HOME, and only a shared lock keeps concurrent builds of a cold cache from unpacking the
# same crate at once ("failed to unpack package ... File exists", seen with 4 distros at once).
RUN --mount=type=cache,id=dlmatrix-cargo-home,target=/root/.cargo \
    --mount=type=cache,id=dlmatrix-cargo-target,target=/opt/dlmatrix/cache \
    sh /opt/dlmatrix/src/build-project.sh "$CACHE_KEY"

FROM ${BASE_IMAGE} AS runtime
ARG PYTHON=system
ENV DEBIAN_FRONTEND=noninteractive
COPY scripts/common.sh scripts/install-runtime.sh /opt/dlmatrix/scripts/
COPY ca-certificates/ /opt/dlmatrix/ca-certificates/
RUN sh /opt/dlmatrix/scripts/install-runtime.sh "$PYTHON"
ARG NUMPY=system
COPY scripts/install-numpy.sh /opt/dlmatrix/scripts/
RUN sh /opt/dlmatrix/scripts/install-numpy.sh "$NUMPY"
COPY loaders/node/ /opt/dlmatrix/loaders/node/
COPY runtime/ /opt/dlmatrix/runtime/
COPY --from=project /opt/dlmatrix/out/ /opt/dlmatrix/
CMD ["sh", "/opt/dlmatrix/runtime/start-runner.sh"]
