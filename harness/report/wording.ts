// How every report names environments and cells and explains a verdict, so JUnit, HTML and the
// terminal say the same thing in the same words.
import { KNOWN_AXES } from '../matrix/types.ts';
import { outcomeWithCause } from '../results/outcome-with-cause.ts';
import type { CellAxes, CellResult, EnvironmentInfo, Outcome, ResultsSummary, RunResults } from '../results/run-results.ts';
import { runState, type RunState } from '../results/summary.ts';
import type { CellStatus } from '../results/verdicts.ts';

export { outcomeWithCause };

/** Outcomes as a grid cell shows them, in words. */
export const OUTCOME_WORDS: Record<Outcome, string> = {
  loaded: 'loaded',
  'undefined-symbol': 'undefined symbol',
  'import-error': 'import error',
  'dlopen-error': 'dlopen error',
  'missing-library': 'missing library',
  'no-entry': 'no entry',
  'no-import': 'no import',
  crash: 'crash',
  timeout: 'timeout',
  'build-error': 'build error',
  'engine-error': 'engine error',
  'harness-error': 'harness error',
  skipped: 'skipped',
};

/** Axes beyond the five known ones (matrices may add some): they label cells and columns. */
export function extraAxisNames(axes: CellAxes): string[] {
  return Object.keys(axes).filter((name) => !(KNOWN_AXES as readonly string[]).includes(name));
}

/** "python system (3.11.2)": the requested value, and what it resolved to when that differs. */
function versioned(axis: string, requested: string, resolved?: string): string {
  return resolved && resolved !== requested ? `${axis} ${requested} (${resolved})` : `${axis} ${requested}`;
}

/** e.g. `bookworm / python system (3.11.2) / numpy 1.26.4` */
export function environmentLabel(env: EnvironmentInfo): string {
  return [env.distro, versioned('python', env.python, env.resolved.python), versioned('numpy', env.numpy, env.resolved.numpy)].join(' / ');
}

/** A cell within its environment: `<loader> <flags>` plus any extra axes as `name=value`. */
export function cellLabel(axes: CellAxes): string {
  return [axes.loader, axes.flags, ...extraAxisNames(axes).map((name) => `${name}=${axes[name]}`)].join(' ');
}

/** What a flaky cell's earlier attempts gave (older results files only counted them). */
export function flakyNote(cell: CellResult): string {
  return cell.previousAttempts?.length
    ? `${cell.previousAttempts.map(outcomeWithCause).join(', then ')}, then ${outcomeWithCause(cell)} on retry`
    : `failed ${Math.max(1, cell.attempts - 1)} of ${cell.attempts} attempts, then ${outcomeWithCause(cell)} on retry`;
}

export function expectedList(expected: Outcome[]): string {
  return expected.length > 0 ? expected.join(' or ') : '(nothing: no expect rule matched)';
}

/**
 * Infrastructure trouble rather than a finding about the library: JUnit `<error>`, not
 * `<failure>`. A failed `skipped` cell is one that should have run and did not (a shard missing
 * from a merge).
 */
export function isInfrastructureProblem(cell: CellResult): boolean {
  return cell.verdict === 'fail' && ['build-error', 'timeout', 'crash', 'skipped'].includes(cell.outcome);
}

export function formatSeconds(ms: number): string {
  // Clamped: toFixed switches to exponent notation from 1e21, which JUnit time patterns reject.
  return Number.isFinite(ms) ? (Math.min(Math.max(0, ms), 1e15) / 1000).toFixed(3) : '0.000';
}

/** "1.2 s", "7 min 12 s": durations for people. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

const cells = (n: number) => `${n} ${n === 1 ? 'cell' : 'cells'}`;

/**
 * The run's verdict in one line, the same in every report's headline (terminal, job summary,
 * index.html): red when a cell missed or did not run, never green when nothing ran.
 */
export function headline(results: Pick<RunResults, 'summary' | 'interrupted'>): { state: RunState; text: string } {
  const s = results.summary;
  const state = runState(results);
  const ran = s.passed + s.flaky;
  switch (state) {
    case 'failed': {
      const parts = [s.failed > 0 ? `${s.failed} of ${cells(s.total)} failed` : '', s.notRun > 0 ? `${s.notRun} ${s.failed > 0 ? '' : `of ${cells(s.total)} `}did not run` : ''];
      return { state, text: parts.filter(Boolean).join(', ') };
    }
    case 'interrupted':
      return { state, text: `interrupted after ${cells(s.total)}` };
    case 'nothing-ran':
      return { state, text: `no cell ran${s.total > 0 ? ` (${statusCounts(s, { zeros: false }).map((c) => c.text).join(', ')})` : ''}: nothing was tested` };
    default:
      return { state, text: ran === s.total ? `all ${cells(s.total)} met their expectations` : `all ${cells(ran)} that ran met their expectations` };
  }
}

/** One count of the summary line, e.g. `18 expected not to run`, with the status it counts. */
export interface StatusCount {
  status: CellStatus;
  count: number;
  text: string;
}

const COUNT_WORDS: [CellStatus, keyof ResultsSummary, string][] = [
  ['passed', 'passed', 'passed'],
  ['expected-not-run', 'expectedNotRun', 'expected not to run'],
  ['failed', 'failed', 'failed'],
  ['not-run', 'notRun', 'not run'],
  ['flaky', 'flaky', 'flaky'],
  ['skipped', 'skipped', 'skipped'],
];
// Shown even at zero: the counts a reader looks for. The others appear when they happen.
const ALWAYS: readonly CellStatus[] = ['passed', 'failed', 'flaky', 'skipped'];

/** "36 passed, 18 expected not to run, 0 failed, 0 flaky, 0 skipped" as parts, in this order. */
export function statusCounts(summary: ResultsSummary, options: { zeros?: boolean } = {}): StatusCount[] {
  const zeros = options.zeros ?? true;
  return COUNT_WORDS.map(([status, field, words]) => ({ status, count: (summary[field] as number | undefined) ?? 0, words }))
    .filter(({ status, count }) => count > 0 || (zeros && ALWAYS.includes(status)))
    .map(({ status, count, words }) => ({ status, count, text: `${count} ${words}` }));
}
