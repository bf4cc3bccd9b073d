// Shape checks for what results files and journals hold, at the boundary where they are read:
// a wrong or stale file fails there, naming the field (`cells[3].outcome`), never deep inside a
// reporter. Each check returns one message per problem; an empty list means the value is usable.
import { OUTCOMES, RESULTS_SCHEMA_VERSION, type Outcome, type Verdict } from './run-results.ts';

const VERDICTS: readonly Verdict[] = ['pass', 'fail', 'skip', 'flaky'];
const REQUIRED_AXES = ['distro', 'python', 'numpy', 'loader', 'flags'];

type Json = Record<string, unknown>;
export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown) => typeof v === 'string';
const isNumber = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
const isOutcome = (v: unknown) => OUTCOMES.includes(v as Outcome);

class Problems {
  readonly list: string[] = [];
  expect(ok: boolean, field: string, what: string): void {
    if (!ok) this.list.push(`${field} must be ${what}`);
  }
}

/** The run's own fields (results.json's top level, the journal's `begin` header). */
export function headerProblems(data: Json, at = ''): string[] {
  const p = new Problems();
  const field = (name: string) => (at ? `${at}.${name}` : name);
  p.expect(data.schemaVersion === RESULTS_SCHEMA_VERSION, field('schemaVersion'), String(RESULTS_SCHEMA_VERSION));
  p.expect(isObject(data.tool) && data.tool.name === 'dlmatrix', field('tool.name'), '"dlmatrix"');
  for (const name of ['matrixFile', 'startedAt']) p.expect(isString(data[name]), field(name), 'a string');
  p.expect(isObject(data.host) && isString(data.host.hostname), field('host.hostname'), 'a string');
  p.expect(data.shard === undefined || isString(data.shard), field('shard'), 'a string');
  p.expect(
    data.selection === undefined || (isObject(data.selection) && Array.isArray(data.selection.only) && Array.isArray(data.selection.cells)),
    field('selection'),
    '{only: [...], cells: [...]}',
  );
  return p.list;
}

export function environmentProblems(env: unknown, at: string): string[] {
  if (!isObject(env)) return [`${at} must be an object`];
  const p = new Problems();
  for (const name of ['key', 'distro', 'python', 'numpy']) p.expect(isString(env[name]), `${at}.${name}`, 'a string');
  p.expect(isObject(env.resolved), `${at}.resolved`, 'an object');
  return p.list;
}

/** What a planned cell needs: enough to stand in for it when it did not run. */
export function plannedCellProblems(cell: unknown, at: string): string[] {
  if (!isObject(cell)) return [`${at} must be an object`];
  const p = new Problems();
  p.expect(isString(cell.id), `${at}.id`, 'a string');
  p.expect(isString(cell.environment), `${at}.environment`, 'a string');
  if (!isObject(cell.axes)) p.list.push(`${at}.axes must be an object`);
  else for (const axis of REQUIRED_AXES) p.expect(isString(cell.axes[axis]), `${at}.axes.${axis}`, 'a string');
  p.expect(Array.isArray(cell.expected) && cell.expected.every(isOutcome), `${at}.expected`, 'an array of outcomes');
  return p.list;
}

export function cellProblems(cell: unknown, at: string): string[] {
  if (!isObject(cell)) return [`${at} must be an object`];
  const p = new Problems();
  p.list.push(...plannedCellProblems(cell, at));
  p.expect(isOutcome(cell.outcome), `${at}.outcome`, `one of ${OUTCOMES.join(', ')}`);
  p.expect(VERDICTS.includes(cell.verdict as Verdict), `${at}.verdict`, `one of ${VERDICTS.join(', ')}`);
  p.expect(isNumber(cell.durationMs), `${at}.durationMs`, 'a number');
  p.expect(cell.resolved === undefined || isObject(cell.resolved), `${at}.resolved`, 'an object');
  p.expect(isObject(cell.output) && isString(cell.output.stdout) && isString(cell.output.stderr), `${at}.output`, '{stdout: string, stderr: string}');
  return p.list;
}
