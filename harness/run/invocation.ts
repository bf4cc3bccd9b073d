// What the runner starts for one cell: a built-in loader (C dlopen, Rust libloading, Node koffi,
// or an executable linked against the library) or the user's own host program, with the library
// variant and environment its mitigation asks for, all read from the image's manifest. A cell
// whose loader the environment cannot run is skipped here, with the reason, and a cell whose host
// program did not build is a build error here (the one place a single cell of a ready environment
// is decided without running).
import type { EnvironmentManifest, FailedHost } from '../image/manifest.ts';
import type { RunnerRequest } from '../image/runner-protocol.ts';
import { formatFlags } from '../matrix/flags.ts';
import type { CustomLoader, EntryKind, Mitigation, SourcePos } from '../matrix/types.ts';
import type { PlannedCell } from '../plan/plan.ts';
import { decisiveLines } from './build-error-text.ts';

/** What every cell of a run shares: how the library is entered and the user's host programs. */
export interface InvocationContext {
  entry: string;
  /** Where the matrix file names the entry (for an error when the library does not export it). */
  entryAt?: SourcePos;
  entryKind: EntryKind;
  loaders: Readonly<Record<string, CustomLoader>>;
  imports: string[];
  /** koffi's minimum Node.js major version: older makes the node cells `skipped`. */
  koffiMinimumNode: number;
  /** options.cell-threads: the BLAS/OpenMP thread pools' size in each cell's process. */
  cellThreads: number | 'default';
}

/**
 * Cells run side by side, one per core or more; a NumPy wheel's OpenBLAS would start a thread per
 * core in every one of them, and those threads spin: measured, 60 to 75 ms of CPU per import on
 * top of about 100, for nothing a cell checks. Like joblib's workers, each cell gets a pool of its
 * own size instead. OpenBLAS reads OPENBLAS_NUM_THREADS first; OpenMP libraries (and OpenBLAS built
 * with OpenMP) read OMP_NUM_THREADS. A host program's own `env` overrides these.
 */
export function threadLimitEnv(cellThreads: number | 'default'): Record<string, string> {
  if (cellThreads === 'default') return {};
  return { OPENBLAS_NUM_THREADS: String(cellThreads), OMP_NUM_THREADS: String(cellThreads) };
}

export type Invocation =
  | { request: Pick<RunnerRequest, 'argv' | 'cwd' | 'env'>; command: string[] }
  | { skip: string }
  /** The user's host program did not build in this environment: its cells only are build errors. */
  | { buildError: string; output: string };

/** The library variant a mitigation runs: `promote` is the library built with its own fix. */
export function variantOf(mitigation: Mitigation): 'plain' | 'promote' {
  return mitigation === 'promote' ? 'promote' : 'plain';
}

/** "host program linked-host did not build (exit 101: CMD): error: linking with `cc` failed …\ncaused by: /usr/bin/ld: warning: libpython3.13.so.1.0, needed by …" */
function hostBuildError(name: string, failed: FailedHost): string {
  const cause = decisiveLines(failed.output);
  return `host program ${name} did not build (exit ${failed.exit}: ${failed.command})${cause ? `: ${cause}` : ''}`;
}

/**
 * A mitigation's search-path variables go in front of the host program's own, as a user adds the
 * fix to a host that already sets them (a linked host finds its library through LD_LIBRARY_PATH):
 * replacing them would turn the fix's cell into the host's missing library.
 */
function withHostPaths(mitigationEnv: Record<string, string>, hostEnv: Record<string, string>): Record<string, string> {
  const merged: Record<string, string> = {};
  for (const [name, value] of Object.entries(mitigationEnv)) merged[name] = hostEnv[name] ? `${value}:${hostEnv[name]}` : value;
  return merged;
}

export function invocation(cell: PlannedCell, manifest: EnvironmentManifest, context: InvocationContext): Invocation {
  const variant = manifest.variants[variantOf(cell.mitigation)];
  if (!variant) throw new Error(`the image has no ${variantOf(cell.mitigation)} build of the library (manifest: variants.${variantOf(cell.mitigation)})`);
  const { library, project: cwd } = variant;
  const env: Record<string, string> = {};
  const { libpython } = manifest.python;
  if (cell.mitigation === 'preload' || cell.mitigation === 'library-path') {
    if (libpython.kind !== 'shared') return { skip: `mitigation ${cell.mitigation} needs a shared libpython, and this ${manifest.python.build} Python has only ${libpython.path}` };
    if (cell.mitigation === 'preload') env.LD_PRELOAD = libpython.path;
    else env.LD_LIBRARY_PATH = libpython.path.replace(/\/[^/]*$/, '');
  }
  const flags = cell.mode.kind === 'dlopen' ? formatFlags(cell.mode.flags) : cell.mode.kind;
  const modules = context.imports.join(',');
  const finish = (argv: string[], extraEnv: Record<string, string> = {}): Invocation => {
    const allEnv = { ...threadLimitEnv(context.cellThreads), ...extraEnv, ...withHostPaths(env, extraEnv) };
    const command = ['env', '-C', cwd, ...Object.entries(allEnv).map(([k, v]) => `${k}=${v}`), ...argv];
    return { request: { argv, cwd, env: allEnv }, command };
  };

  const custom = context.loaders[cell.axes.loader];
  if (custom) {
    const failed = variant.failedHosts?.[custom.name];
    if (failed) return { buildError: hostBuildError(custom.name, failed), output: failed.output };
    const values: Record<string, string> = { library, flags, entry: context.entry };
    const argv = custom.run.map((arg) => arg.replace(/\{(library|flags|entry)\}/g, (_, name: string) => values[name]!));
    return finish(argv, custom.env);
  }
  const entryArgs = [context.entry, context.entryKind];
  const loader = cell.axes.loader;
  switch (loader) {
    case 'c':
    case 'rust': {
      if (cell.mode.kind === 'linked') {
        const linked = variant.linked[loader];
        if (!linked) throw new Error(`the image has no ${loader} loader linked against the library (manifest: variants.${variantOf(cell.mitigation)}.linked.${loader})`);
        return finish([linked, modules]);
      }
      if (cell.mode.kind === 'own') return { skip: 'the built-in loaders need dlopen flags or `linked`' };
      const program = manifest.loaders[loader];
      if (!program) throw new Error(`the image has no ${loader} loader (manifest: loaders.${loader})`);
      return finish([program, library, flags, ...entryArgs, modules]);
    }
    case 'node': {
      const major = Number(/^v(\d+)/.exec(manifest.node ?? '')?.[1]);
      const program = manifest.loaders.node;
      if (!major || !program) return { skip: 'Node.js is not installed in this environment' };
      if (major < context.koffiMinimumNode) return { skip: `Node.js ${manifest.node} is too old for koffi (needs >= ${context.koffiMinimumNode})` };
      if (cell.mode.kind !== 'dlopen') return { skip: 'Node.js cannot link a library at build time: koffi always loads it at run time' };
      return finish(['node', program, library, flags, ...entryArgs, modules]);
    }
    default:
      return { skip: `unknown loader "${loader}"` };
  }
}
