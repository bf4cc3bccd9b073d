// The manifest every dlmatrix image carries (LAYOUT.manifest): what the image is and holds. The
// image side writes it (docker/scripts/manifest.py); the harness reads it once per image
// (docker/image-manifests.ts) through parseManifest, which checks it against the contract schema.
import { definition, MANIFEST_SCHEMA_VERSION } from './contract-schema.ts';
import { ContractError } from './contract-error.ts';
import { schemaProblem } from './schema-check.ts';
import { CONTRACT_SCHEMA } from './contract-schema.ts';

export const PYTHON_BUILDS = ['distro', 'shared', 'static', 'standalone'] as const;
export type PythonBuild = (typeof PYTHON_BUILDS)[number];

export type Libpython = { kind: 'shared'; path: string; soname: string; onLoaderPath: boolean } | { kind: 'static'; path: string };

export interface PythonFacts {
  /** The `python` axis value. */
  request: string;
  build: PythonBuild;
  version: string;
  executable: string;
  prefix: string;
  /** A `python3` on PATH is this interpreter. */
  onPath: boolean;
  libpython: Libpython;
  /** For a build from source: the verified release tarball. */
  source?: { url: string; sha256: string };
}

export interface LibraryVariant {
  library: string;
  project: string;
  /** The library's exported function symbols. */
  exports: string[];
  /** Built-in loaders linked against it, by loader name (c, rust). */
  linked: Record<string, string>;
  /** The user's host programs built in this copy. */
  hosts: string[];
  /** The user's host programs whose build failed here, by loader name: their cells are build errors. */
  failedHosts?: Record<string, FailedHost>;
}

/** A host program that did not build: its command, exit status and the end of its output. */
export interface FailedHost {
  command: string;
  exit: number;
  output: string;
}

interface Common {
  schema: typeof MANIFEST_SCHEMA_VERSION;
  distro: { id: string; codename: string; name: string };
  glibc: string;
  arch: string;
  python: PythonFacts;
}

export interface ToolchainManifest extends Common {
  stage: 'toolchain';
  status: 'ready';
  rustc: string;
  cargo: string;
}

export interface EnvironmentManifest extends Common {
  stage: 'environment';
  status: 'ready';
  rustc: string;
  cargo: string;
  numpy: { request: string; version: string; source: 'distro' | 'pypi' };
  /** `v20.19.2`, or null when the environment has no Node.js. */
  node: string | null;
  /** The built-in dlopen loaders present, by name. */
  loaders: Record<string, string>;
  variants: { plain: LibraryVariant; promote?: LibraryVariant };
}

/** An image of an environment that cannot exist (no such Python in the distro, ...). */
export interface SkippedManifest extends Partial<Omit<Common, 'python' | 'schema'>> {
  schema: typeof MANIFEST_SCHEMA_VERSION;
  stage: 'toolchain' | 'environment';
  status: 'skipped';
  skipReason: string;
  python?: Partial<PythonFacts>;
}

export type Manifest = ToolchainManifest | EnvironmentManifest | SkippedManifest;

/** Checks a manifest's text; throws ContractError naming `source` and the field that is wrong. */
export function parseManifest(text: string, source: string): Manifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ContractError(source, `not JSON (${(error as Error).message})`);
  }
  const problem = schemaProblem(value, definition('manifest'), CONTRACT_SCHEMA);
  if (problem) throw new ContractError(source, problem);
  return value as Manifest;
}

export function isReady<M extends Manifest>(manifest: M): manifest is Exclude<M, SkippedManifest> {
  return manifest.status === 'ready';
}
