// Assembles the Docker build contexts from the repo's docker/ and loaders/ folders, the user's
// project, koffi, the host's CA bundle and layout.env (the in-image paths, from
// harness/image/layout.ts), and hashes them so images are tagged by content. Each context holds
// exactly what its stage uses, so an edit rebuilds only what depends on it.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative } from 'node:path';
import { LAYOUT, layoutEnv } from '../image/layout.ts';
import type { ProjectBuildPlan } from '../plan/project-build.ts';
import { projectSource } from './project-source.ts';

/** Root of the dlmatrix installation (holds docker/, loaders/ and crates/). */
export const HARNESS_ROOT = join(import.meta.dirname, '..', '..');
const DOCKER = join(HARNESS_ROOT, 'docker');
const LOADERS = join(HARNESS_ROOT, 'loaders');

/** The build arguments that tell every Dockerfile where things go in the image. */
export const LAYOUT_BUILD_ARGS: Readonly<Record<string, string>> = {
  DLMATRIX_ROOT: LAYOUT.root,
  DLMATRIX_PYTHON_TREE: LAYOUT.pythonTree,
};

export interface PreparedContext {
  dir: string;
  /** sha256 of every file's path and bytes. */
  hash: string;
}

/** Copies a folder without build outputs and VCS folders. */
function copySource(from: string, to: string): void {
  cpSync(from, to, {
    recursive: true,
    filter: (source) => !/(^|\/)(target|\.git|node_modules)(\/|$)/.test(relative(from, source)),
  });
}

function copyFiles(fromDir: string, toDir: string, names: string[]): void {
  mkdirSync(toDir, { recursive: true });
  for (const name of names) cpSync(join(fromDir, name), join(toDir, name), { recursive: true });
}

function writeLayout(dir: string): void {
  writeFileSync(join(dir, 'layout.env'), layoutEnv());
}

function copyCaBundle(dir: string, caBundle: string | undefined): void {
  mkdirSync(join(dir, 'ca-certificates'), { recursive: true });
  writeFileSync(join(dir, 'ca-certificates', '.keep'), '');
  if (caBundle) cpSync(caBundle, join(dir, 'ca-certificates', 'host-ca-bundle.crt'));
}

/** Toolchain stage: the distro's build tools and the C and Rust dlopen loaders. */
export function prepareToolchainContext(dir: string, caBundle: string | undefined): PreparedContext {
  copyFiles(DOCKER, dir, ['toolchain.Dockerfile']);
  copyFiles(join(DOCKER, 'scripts'), join(dir, 'scripts'), ['common.sh', 'manifest.py', 'install-toolchain.sh', 'build-loaders.sh']);
  writeLayout(dir);
  copyFiles(join(LOADERS, 'c'), join(dir, 'loaders', 'c'), ['loader.c', 'result_line.h']);
  copySource(join(LOADERS, 'rust'), join(dir, 'loaders', 'rust'));
  copyCaBundle(dir, caBundle);
  return { dir, hash: hashTree(dir) };
}

/** Environment stage: the project and how to build it, the runtime, the runner, the node loader. */
export function prepareEnvironmentContext(dir: string, project: ProjectBuildPlan, caBundle: string | undefined): PreparedContext {
  copyFiles(DOCKER, dir, ['environment.Dockerfile', 'runtime']);
  const scripts = ['common.sh', 'manifest.py', 'install-runtime.sh', 'install-numpy.sh', 'build-project.sh', 'build-project.py', 'finish-environment.sh'];
  copyFiles(join(DOCKER, 'scripts'), join(dir, 'scripts'), scripts);
  writeLayout(dir);
  copyFiles(join(LOADERS, 'linked'), join(dir, 'loaders', 'linked'), ['linked.c', 'linked.rs']);
  copyFiles(join(LOADERS, 'c'), join(dir, 'loaders', 'linked'), ['result_line.h']);
  copyFiles(join(LOADERS, 'node'), join(dir, 'loaders', 'node'), ['loader.mjs']);
  copyKoffi(join(dir, 'loaders', 'node', 'node_modules'));
  copyCaBundle(dir, caBundle);

  const source = projectSource(project.dir);
  for (const folder of source.folders) copySource(folder, join(dir, 'project', relative(source.root, folder)));
  const { dir: _hostDir, ...spec } = project;
  writeFileSync(join(dir, 'project.json'), `${JSON.stringify({ ...spec, projectDir: source.projectDir }, null, 2)}\n`);
  return { dir, hash: hashTree(dir) };
}

/** CPython stage: the verified release tarball and the script that builds it in one layout. */
export function prepareCpythonContext(dir: string, tarball: string, caBundle: string | undefined): PreparedContext {
  copyFiles(DOCKER, dir, ['cpython.Dockerfile']);
  copyFiles(join(DOCKER, 'scripts'), join(dir, 'scripts'), ['common.sh', 'build-cpython.sh']);
  writeLayout(dir);
  mkdirSync(join(dir, 'cpython'), { recursive: true });
  cpSync(tarball, join(dir, 'cpython', basename(tarball)));
  copyCaBundle(dir, caBundle);
  return { dir, hash: hashTree(dir) };
}

/** koffi's minimum Node.js major version, which the node cells need (older: skipped). */
export function koffiMinimumNode(): number {
  const koffiPackage = JSON.parse(readFileSync(join(koffiDir(), 'package.json'), 'utf8'));
  return Number(koffiPackage.cnoke?.node ?? 16);
}

function koffiDir(): string {
  // koffi's `exports` hides package.json: find its folder from its main entry.
  return findPackageDir(createRequire(import.meta.url).resolve('koffi'));
}

/** koffi and its prebuilt binary for this platform, from dlmatrix's own node_modules. */
function copyKoffi(target: string): void {
  const dir = koffiDir();
  cpSync(dir, join(target, 'koffi'), { recursive: true });
  const platformPackage = `@koromix/koffi-linux-${process.arch === 'arm64' ? 'arm64' : 'x64'}`;
  try {
    const platformDir = findPackageDir(createRequire(join(dir, 'package.json')).resolve(platformPackage));
    cpSync(platformDir, join(target, ...platformPackage.split('/')), { recursive: true });
  } catch {
    // Older koffi releases ship their binaries inside the main package.
  }
}

function findPackageDir(file: string): string {
  let dir = dirname(file);
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${file}`);
    dir = parent;
  }
  return dir;
}

/** Byte order, not the user's locale: the same tree hashes the same under any LANG. */
const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

export function hashTree(dir: string): string {
  const hash = createHash('sha256');
  const walk = (path: string) => {
    for (const entry of readdirSync(path, { withFileTypes: true }).sort(byName)) {
      const full = join(path, entry.name);
      if (entry.isDirectory()) walk(full);
      else hash.update(relative(dir, full)).update('\0').update(readFileSync(full)).update('\0');
    }
  };
  if (existsSync(dir)) walk(dir);
  return hash.digest('hex');
}

export function hashValues(...values: string[]): string {
  return createHash('sha256').update(values.join('\0')).digest('hex');
}
