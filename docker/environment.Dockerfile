# One image per (distro, python, numpy): the toolchain image plus NumPy, either the distro's
# python3-numpy or a pinned wheel from PyPI. Cells of this environment run in one container of it.
ARG TOOLCHAIN_IMAGE
FROM ${TOOLCHAIN_IMAGE}
ARG NUMPY=system
COPY scripts/install-numpy.sh /opt/dlmatrix/scripts/
RUN sh /opt/dlmatrix/scripts/install-numpy.sh "$NUMPY"
