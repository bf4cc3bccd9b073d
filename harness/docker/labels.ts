// Labels on every image and container dlmatrix creates, so they can be found and cleaned up.
export const LABELS = {
  managed: 'dev.dlmatrix.managed',
  stage: 'dev.dlmatrix.stage',
  distro: 'dev.dlmatrix.distro',
  python: 'dev.dlmatrix.python',
  numpy: 'dev.dlmatrix.numpy',
  contentHash: 'dev.dlmatrix.content-hash',
  run: 'dev.dlmatrix.run',
  environment: 'dev.dlmatrix.environment',
  /** `host:pid` of the harness that started a container: tells dead runs from live ones. */
  owner: 'dev.dlmatrix.owner',
} as const;
