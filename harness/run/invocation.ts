// What the runner starts for one cell: a built-in loader (C dlopen, Rust libloading, Node koffi,
// or an executable linked against the library) or the user's own host program, with the library
// variant and environment its mitigation asks for. Paths are those the image's build left.
import type { CustomLoader, EntryKind, Mitigation } from '../matrix/types.ts';
import type { PlannedCell } from '../plan/plan.ts';
import type { EnvironmentFacts } from './environment-facts.ts';
import type { RunnerRequest } from './runner-protocol.ts';

const BIN = '/opt/dlmatrix/bin';
const NODE_LOADER = '/opt/dlmatrix/loaders/node/loader.mjs';

/** What every cell of a run shares: how the library is entered and the user's host programs. */
export interface InvocationContext {
  entry: string;
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

export type Invocation = { request: Pick<RunnerRequest, 'argv' | 'cwd' | 'env'>; command: string[] } | { skip: string };

/** The library variant a mitigation runs: `promote` is the library built with its own fix. */
export function variantOf(mitigation: Mitigation): 'plain' | 'promote' {
  return mitigation === 'promote' ? 'promote' : 'plain';
}

export function invocation(cell: PlannedCell, facts: EnvironmentFacts, context: InvocationContext): Invocation {
  const variant = variantOf(cell.mitigation);
  const library = facts.libraries[variant];
  const cwd = facts.projects[variant];
  if (!library || !cwd) throw new Error(`the image has no ${variant} build of the library (facts library_${variant}, project_${variant})`);
  const env: Record<string, string> = {};
  if (cell.mitigation === 'preload') {
    if (!facts.libpython) throw new Error('the image does not say where its libpython is (fact libpython)');
    env.LD_PRELOAD = facts.libpython;
  }
  const flags = cell.mode.kind === 'dlopen' ? cell.mode.flags.join('|') : cell.mode.kind;
  const modules = context.imports.join(',');
  const variantBin = `/opt/dlmatrix/variants/${variant}/bin`;
  const finish = (argv: string[], extraEnv: Record<string, string> = {}): Invocation => {
    const allEnv = { ...threadLimitEnv(context.cellThreads), ...extraEnv, ...env };
    const command = ['env', '-C', cwd, ...Object.entries(allEnv).map(([k, v]) => `${k}=${v}`), ...argv];
    return { request: { argv, cwd, env: allEnv }, command };
  };

  const custom = context.loaders[cell.axes.loader];
  if (custom) {
    const values: Record<string, string> = { library, flags, entry: context.entry };
    const argv = custom.run.map((arg) => arg.replace(/\{(library|flags|entry)\}/g, (_, name: string) => values[name]));
    return finish(argv, custom.env);
  }
  const entryArgs = [context.entry, context.entryKind];
  switch (cell.axes.loader) {
    case 'c':
    case 'rust':
      if (cell.mode.kind === 'linked') return finish([`${variantBin}/loader-${cell.axes.loader}-linked`, modules]);
      if (cell.mode.kind === 'own') return { skip: 'the built-in loaders need dlopen flags or `linked`' };
      return finish([`${BIN}/loader-${cell.axes.loader}`, library, flags, ...entryArgs, modules]);
    case 'node': {
      const major = Number(/^v(\d+)/.exec(facts.node ?? '')?.[1]);
      if (!major) return { skip: 'Node.js is not installed in this environment' };
      if (major < context.koffiMinimumNode) return { skip: `Node.js ${facts.node} is too old for koffi (needs >= ${context.koffiMinimumNode})` };
      if (cell.mode.kind !== 'dlopen') return { skip: 'Node.js cannot link a library at build time: koffi always loads it at run time' };
      return finish(['node', NODE_LOADER, library, flags, ...entryArgs, modules]);
    }
    default:
      return { skip: `unknown loader "${cell.axes.loader}"` };
  }
}
