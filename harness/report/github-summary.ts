// The GitHub Actions job summary (markdown appended to $GITHUB_STEP_SUMMARY): the verdict, the
// findings, the failed and flaky cells, then the outcome grid. GitHub refuses a step summary over
// 1 MiB and then shows nothing, so the summary is built piece by piece within a byte budget and,
// whatever the matrix size, ends with a note saying what did not fit.
import { formatChangeCounts, type ResultsDiff } from '../results/diff.ts';
import { findingsScope } from '../results/findings.ts';
import type { CellResult, RunResults, Verdict } from '../results/run-results.ts';
import { environmentLabel, expectedList, flakyNote, formatDuration, headline, OUTCOME_WORDS, outcomeWithCause, statusCounts } from './wording.ts';
import { buildOutcomeGrid } from './outcome-grid.ts';
import { sanitizeText } from './text.ts';

/** GitHub's limit for one step's summary. */
export const STEP_SUMMARY_LIMIT = 1024 * 1024;
/** Kept free for the truncation note. */
const NOTE_RESERVE = 1024;
/** Longest text put in one table cell: a build log tail must not eat the budget. */
const CELL_TEXT = 300;

const MARKDOWN = /[\\`*_[\]|~#]/g;
// `<` and `&` are enough to keep HTML out: without `<` no tag can open.
const HTML = { '&': '&amp;', '<': '&lt;' } as Record<string, string>;

/** Untrusted text as inert, one-line markdown: no HTML, no formatting, safe inside a table. */
export function markdownText(text: string, max = CELL_TEXT): string {
  const line = sanitizeText(text).replace(/\s+/g, ' ').trim();
  const short = line.length > max ? `${line.slice(0, max - 1)}…` : line;
  return short.replace(/[&<]/g, (c) => HTML[c]!).replace(MARKDOWN, (c) => `\\${c}`);
}

/** An atomic piece of the summary: all its lines fit, or none do. */
interface Block {
  lines: string[];
  /** What a row of the block is, for the truncation note ("failed cells"); headings have none. */
  row?: string;
}

const VERDICT_MARK: Record<Verdict, string> = { pass: '', fail: '❌ ', flaky: '⚠️ ', skip: '' };

export function renderJobSummary(results: RunResults, options: { budget?: number; diff?: ResultsDiff } = {}): string {
  const blocks = [...verdictBlocks(results, options.diff), ...findingsBlocks(results), ...problemBlocks(results), ...gridBlocks(results)];
  return fit(blocks, options.budget ?? STEP_SUMMARY_LIMIT);
}

function fit(blocks: Block[], budget: number): string {
  let text = '';
  let size = 0;
  for (const [i, block] of blocks.entries()) {
    const piece = `${block.lines.join('\n')}\n`;
    const bytes = Buffer.byteLength(piece);
    if (size + bytes > budget - NOTE_RESERVE) return text + truncationNote(blocks.slice(i));
    text += piece;
    size += bytes;
  }
  return text;
}

function truncationNote(left: Block[]): string {
  const counts = new Map<string, number>();
  for (const block of left) if (block.row) counts.set(block.row, (counts.get(block.row) ?? 0) + 1);
  const what = [...counts].map(([row, n]) => `${n} ${row}`).join(', ');
  return `\n> [!NOTE]\n> Truncated to stay under GitHub's 1 MiB limit for a job summary${what ? `: ${what} not shown` : ''}. The full report is index.html (and results.json) in the reports folder.\n`;
}

const TITLE_MARK = { failed: '❌', interrupted: '⚠️', 'nothing-ran': '⚠️', passed: '✅' } as const;

