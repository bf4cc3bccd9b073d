// Labels on every image and container dlmatrix creates, so they can be found and cleaned up.
// A container inherits its image's labels, so a container someone else starts from a dlmatrix
// image carries `managed` too: what marks a container as dlmatrix's own is `container`, set when
// dlmatrix creates it and never put on an image (containerLabels below), with its `owner`.
export const LABELS = {
  managed: 'dev.dlmatrix.managed',
  /** Set only on containers dlmatrix creates itself (cell-runner, manifest-reader): never on an image. */
  container: 'dev.dlmatrix.container',
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

/** The labels of a container dlmatrix creates: what it is for, and whose it is (host:pid). */
export function containerLabels(role: 'cell-runner' | 'manifest-reader', owner: string, extra: Record<string, string> = {}): Record<string, string> {
  return { [LABELS.managed]: 'true', [LABELS.container]: role, [LABELS.owner]: owner, ...extra };
}

/** Labels that belong to containers only: an image carrying one would make its containers look like dlmatrix's. */
export const CONTAINER_ONLY_LABELS: readonly string[] = [LABELS.container, LABELS.owner, LABELS.run, LABELS.environment];
