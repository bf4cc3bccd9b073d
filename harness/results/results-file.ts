// results.json: the one file reporters, `merge` and `diff` read. Reading validates enough of the
// shape that a wrong or stale file fails here, naming the file and the field, instead of deep
// inside a reporter.
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from './atomic-file.ts';
import { computeFindings } from './findings.ts';
import { OUTCOMES, RESULTS_SCHEMA_VERSION } from './run-results.ts';
import type { CellResult, Outcome, ResultsSummary, RunResults, Verdict } from './run-results.ts';

const VERDICTS: readonly Verdict[] = ['pass', 'fail', 'skip', 'flaky'];
const REQUIRED_AXES = ['distro', 'python', 'numpy', 'loader', 'flags'];

export function summarize(cells: CellResult[]): ResultsSummary {
  const summary: ResultsSummary = { total: 0, passed: 0, failed: 0, flaky: 0, skipped: 0, byOutcome: {} };
  for (const cell of cells) {
    summary.total++;
    if (cell.verdict === 'pass') summary.passed++;
    else if (cell.verdict === 'fail') summary.failed++;
    else if (cell.verdict === 'flaky') summary.flaky++;
    else summary.skipped++;
    summary.byOutcome[cell.outcome] = (summary.byOutcome[cell.outcome] ?? 0) + 1;
  }
  return summary;
}

export function writeResultsFile(path: string, results: RunResults): void {
  writeFileAtomic(path, `${JSON.stringify(results, null, 2)}\n`);
}

export class ResultsFileError extends Error {
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`${file}: ${detail}`);
    this.name = 'ResultsFileError';
  }
}

export function readResultsFile(path: string): RunResults {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ResultsFileError(path, `cannot read results file (${(err as Error).message})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new ResultsFileError(path, `not valid JSON (${(err as Error).message})`);
  }
  // A version mismatch is not a malformed file: say so plainly, with what to do.
  const version = (data as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (version !== undefined && version !== RESULTS_SCHEMA_VERSION) {
    throw new ResultsFileError(
      path,
      `schemaVersion ${JSON.stringify(version)} is not supported (this dlmatrix reads version ${RESULTS_SCHEMA_VERSION}); ` +
        'produce it again with a matching dlmatrix',
    );
  }
  const problems = validateResults(data);
  if (problems.length > 0) {
    const shown = problems.slice(0, 5).join('; ');
    const more = problems.length > 5 ? ` (and ${problems.length - 5} more)` : '';
    throw new ResultsFileError(path, `not a valid dlmatrix results file: ${shown}${more}`);
  }
  const results = data as RunResults;
  // The summary and the findings are derivable; files written by hand or by older tools may lack them.
  results.summary ??= summarize(results.cells);
  results.findings ??= computeFindings(results.cells);
  return results;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Returns one message per problem, each naming the field's path (e.g. `cells[3].outcome`). */
export function validateResults(data: unknown): string[] {
  if (!isObject(data)) return ['expected a JSON object at the top level'];
  if (data.schemaVersion === undefined) return ['no schemaVersion: not a dlmatrix results file'];
  if (data.schemaVersion !== RESULTS_SCHEMA_VERSION) return [`schemaVersion must be ${RESULTS_SCHEMA_VERSION}`];
  const problems: string[] = [];
  const expect = (ok: boolean, field: string, what: string) => {
    if (!ok) problems.push(`${field} must be ${what}`);
  };
  const isString = (v: unknown) => typeof v === 'string';
  const isNumber = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
  const isOutcome = (v: unknown) => OUTCOMES.includes(v as Outcome);

  expect(isObject(data.tool) && data.tool.name === 'dlmatrix', 'tool.name', '"dlmatrix"');
  for (const field of ['matrixFile', 'startedAt', 'finishedAt']) expect(isString(data[field]), field, 'a string');
  expect(isNumber(data.durationMs), 'durationMs', 'a number');
  expect(typeof data.interrupted === 'boolean', 'interrupted', 'true or false');
  expect(isObject(data.host) && isString(data.host.hostname), 'host.hostname', 'a string');

  if (!Array.isArray(data.environments)) problems.push('environments must be an array');
  else {
    data.environments.forEach((env: unknown, i) => {
      const at = `environments[${i}]`;
      if (!isObject(env)) return problems.push(`${at} must be an object`);
      for (const field of ['key', 'distro', 'python', 'numpy']) expect(isString(env[field]), `${at}.${field}`, 'a string');
      expect(isObject(env.resolved), `${at}.resolved`, 'an object');
    });
  }

  if (!Array.isArray(data.cells)) problems.push('cells must be an array');
  else {
    data.cells.forEach((cell: unknown, i) => {
      const at = `cells[${i}]`;
      if (!isObject(cell)) return problems.push(`${at} must be an object`);
      expect(isString(cell.id), `${at}.id`, 'a string');
      expect(isString(cell.environment), `${at}.environment`, 'a string');
      if (!isObject(cell.axes)) problems.push(`${at}.axes must be an object`);
      else for (const axis of REQUIRED_AXES) expect(isString(cell.axes[axis]), `${at}.axes.${axis}`, 'a string');
      expect(isOutcome(cell.outcome), `${at}.outcome`, `one of ${OUTCOMES.join(', ')}`);
      expect(VERDICTS.includes(cell.verdict as Verdict), `${at}.verdict`, `one of ${VERDICTS.join(', ')}`);
      expect(Array.isArray(cell.expected) && cell.expected.every(isOutcome), `${at}.expected`, 'an array of outcomes');
      expect(isNumber(cell.durationMs), `${at}.durationMs`, 'a number');
      expect(
        isObject(cell.output) && isString(cell.output.stdout) && isString(cell.output.stderr),
        `${at}.output`,
        '{stdout: string, stderr: string}',
      );
    });
  }
  return problems;
}
