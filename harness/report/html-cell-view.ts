// What index.html says about one cell, as sanitized text: the grid cell's label and tooltip, and
// the detail (facts, decoded loader report, outputs, rerun command). Decided here once; the page
// lays it out twice, as static HTML (html-writer.ts, for readers without JavaScript) and in the
// browser from the page's data (html-data.ts encodes these texts, html-script.js shows them), so
// both always say the same thing.
import type { CellChange } from '../results/diff.ts';
import type { CellResult, EnvironmentInfo, Verdict } from '../results/run-results.ts';
import { cellLabel, environmentLabel, expectedList, formatDuration, outcomeWithCause } from './wording.ts';
import { moduleReport } from './module-report.ts';
import { rerunCommand, shellQuote } from './rerun.ts';
import { sanitizeText } from './text.ts';

export const VERDICT_LABEL: Record<Verdict, string> = { pass: 'pass', fail: '✗ fail', flaky: '~ flaky', skip: 'skipped' };

/** Labels of the detail's output blocks, in the order they are shown. */
export const OUTPUT_LABELS = { decoded: 'loader report (decoded)', stdout: 'stdout', stderr: 'stderr' } as const;

export interface CellView {
  id: string;
  /** Under the outcome in the grid cell: the symbol, the signal or the reason's first line. */
  why?: string;
  /** The detail's heading: the environment, then the cell within it. */
  environment: string;
  cell: string;
  expected: string;
  actual: string;
  /** "expected loaded, got undefined-symbol X (fail)": the tooltip's second line. */
  summary: string;
  reason?: string;
  /** The outcome in the baseline run, e.g. "loaded (pass)", and what changed since. */
  baseline?: string;
  baselineKind?: CellChange['kind'];
  /** "baseline: loaded (pass) -> regression": the tooltip's last line. */
  baselineLine?: string;
  /** Duration, attempts, exit code. */
  run: string;
  command?: string;
  rerun: string;
  /** The loader's result line as Python printed it (tracebacks unfolded), when there is one. */
  decoded?: string;
  stdout: string;
  stderr: string;
}

/** A grid cell's tooltip, one line each (those the cell has). */
export const TITLE_FIELDS = ['id', 'summary', 'reason', 'baselineLine'] as const satisfies readonly (keyof CellView)[];

export function cellTitle(view: CellView): string {
  return TITLE_FIELDS.map((name) => view[name])
    .filter(Boolean)
    .join('\n');
}

/** Under the outcome in a grid cell: the symbol, the signal or the first line of the reason. */
export function whyShort(cell: CellResult): string | undefined {
  if (cell.symbol) return cell.symbol;
  if (cell.signal) return cell.signal;
  if (cell.outcome === 'loaded' || cell.outcome === 'skipped') return undefined;
  return cell.reason?.split('\n').find((line) => line.trim() !== '');
}

/** How captured text becomes shown text: sanitized; the watched imports in words (from CellResult.modules). */
export interface TextTransforms {
  clean(text: string): string;
  decode(cell: Pick<CellResult, 'modules'>): string | undefined;
}

export const PLAIN_TEXT: TextTransforms = { clean: sanitizeText, decode: moduleReport };

/**
 * The texts of one cell. Pass memoizing `texts` when the same outputs repeat over many cells
 * (the page's encoder does).
 */
export function cellView(cell: CellResult, env: EnvironmentInfo, matrixFile: string, change?: CellChange, texts: TextTransforms = PLAIN_TEXT): CellView {
  const { clean } = texts;
  const expected = expectedList(cell.expected);
  const actual = outcomeWithCause(cell);
  const why = whyShort(cell);
  const before = change?.before ? `${change.before.outcome} (${change.before.verdict})` : undefined;
  const run = `${formatDuration(cell.durationMs)} · ${cell.attempts} ${cell.attempts === 1 ? 'attempt' : 'attempts'}` + (cell.exitCode === undefined ? '' : ` · exit code ${cell.exitCode ?? 'none (killed)'}`);
  const decoded = texts.decode(cell);
  return {
    id: clean(cell.id),
    ...(why !== undefined && { why: clean(why) }),
    environment: clean(environmentLabel(env)),
    cell: clean(cellLabel(cell.axes)),
    expected: clean(expected),
    actual: clean(actual),
    summary: clean(`expected ${expected}, got ${actual} (${cell.verdict})`),
    ...(cell.reason && { reason: clean(cell.reason) }),
    ...(before && change && { baseline: clean(before), baselineKind: change.kind, baselineLine: clean(`baseline: ${before} -> ${change.kind}`) }),
    run: clean(run),
    ...(cell.command && { command: clean(cell.command.map(shellQuote).join(' ')) }),
    rerun: clean(rerunCommand(matrixFile, cell.id)),
    ...(decoded !== undefined && { decoded: clean(decoded) }),
    stdout: clean(cell.output.stdout),
    stderr: clean(cell.output.stderr),
  };
}

/** "3 lines": what an output block's summary says of its text. */
export function lineCount(text: string): number {
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}
