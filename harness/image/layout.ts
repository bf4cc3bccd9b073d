// Every path inside dlmatrix's images, declared once. The harness reads them from here; the image
// side (Dockerfiles, scripts, the cell runner) reads them from layout.env, which every build
// context gets written from this file (layoutEnv), so no other file spells the in-image root.
export const IMAGE_ROOT = '/opt/dlmatrix';

export const LAYOUT = {
  root: IMAGE_ROOT,
  /** The image's manifest (manifest.ts): the one file of facts the harness reads. */
  manifest: `${IMAGE_ROOT}/manifest.json`,
  /** Build scripts and layout.env. */
  scripts: `${IMAGE_ROOT}/scripts`,
  /** Build inputs: the project, the loaders' sources, project.json. */
  src: `${IMAGE_ROOT}/src`,
  /** The built-in dlopen loaders that do not depend on the library: loader-c, loader-rust. */
  bin: `${IMAGE_ROOT}/bin`,
  /** The Node.js loader and its koffi. */
  nodeLoader: `${IMAGE_ROOT}/loaders/node/loader.mjs`,
  /** The cell runner and the import trace. */
  runtime: `${IMAGE_ROOT}/runtime`,
  runner: `${IMAGE_ROOT}/runtime/runner.py`,
  /** Per library variant (plain, promote): the project copy it was built in and its linked loaders. */
  variants: `${IMAGE_ROOT}/variants`,
  /** What the project stage hands to the runtime stage. */
  out: `${IMAGE_ROOT}/out`,
  /** The host's CA certificates, trusted by apt, pip and cargo in the builds. */
  caCertificates: `${IMAGE_ROOT}/ca-certificates`,
  /** A link to the environment's interpreter: what runs the build scripts and the cell runner. */
  python: `${IMAGE_ROOT}/python`,
  /** What build-cpython.sh says of the CPython it built (executable, runtime packages, source). */
  pythonBuildInfo: `${IMAGE_ROOT}/python-build.env`,
  /**
   * In a CPython image: its installed files, laid out as they go under `/`. The other stages copy
   * `${pythonTree}*` (a glob, so that the distro build, which has none, copies nothing); the glob
   * needs an existing parent, and /opt is in every Debian image.
   */
  pythonTree: '/opt/dlmatrix-python',
} as const;

export type LayoutName = keyof typeof LAYOUT;

/** The command an environment container runs: the cell runner on the environment's own Python. */
export const RUNNER_COMMAND: readonly string[] = [LAYOUT.python, '-u', LAYOUT.runner];

/**
 * layout.env: `DLMATRIX_NAME=value` lines, valid shell (`. layout.env`) and read by the Python
 * scripts as plain key=value lines; DLMATRIX_ROOT is also the Dockerfiles' build argument.
 */
export function layoutEnv(): string {
  const lines = Object.entries(LAYOUT).map(([name, value]) => `DLMATRIX_${envName(name)}=${value}`);
  return `# Written by the harness from harness/image/layout.ts: every path inside dlmatrix's images.\n${lines.join('\n')}\n`;
}

function envName(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();
}