function verdictBlocks(results: RunResults, diff?: ResultsDiff): Block[] {
  const s = results.summary;
  const { state, text } = headline(results);
  const counts = statusCounts(s).map(({ status, count, text: words }) => ((status === 'failed' || status === 'not-run') && count > 0 ? `**${words}**` : words));
  const facts = [
    markdownText(results.matrixFile),
    `${s.total} cells: ${counts.join(', ')}`,
    formatDuration(results.durationMs),
    ...(results.shard ? [`shard ${markdownText(results.shard)}`] : []),
    ...(diff ? [`since baseline: ${formatChangeCounts(diff) || 'no change'}`] : []),
  ];
  const lines = [`## ${TITLE_MARK[state]} dlmatrix: ${text}`, '', facts.join(' · ')];
  if (results.interrupted) lines.push('', '> [!WARNING]', '> The run was interrupted before every cell ran: the matrix is incomplete.');
  else if (state === 'nothing-ran') lines.push('', '> [!WARNING]', '> No cell ran: every cell was skipped or expected not to run, so nothing was tested.');
  return [{ lines: [...lines, ''] }];
}

function findingsBlocks(results: RunResults): Block[] {
  const { findings } = results;
  if (findings.statements.length === 0) return [];
  return [
    { lines: ['### Findings', '', `${markdownText(capitalize(findingsScope(findings)))}:`, ''] },
    ...findings.statements.map((statement) => ({ lines: [`- ${markdownText(statement.text, 4000)}`], row: 'findings' })),
    { lines: [''] },
  ];
}

function problemBlocks(results: RunResults): Block[] {
  const failed = results.cells.filter((cell) => cell.verdict === 'fail');
  const flaky = results.cells.filter((cell) => cell.verdict === 'flaky');
  if (failed.length + flaky.length === 0) return [];
  const { summary } = results;
  const title = statusCounts(summary, { zeros: false })
    .filter(({ status }) => status === 'failed' || status === 'not-run' || status === 'flaky')
    .map(({ text }) => text)
    .join(', ');
  const row = (cell: CellResult) =>
    `| ${VERDICT_MARK[cell.verdict]}${markdownText(cell.id)} | ${markdownText(expectedList(cell.expected))} | ${markdownText(outcomeWithCause(cell))} | ` +
    `${markdownText(cell.verdict === 'flaky' ? flakyNote(cell) : (cell.reason ?? ''))} |`;
  return [
    { lines: [`### Cells that missed their expectation (${title})`, '', '| Cell | Expected | Actual | Root cause |', '| --- | --- | --- | --- |'] },
    ...[...failed, ...flaky].map((cell) => ({ lines: [row(cell)], row: cell.verdict === 'fail' ? 'failed cells' : 'flaky cells' })),
    { lines: [''] },
  ];
}

function gridBlocks(results: RunResults): Block[] {
  if (results.cells.length === 0) return [];
  const grid = buildOutcomeGrid(results);
  const ran = grid.rows.filter((row) => !row.skipped);
  const folded = grid.rows.filter((row) => row.skipped);
  const heading = `### Outcome grid`;
  const legend = `Rows: environments · columns: ${grid.levels.join(' · ')} · ❌ missed its expectation · ⚠️ flaky · – skipped`;
  const blocks: Block[] = [{ lines: [heading, '', legend, ''] }];
  if (ran.length > 0) {
    const header = `| Environment | ${grid.columns.map((column) => column.values.map((value) => markdownText(value)).join('<br>')).join(' | ')} |`;
    blocks.push({ lines: [header, `| --- |${' --- |'.repeat(grid.columns.length)}`] });
    for (const row of ran) {
      const cells = grid.columns.map((column) => {
        const index = row.cellAt.get(column.id);
        if (index === undefined) return '·';
        const cell = results.cells[index]!;
        return cell.outcome === 'skipped' && cell.verdict === 'skip' ? '–' : `${VERDICT_MARK[cell.verdict]}${OUTCOME_WORDS[cell.outcome]}`;
      });
      blocks.push({ lines: [`| ${markdownText(environmentLabel(row.environment))} | ${cells.join(' | ')} |`], row: 'grid rows' });
    }
    blocks.push({ lines: [''] });
  }
  if (folded.length > 0) {
    blocks.push({ lines: ['Environments where every cell was skipped:', ''] });
    for (const row of folded) {
      const reasons = row.skipped!.map((reason) => markdownText(reason)).join('; ');
      blocks.push({ lines: [`- ${markdownText(environmentLabel(row.environment))} (${row.cells.length} cells): ${reasons}`], row: 'skipped environments' });
    }
    blocks.push({ lines: [''] });
  }
  return blocks;
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
