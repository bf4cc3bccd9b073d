// Labels on every image and container dlmatrix creates, so they can be found and cleaned up.
export const LABELS = {
  managed: 'dev.dlmatrix.managed',
  stage: 'dev.dlmatrix.stage',
  distro: 'dev.dlmatrix.distro',
  python: 'dev.dlmatrix.python',
  /** The `python-build` layout of a CPython, toolchain or environment image (distro, shared, ...). */
  pythonBuild: 'dev.dlmatrix.python-build',
  numpy: 'dev.dlmatrix.numpy',
  /** The `numpy` axis value an environment image was built for (`latest`, a pin, `system`). */
  numpyRequest: 'dev.dlmatrix.numpy-request',
  /** The toolchain image an environment image was built from. */
  toolchain: 'dev.dlmatrix.toolchain',
  /** The hash of the environment build context (project, scripts) it was built with. */
  context: 'dev.dlmatrix.context',
  /** Which project (its folder on the host) an environment image was built for. */
  project: 'dev.dlmatrix.project',
  contentHash: 'dev.dlmatrix.content-hash',
  run: 'dev.dlmatrix.run',
  environment: 'dev.dlmatrix.environment',
  /** `host:pid` of the harness that started a container: tells dead runs from live ones. */
  owner: 'dev.dlmatrix.owner',
} as const;
