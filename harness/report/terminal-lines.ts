// Lines every terminal reporter (list, line, dot) prints the same way: a finished cell, and the
// end of the run (findings, the counts, changes since a baseline).
import { formatDiffForTerminal, type ResultsDiff } from '../results/diff.ts';
import { findingsScope } from '../results/findings.ts';
import type { CellResult, RunResults, Verdict } from '../results/run-results.ts';
import type { CellStatus } from '../results/verdicts.ts';
import { sanitizeText } from './text.ts';
import { headline, statusCounts } from './wording.ts';

export type Tone = Verdict | 'dim';
export type Paint = (tone: Tone, text: string) => string;

const COLORS: Record<Tone, string> = { pass: '32', fail: '31', flaky: '33', skip: '90', dim: '2' };

/** Colour on a terminal unless NO_COLOR is set (https://no-color.org), or as the caller says. */
export function useColor(stream: NodeJS.WriteStream, requested?: boolean): boolean {
  return requested ?? (Boolean(stream.isTTY) && !process.env.NO_COLOR);
}

export function painter(color: boolean): Paint {
  return (tone, text) => (color ? `\x1b[${COLORS[tone]}m${text}\x1b[0m` : text);
}

/** Text from containers is untrusted: no escape sequences, one line. */
export function clean(text: string): string {
  return sanitizeText(text).replace(/\s*\n\s*/g, ' ');
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** `FAIL  <id>  undefined-symbol (PyObject_SelfIter), expected loaded  0.2s` */
export function cellLine(cell: CellResult, paint: Paint): string {
  const cause = cell.symbol ? ` (${clean(cell.symbol)})` : cell.signal ? ` (${cell.signal})` : '';
  const expected = cell.verdict === 'fail' ? `, expected ${cell.expected.join(' or ')}` : '';
  const reason =
    cell.outcome === 'skipped' && cell.reason ? `: ${clean(cell.reason)}` : cell.outcome === 'build-error' ? ': its environment did not build (its error is above, once)' : '';
  return `${paint(cell.verdict, cell.verdict.toUpperCase().padEnd(5))} ${cell.id}  ${cell.outcome}${cause}${expected}${reason}  ${(cell.durationMs / 1000).toFixed(1)}s`;
}

const TONE: Record<CellStatus, Tone> = { passed: 'pass', failed: 'fail', 'not-run': 'fail', flaky: 'flaky', skipped: 'skip', 'expected-not-run': 'skip' };

/** What the matrix shows, then the counts, then what changed since the baseline (if any). */
export function endOfRun(results: RunResults, paint: Paint, diff: ResultsDiff | undefined, color: boolean): string {
  const { findings } = results;
  const lines = findings.statements.length > 0 ? [`Findings ${findingsScope(findings)}:`, ...findings.statements.map((s) => `  - ${clean(s.text)}`)] : [];
  const counts = statusCounts(results.summary).map(({ status, text }) => paint(TONE[status], text));
  lines.push(`${results.summary.total} cells: ${counts.join(', ')} in ${(results.durationMs / 1000).toFixed(1)} s${results.interrupted ? ' (interrupted)' : ''}`);
  const { state, text } = headline(results);
  if (state === 'nothing-ran') lines.push(paint('flaky', `warning: ${text}`));
  const failedBuilds = results.environments.filter((e) => e.buildError);
  if (failedBuilds.length > 0 && failedBuilds.length === results.environments.length) {
    const logs = failedBuilds.find((e) => e.buildLog)?.buildLog?.replace(/\/[^/]*$/, '');
    lines.push(
      paint('fail', `no environment built (${failedBuilds.length} of ${failedBuilds.length}): nothing about the library was tested`) +
        `; each one's error is above${logs ? `, and the full logs are in ${clean(logs)}/` : ''}`,
    );
  }
  return `${lines.join('\n')}\n${diff ? formatDiffForTerminal(diff, { color }) : ''}`;
}
