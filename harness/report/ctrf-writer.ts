// ctrf.json: the Common Test Report Format (https://ctrf.io), read by CTRF dashboards and GitHub
// actions. It must validate against the CTRF schema (fixtures/ctrf.schema.json). One test per
// cell: suite = its environment, name = loader and flags, axes as `labels`, everything dlmatrix
// knows beyond a test's status in `extra`. A flaky cell is `passed` with `flaky: true` and its
// failed attempts in `retryAttempts`; a cell that missed its expectation is `failed`.
import type { ResultsDiff } from '../results/diff.ts';
import type { CellResult, RunResults } from '../results/run-results.ts';
import { missedCount } from '../results/summary.ts';
import { cellStatus, type CellStatus } from '../results/verdicts.ts';
import { cellLabel, expectedList, flakyNote, outcomeWithCause } from './wording.ts';
import { sanitizeText } from './text.ts';

/** The CTRF specification version the report follows (its `specVersion`). */
export const CTRF_SPEC_VERSION = '1.0.0';

type CtrfStatus = 'passed' | 'failed' | 'skipped' | 'pending' | 'other';

// A cell that did not run tested nothing: skipped when that was expected, failed when it should have run.
const STATUS: Record<CellStatus, CtrfStatus> = { passed: 'passed', flaky: 'passed', failed: 'failed', 'not-run': 'failed', skipped: 'skipped', 'expected-not-run': 'skipped' };
const statusOf = (cell: CellResult) => STATUS[cellStatus(cell)];

const lines = (text: string) => (text ? sanitizeText(text).replace(/\n$/, '').split('\n') : []);
const ms = (value: number) => (Number.isFinite(value) ? Math.max(0, Math.round(value)) : 0);
const epochMs = (iso: string) => (Number.isNaN(Date.parse(iso)) ? 0 : Date.parse(iso));

function message(cell: CellResult): string | undefined {
  if (cell.verdict === 'fail') return `expected ${expectedList(cell.expected)}, got ${outcomeWithCause(cell)}`;
  if (cell.verdict === 'skip') return cell.reason ? sanitizeText(cell.reason) : 'skipped';
  if (cellStatus(cell) === 'expected-not-run') return sanitizeText(`expected not to run: ${cell.outcome}${cell.reason ? `: ${cell.reason}` : ''}`);
  if (cell.verdict === 'flaky') return `flaky: ${flakyNote(cell)}`;
  return undefined;
}

function retryAttempts(cell: CellResult) {
  if (cell.attempts <= 1) return undefined;
  const earlier = cell.previousAttempts ?? [];
  // Older results files only counted the failed attempts: they stay anonymous failures.
  const failed = Array.from({ length: cell.attempts - 1 }, (_, i) => earlier[i]);
  return [
    ...failed.map((attempt, i) => ({
      attempt: i + 1,
      status: 'failed' as const,
      ...(attempt && { message: sanitizeText(`${outcomeWithCause(attempt)}${attempt.reason ? `: ${attempt.reason}` : ''}`) }),
    })),
    { attempt: cell.attempts, status: statusOf(cell), duration: ms(cell.durationMs) },
  ];
}

function test(cell: CellResult, results: RunResults) {
  const { distro, python, numpy } = cell.axes;
  const out = lines(cell.output.stdout);
  const err = lines(cell.output.stderr);
  const text = message(cell);
  const attempts = retryAttempts(cell);
  return {
    testId: sanitizeText(cell.id),
    name: sanitizeText(cellLabel(cell.axes)),
    status: statusOf(cell),
    duration: ms(cell.durationMs),
    rawStatus: cell.verdict,
    suite: [distro, `python ${python}`, `numpy ${numpy}`].map(sanitizeText),
    ...(text && { message: text }),
    ...(cell.verdict === 'fail' && cell.reason && { trace: sanitizeText(cell.reason) }),
    labels: Object.fromEntries(Object.entries(cell.axes).map(([axis, value]) => [axis, sanitizeText(value)])),
    filePath: results.matrixFile,
    ...(attempts && { retries: cell.attempts - 1, retryAttempts: attempts }),
    ...(cell.verdict === 'flaky' && { flaky: true }),
    ...(out.length && { stdout: out }),
    ...(err.length && { stderr: err }),
    extra: {
      outcome: cell.outcome,
      ...(cell.symbol && { symbol: sanitizeText(cell.symbol) }),
      ...(cell.signal && { signal: cell.signal }),
      ...(cell.reason && { reason: sanitizeText(cell.reason) }),
      expected: cell.expected,
      environment: cell.environment,
      resolved: cell.resolved,
      ...(cell.command && { command: cell.command.map(sanitizeText) }),
      ...(cell.exitCode !== undefined && { exitCode: cell.exitCode }),
    },
  };
}

// Stands for the tests in the document's text, so the rest is laid out once by JSON.stringify.
const TESTS = '\u0000dlmatrix-tests\u0000';

/** The document, a piece at a time (a test per piece): 100,000 cells are never one string. */
export function* renderCtrf(results: RunResults, diff?: ResultsDiff): Generator<string> {
  const { summary } = results;
  const report = {
    reportFormat: 'CTRF',
    specVersion: CTRF_SPEC_VERSION,
    timestamp: results.finishedAt,
    generatedBy: 'dlmatrix',
    results: {
      tool: { name: 'dlmatrix', version: results.tool.version },
      summary: {
        tests: summary.total,
        passed: summary.passed + summary.flaky,
        failed: missedCount(summary),
        skipped: summary.skipped + summary.expectedNotRun,
        pending: 0,
        other: 0,
        flaky: summary.flaky,
        suites: new Set(results.cells.map((cell) => cell.environment)).size,
        start: epochMs(results.startedAt),
        stop: epochMs(results.finishedAt),
        duration: ms(results.durationMs),
      },
      tests: TESTS,
      environment: {
        reportName: `dlmatrix ${results.matrixFile}`,
        osPlatform: results.host.platform,
        ...(results.shard && { shardId: results.shard }),
        healthy: missedCount(summary) === 0 && !results.interrupted,
        extra: { hostname: results.host.hostname, docker: results.host.docker, interrupted: results.interrupted },
      },
      extra: {
        findings: results.findings,
        ...(diff && { changesSinceBaseline: diff.counts }),
      },
    },
  };
  const text = `${JSON.stringify(report, null, 2)}\n`;
  const placeholder = JSON.stringify(TESTS);
  const at = text.indexOf(placeholder);
  yield text.slice(0, at);
  if (results.cells.length === 0) yield '[]';
  else {
    yield '[\n';
    for (const [i, cell] of results.cells.entries()) {
      yield `      ${JSON.stringify(test(cell, results), null, 2).replace(/\n/g, '\n      ')}${i < results.cells.length - 1 ? ',' : ''}\n`;
    }
    yield '    ]';
  }
  yield text.slice(at + placeholder.length);
}
