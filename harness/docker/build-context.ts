// Assembles the Docker build contexts from the repo's docker/ and fixtures/ folders, the user's
// fixture crate, koffi and the host's CA bundle, and hashes them so images are tagged by content.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';

/** Root of the dlmatrix installation (holds docker/ and fixtures/). */
export const HARNESS_ROOT = join(import.meta.dirname, '..', '..');

export interface ContextInputs {
  /** The user's PyO3 crate. */
  fixtureDir: string;
  /** A PEM bundle to trust inside images, or undefined. */
  caBundle?: string;
}

export interface PreparedContext {
  dir: string;
  /** sha256 of every file's path and bytes. */
  hash: string;
}

/** Copies a crate without its build outputs and VCS folders. */
function copyCrate(from: string, to: string): void {
  cpSync(from, to, {
    recursive: true,
    filter: (source) => !/(^|\/)(target|\.git|node_modules)(\/|$)/.test(relative(from, source)),
  });
}

export function prepareToolchainContext(dir: string, inputs: ContextInputs): PreparedContext {
  mkdirSync(dir, { recursive: true });
  cpSync(join(HARNESS_ROOT, 'docker'), dir, { recursive: true });
  copyCrate(join(HARNESS_ROOT, 'fixtures', 'loaders'), join(dir, 'loaders'));
  copyCrate(inputs.fixtureDir, join(dir, 'fixture'));
  copyKoffi(join(dir, 'node-modules'));
  mkdirSync(join(dir, 'ca-certificates'), { recursive: true });
  writeFileSync(join(dir, 'ca-certificates', '.keep'), '');
  if (inputs.caBundle) cpSync(inputs.caBundle, join(dir, 'ca-certificates', 'host-ca-bundle.crt'));
  return { dir, hash: hashTree(dir) };
}

/** The environment stage needs only its Dockerfile and the NumPy script (the rest is in the toolchain image). */
export function prepareEnvironmentContext(dir: string): PreparedContext {
  mkdirSync(join(dir, 'scripts'), { recursive: true });
  cpSync(join(HARNESS_ROOT, 'docker', 'environment.Dockerfile'), join(dir, 'environment.Dockerfile'));
  for (const script of ['common.sh', 'install-numpy.sh']) {
    cpSync(join(HARNESS_ROOT, 'docker', 'scripts', script), join(dir, 'scripts', script));
  }
  return { dir, hash: hashTree(dir) };
}

/** koffi and its prebuilt binary for this platform, from dlmatrix's own node_modules. */
function copyKoffi(target: string): void {
  const require = createRequire(import.meta.url);
  // koffi's `exports` hides package.json: find its folder from its main entry.
  const koffiDir = findPackageDir(require.resolve('koffi'));
  cpSync(koffiDir, join(target, 'koffi'), { recursive: true });
  const koffiPackage = JSON.parse(readFileSync(join(koffiDir, 'package.json'), 'utf8'));
  // The build script compares the container's Node.js against koffi's declared minimum.
  writeFileSync(join(target, 'koffi', '.dlmatrix-node-min'), String(koffiPackage.cnoke?.node ?? 16));
  const platformPackage = `@koromix/koffi-linux-${process.arch === 'arm64' ? 'arm64' : 'x64'}`;
  const fromKoffi = createRequire(join(koffiDir, 'package.json'));
  try {
    const platformDir = findPackageDir(fromKoffi.resolve(platformPackage));
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

export function hashTree(dir: string): string {
  const hash = createHash('sha256');
  const walk = (path: string) => {
    for (const entry of readdirSync(path, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = join(path, entry.name);
      if (entry.isDirectory()) walk(full);
      else {
        hash.update(relative(dir, full)).update('\0').update(readFileSync(full)).update('\0');
      }
    }
  };
  if (existsSync(dir)) walk(dir);
  return hash.digest('hex');
}

export function hashValues(...values: string[]): string {
  return createHash('sha256').update(values.join('\0')).digest('hex');
}
