// junit.xml for CI test tabs (GitLab, Jenkins xUnit, Azure, GitHub Actions reporters). It must
// validate against Jenkins xUnit's junit-10.xsd (fixtures/junit-10.xsd), the strictest reader:
// - <testsuites> takes only name/time/tests/failures/errors (no skipped, no timestamp);
// - <testcase> cannot hold <properties>, so per-cell properties go in the suite's <properties>
//   as `cell[<testcase name>].<key>`;
// - <flakyFailure> (Surefire's rerun element) is allowed in <testcase> and needs `type`.
// GitLab ignores failure/@message, so the explanation is in the element's body.
//
// It must also be read at 100,000 cells. GitLab parses a JUnit file only when it is smaller than
// 30 MB (docs.gitlab.com/ci/testing/unit_test_reports, "File format and size limits"), so the
// document is planned within a budget under that: every cell's testcase with its verdict and
// message always; then, while they fit, the failing and flaky cells' explanation, properties and
// output (each stream cut to JUNIT_OUTPUT); then every other cell's properties. A passing cell's
// output is never repeated here (results.json and index.html have it). What was left out is said
// in a property of the first suite. The text is produced a piece at a time, never as one string.
import type { CellChange, ResultsDiff } from '../results/diff.ts';
import type { CellResult, EnvironmentInfo, RunResults } from '../results/run-results.ts';
import { cellStatus } from '../results/verdicts.ts';
import { groupByEnvironment } from './environments.ts';
import { rerunCommand, shellQuote } from './rerun.ts';
import { sanitizeText } from './text.ts';
import { cellLabel, environmentLabel, expectedList, formatSeconds, isInfrastructureProblem, outcomeWithCause } from './wording.ts';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\n': '&#10;', '\t': '&#9;' };

const text = (s: string) => sanitizeText(s).replace(/[&<>]/g, (c) => ESCAPES[c]!);
// Newlines and tabs in attributes are escaped: a parser would normalise them to spaces otherwise.
const attr = (s: string) => sanitizeText(s).replace(/[&<>"\n\t]/g, (c) => ESCAPES[c]!);

function element(name: string, attrs: Record<string, string | number | undefined>, body?: string): string {
  const rendered = Object.entries(attrs)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => ` ${key}="${attr(String(value))}"`)
    .join('');
  return body === undefined ? `<${name}${rendered}/>` : `<${name}${rendered}>${body}</${name}>`;
}

/** Dots separate packages in Jenkins' tree, so dots inside an axis value become `_`. */
const classSegment = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, '_');

export function junitClassname(env: Pick<EnvironmentInfo, 'distro' | 'python' | 'numpy'>): string {
  return `dlmatrix.${classSegment(env.distro)}.py${classSegment(env.python)}.numpy${classSegment(env.numpy)}`;
}

/** The text a CI shows for a cell that missed its expectation: expected vs actual and why. */
export function explainCell(cell: CellResult, matrixFile: string, change?: CellChange): string {
  const lines = [
    `cell:      ${cell.id}`,
    `expected:  ${expectedList(cell.expected)}`,
    `actual:    ${outcomeWithCause(cell)}`,
  ];
  if (cell.reason) lines.push(`reason:    ${cell.reason}`);
  if (change?.before) lines.push(`baseline:  ${change.before.outcome} (${change.before.verdict}) -> ${change.kind}`);
  if (cell.command) lines.push(`command:   ${cell.command.map(shellQuote).join(' ')}`);
  if (cell.exitCode !== undefined) lines.push(`exit code: ${cell.exitCode ?? '(none: killed)'}`);
  lines.push(`rerun:     ${rerunCommand(matrixFile, cell.id)}`);
  return `${lines.join('\n')}\n`;
}

