// The matrix file after loading and validation: the contract between matrix.yaml and the rest.
import type { Outcome } from '../results/run-results.ts';

/** Where something is in the matrix file (1-based line and column). */
export interface SourcePos {
  file: string;
  line: number;
  col: number;
}

/** The five axes every cell must have, in display order. */
export const KNOWN_AXES = ['distro', 'python', 'numpy', 'loader', 'flags'] as const;
export type KnownAxis = (typeof KNOWN_AXES)[number];

/**
 * The optional axis that says where each environment's CPython comes from: `distro` (the
 * default: the distro's own packages), or built from its release source as `shared` (the
 * official python:X.Y images), `static` (pyenv's default) or `standalone` (python-build-standalone
 * as uv installs it). Part of the environment: each layout has its own images.
 */
export const PYTHON_BUILD_AXIS = 'python-build';
export const PYTHON_BUILDS = ['distro', 'shared', 'static', 'standalone'] as const;
export type PythonBuildName = (typeof PYTHON_BUILDS)[number];

/** One combination of axis values (all values are strings: YAML numbers are stringified). */
export type Combination = Record<string, string>;

export interface MatrixEntry {
  values: Combination;
  at: SourcePos;
}

/** `expect` rule: the first one whose `when` matches a cell gives its expected outcomes. */
export interface ExpectRule {
  /** axis -> alternatives (globs: `*` any run of characters, `?` one character). */
  when: Record<string, string[]>;
  outcomes: Outcome[];
  at: SourcePos;
}

export interface MatrixOptions {
  /** Per-cell timeout in seconds. */
  timeoutSeconds: number;
  /** Refuse matrices that expand to more cells than this. */
  maxCells: number;
  /** Copy the host's CA bundle into images: true, false, or 'auto' (when SSL_CERT_FILE is set). */
  hostCaCertificates: boolean | 'auto';
  /** A registry repository images are pulled from before building and pushed to after. */
  cacheRegistry?: string;
  /**
   * Threads each cell's BLAS/OpenMP pools may start (OPENBLAS_NUM_THREADS, OMP_NUM_THREADS), or
   * 'default' to leave the libraries their own choice (one thread per core, in every cell).
   */
  cellThreads: number | 'default';
  /** Memory of each environment's cell container, bytes (its cells share it; a hog is killed, the others go on). */
  cellMemoryBytes: number;
  /** Processes and threads at once in each environment's cell container (a fork bomb hits it, not the machine). */
  cellPids: number;
  /** Where CPython release tarballs come from (an upstream URL template with {version}) and pinned sha256 per release. */
  pythonSources?: { url?: string; sha256: Record<string, string> };
}

/** How the built-in loaders call the library's entry point. */
export type EntryKind =
  | 'probe' // the dlmatrix probe: const char *f(const char *imports), returns a JSON report
  | 'void' // void f(void)
  | 'int'; // int f(void): non-zero means failure

/** The library under test (`project:`): a Cargo package or workspace and how to build it. */
export interface ProjectConfig {
  /** Absolute path of the project (`project.path` resolved against the matrix file's folder). */
  dir: string;
  /** Shell command run in a copy of the project inside each toolchain image. */
  build: string;
  /** The built library, relative to `dir`; undefined: the one cdylib the build leaves. */
  library?: string;
  /** Exported symbol the built-in loaders call. */
  entry: string;
  /** Where `entry` is written (the fixture's own position when it is the default): errors about it point here. */
  entryAt?: SourcePos;
  entryKind: EntryKind;
  /** Cargo feature that turns on the library's own fix, for `mitigation: promote`. */
  promoteFeature?: string;
}

/** The placeholders a custom loader's `run` may use. */
export const LOADER_PLACEHOLDERS = ['library', 'flags', 'entry'] as const;

/** One of the user's own host programs (`loaders:`), usable as a value of the loader axis. */
export interface CustomLoader {
  name: string;
  /** Shell command run in the project copy after the library is built. */
  build?: string;
  /** argv, run in the project folder, with {library}, {flags} and {entry} substituted. */
  run: string[];
  env: Record<string, string>;
  /** False when `run` has no {flags}: the program opens the library its own way (flags `own`). */
  usesFlags: boolean;
  at: SourcePos;
}

/** Values of the optional `mitigation` axis: which fix for the RTLD_LOCAL failure a cell applies. */
export const MITIGATIONS = [
  'none', // the program as it is
  'preload', // LD_PRELOAD of the environment's libpython
  'promote', // the library built with its own fix (project.promote-feature)
  'library-path', // LD_LIBRARY_PATH names libpython's folder (a standalone Python's, off the loader's path)
] as const;
export type Mitigation = (typeof MITIGATIONS)[number];

export interface MatrixConfig {
  /** Absolute path of the matrix file. */
  file: string;
  project: ProjectConfig;
  /** The user's host programs by name. */
  loaders: Record<string, CustomLoader>;
  /** Modules whose import is watched in every cell. */
  imports: string[];
  /** Axis name -> values, in file order (unknown axes allowed: they label cells). */
  axes: Record<string, string[]>;
  exclude: MatrixEntry[];
  include: MatrixEntry[];
  expect: ExpectRule[];
  options: MatrixOptions;
  /** Where each axis value was first written (axes, then include entries): for later checks. */
  valuePositions: Record<string, Record<string, SourcePos>>;
}

export type Severity = 'error' | 'warning';

/** A problem found in the matrix file, with its position and what would be valid. */
export interface MatrixDiagnostic {
  severity: Severity;
  at: SourcePos;
  message: string;
  /** What to do instead, e.g. the valid values. */
  hint?: string;
}