function firstLine(s: string | undefined, max = 200): string | undefined {
  const line = s?.split('\n').find((l) => l.trim() !== '');
  return line && line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

function cellProperties(cell: CellResult, change: CellChange | undefined): [string, string | number | undefined][] {
  return [
    ['id', cell.id],
    ...Object.entries(cell.axes).map(([axis, value]): [string, string] => [`axis.${axis}`, value]),
    ['outcome', cell.outcome],
    ['verdict', cell.verdict],
    ['expected', cell.expected.join(',')],
    ['symbol', cell.symbol],
    ['signal', cell.signal],
    ['reason', cell.reason],
    ['attempts', cell.attempts],
    ['resolved.python', cell.resolved.python],
    ['resolved.numpy', cell.resolved.numpy],
    ['baseline.outcome', change?.before?.outcome],
    ['baseline.verdict', change?.before?.verdict],
    ['change', change?.kind],
  ];
}

/** GitLab's limit for one JUnit file (30 MB). */
export const GITLAB_JUNIT_LIMIT = 30_000_000;
/** What the plan aims at: under the limit with room for what sizes are estimated from. */
export const JUNIT_BUDGET = 27_000_000;
/** Characters of each output stream of a failing cell that junit.xml repeats (head and tail). */
export const JUNIT_OUTPUT = 8 * 1024;

/** What junit.xml holds beyond each cell's testcase and verdict. */
interface JUnitPlan {
  /** Cells (by index) whose explanation, properties and output are included: failing and flaky cells. */
  details: Set<number>;
  /** Cells (by index) whose properties are included though they passed or did not run. */
  properties: Set<number>;
  /** What was left out, for the note; empty when nothing was. */
  omitted: string[];
}

const isFailing = (cell: CellResult) => cell.verdict === 'fail' || cell.verdict === 'flaky';

function planJUnit(results: RunResults, diff: ResultsDiff | undefined, budget: number): JUnitPlan {
  const changes = new Map(diff?.changes.map((change) => [change.id, change]));
  const cells = results.cells;
  // The part always written, and what each optional part would add (estimates: escaping adds little).
  let used = 2000 + results.environments.length * 2000;
  const detailCost: number[] = [];
  const propertyCost: number[] = [];
  cells.forEach((cell, i) => {
    used += 160 + cellLabel(cell.axes).length + (cell.verdict === 'pass' ? 0 : 240 + Math.min(cell.reason?.length ?? 0, 200));
    const properties = propertiesSize(cell, changes.get(cell.id));
    propertyCost[i] = properties;
    if (isFailing(cell)) {
      const output = Math.min(cell.output.stdout.length, JUNIT_OUTPUT + 100) + Math.min(cell.output.stderr.length, JUNIT_OUTPUT + 100);
      detailCost[i] = 500 + (cell.reason?.length ?? 0) + (cell.command?.join(' ').length ?? 0) + output + properties;
    }
  });
  const details = new Set<number>();
  const properties = new Set<number>();
  const failing = cells.map((cell, i) => i).filter((i) => isFailing(cells[i]!));
  for (const i of failing) {
    if (used + detailCost[i]! > budget) break;
    used += detailCost[i]!;
    details.add(i);
  }
  const others = cells.map((cell, i) => i).filter((i) => !isFailing(cells[i]!));
  if (details.size === failing.length) {
    for (const i of others) {
      if (used + propertyCost[i]! > budget) break;
      used += propertyCost[i]!;
      properties.add(i);
    }
  }
  const omitted = [
    ...(details.size < failing.length ? [`the explanation, properties and output of ${failing.length - details.size} failing or flaky cells`] : []),
    ...(properties.size < others.length ? [`the properties of ${others.length - properties.size} other cells`] : []),
  ];
  return { details, properties, omitted };
}

function propertiesSize(cell: CellResult, change: CellChange | undefined): number {
  const label = cellLabel(cell.axes).length;
  return cellProperties(cell, change).reduce((sum, [key, value]) => (value === undefined ? sum : sum + 40 + label + key.length + String(value).length), 0);
}

/** The head and tail of a long output, as results.json keeps a longer one. */
function cutOutput(output: string): string {
  if (output.length <= JUNIT_OUTPUT) return output;
  const head = JUNIT_OUTPUT / 4;
  const tail = JUNIT_OUTPUT - head;
  return `${output.slice(0, head)}\n[dlmatrix: ${output.length - head - tail} characters left out here; results.json has up to 64 KiB]\n${output.slice(-tail)}`;
}

function renderTestcase(cell: CellResult, classname: string, matrixFile: string, change: CellChange | undefined, withDetails: boolean): string {
  const children: string[] = [];
  const message = `expected ${expectedList(cell.expected)}, got ${outcomeWithCause(cell)}`;
  const reason = firstLine(cell.reason);
  if (cell.verdict === 'fail') {
    const tag = isInfrastructureProblem(cell) ? 'error' : 'failure';
    children.push(element(tag, { message: reason ? `${message}: ${reason}` : message, type: cell.outcome }, withDetails ? text(explainCell(cell, matrixFile, change)) : undefined));
  } else if (cell.verdict === 'skip') {
    children.push(element('skipped', { message: cell.reason ?? cell.outcome }));
  } else if (cellStatus(cell) === 'expected-not-run') {
    // pytest's xfail: it met its expectation, but nothing was tested.
    children.push(element('skipped', { message: `expected not to run: ${cell.outcome}${reason ? `: ${reason}` : ''}` }));
  } else if (cell.verdict === 'flaky') {
    // Surefire's convention: the test passed, and each earlier failed attempt is a flakyFailure.
    const failed = Math.max(1, cell.attempts - 1);
    const earlier = cell.previousAttempts?.length ? cell.previousAttempts : [undefined];
    for (const [i, attempt] of earlier.entries()) {
      const what = attempt ? outcomeWithCause(attempt) : `failed ${failed} of ${cell.attempts} attempts`;
      const detail = attempt ? `attempt ${i + 1} of ${cell.attempts}: ${what}${attempt.reason ? `\nreason:    ${attempt.reason}` : ''}\n` : '';
      children.push(
        element(
          'flakyFailure',
          { message: `${what}, then passed with ${outcomeWithCause(cell)}`, type: attempt?.outcome ?? 'flaky' },
          withDetails ? element('stackTrace', {}, text(`${detail}${explainCell(cell, matrixFile, change)}`)) : undefined,
        ),
      );
    }
  }
  // A passing cell's output is in results.json and index.html: CI test tabs show failures.
  if (withDetails && cell.output.stdout) children.push(element('system-out', {}, text(cutOutput(cell.output.stdout))));
  if (withDetails && cell.output.stderr) children.push(element('system-err', {}, text(cutOutput(cell.output.stderr))));
  const attrs = { classname, name: cellLabel(cell.axes), time: formatSeconds(cell.durationMs) };
  return children.length > 0 ? element('testcase', attrs, `\n      ${children.join('\n      ')}\n    `) : element('testcase', attrs);
}

/** ISO 8601 in UTC without zone or fraction: the form the Ant/Surefire readers parse. */
const junitTimestamp = (iso: string) => {
  const time = Date.parse(iso);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString().slice(0, 19);
};

/** The document, a piece at a time (join the pieces for a string). */
export function* renderJUnit(results: RunResults, diff?: ResultsDiff, budget = JUNIT_BUDGET): Generator<string> {
  const changes = new Map(diff?.changes.map((change) => [change.id, change]));
  const plan = planJUnit(results, diff, budget);
  const index = new Map(results.cells.map((cell, i) => [cell, i]));
  const groups = groupByEnvironment(results);
  const counted = groups.map(({ cells }) => {
    const counts = { tests: cells.length, failures: 0, errors: 0, skipped: 0 };
    for (const cell of cells) {
      if (cell.verdict === 'fail') counts[isInfrastructureProblem(cell) ? 'errors' : 'failures']++;
      else if (cell.verdict === 'skip' || cellStatus(cell) === 'expected-not-run') counts.skipped++;
    }
    return counts;
  });
  const totals = counted.reduce((sum, c) => ({ tests: sum.tests + c.tests, failures: sum.failures + c.failures, errors: sum.errors + c.errors }), { tests: 0, failures: 0, errors: 0 });
  const rootAttrs = { name: 'dlmatrix', tests: totals.tests, failures: totals.failures, errors: totals.errors, time: formatSeconds(results.durationMs) };
  yield '<?xml version="1.0" encoding="UTF-8"?>\n';
  if (groups.length === 0) {
    yield `${element('testsuites', rootAttrs, '')}\n`;
    return;
  }
  yield `${element('testsuites', rootAttrs, '').slice(0, -'</testsuites>'.length)}\n`;
  const property = ([name, value]: [string, string | number | undefined]) => (value === undefined ? undefined : element('property', { name, value }));
  for (const [n, { environment: env, cells }] of groups.entries()) {
    const classname = junitClassname(env);
    const counts = counted[n]!;
    const suiteProperties: [string, string | number | undefined][] = [
      ['environment', env.key],
      ['distro', env.distro],
      ['python', env.python],
      ['numpy', env.numpy],
      ...Object.entries(env.resolved).map(([tool, version]): [string, string | undefined] => [`resolved.${tool}`, version]),
      ['image', env.image],
      ['imageId', env.imageId],
      ['buildMs', env.buildMs],
      ['skipReason', env.skipReason],
      ['buildError', env.buildError],
      ['dlmatrix.version', results.tool.version],
      ['dlmatrix.matrixFile', results.matrixFile],
      ['dlmatrix.shard', results.shard],
      ['dlmatrix.interrupted', results.interrupted ? 'true' : undefined],
      ['host.platform', results.host.platform],
      ['host.docker', results.host.docker],
      ...(n === 0 && plan.omitted.length > 0
        ? [['dlmatrix.omitted', `${plan.omitted.join('; ')}: left out to keep junit.xml under GitLab's 30 MB limit; results.json and index.html have every cell`] as [string, string]]
        : []),
    ];
    const withProperties = cells.filter((cell) => plan.details.has(index.get(cell)!) || plan.properties.has(index.get(cell)!));
    const suiteAttrs = {
      name: environmentLabel(env),
      tests: counts.tests,
      failures: counts.failures,
      errors: counts.errors,
      skipped: counts.skipped,
      time: formatSeconds(cells.reduce((sum, cell) => sum + cell.durationMs, 0)),
      timestamp: junitTimestamp(results.startedAt),
      hostname: results.host.hostname,
      id: n,
      package: classname,
    };
    yield `  ${element('testsuite', suiteAttrs, '').slice(0, -'</testsuite>'.length)}\n    <properties>\n`;
    for (const line of suiteProperties.map(property)) if (line) yield `      ${line}\n`;
    for (const cell of withProperties) {
      const lines = cellProperties(cell, changes.get(cell.id)).map(([key, value]) => property([`cell[${cellLabel(cell.axes)}].${key}`, value]));
      yield lines.filter(Boolean).map((line) => `      ${line}\n`).join('');
    }
    yield '    </properties>\n';
    for (const cell of cells) yield `    ${renderTestcase(cell, classname, results.matrixFile, changes.get(cell.id), plan.details.has(index.get(cell)!))}\n`;
    if (env.buildError) yield `    ${element('system-err', {}, text(env.buildError))}\n`;
    yield '  </testsuite>\n';
  }
  yield '</testsuites>\n';
}
