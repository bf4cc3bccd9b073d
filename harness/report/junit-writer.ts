// junit.xml for CI test tabs (GitLab, Jenkins xUnit, Azure, GitHub Actions reporters). It must
// validate against Jenkins xUnit's junit-10.xsd (fixtures/junit-10.xsd), the strictest reader:
// - <testsuites> takes only name/time/tests/failures/errors (no skipped, no timestamp);
// - <testcase> cannot hold <properties>, so per-cell properties go in the suite's <properties>
//   as `cell[<testcase name>].<key>`;
// - <flakyFailure> (Surefire's rerun element) is allowed in <testcase> and needs `type`.
// GitLab ignores failure/@message, so the explanation is in the element's body.
import type { CellChange, ResultsDiff } from '../results/diff.ts';
import type { CellResult, EnvironmentInfo, RunResults } from '../results/run-results.ts';
import { cellStatus } from '../results/verdicts.ts';
import { groupByEnvironment } from './environments.ts';
import {
  cellLabel,
  environmentLabel,
  expectedList,
  formatSeconds,
  isInfrastructureProblem,
  outcomeWithCause,
} from './wording.ts';
import { rerunCommand, shellQuote } from './rerun.ts';
import { sanitizeText } from './text.ts';

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

function renderTestcase(cell: CellResult, classname: string, matrixFile: string, change?: CellChange): string {
  const children: string[] = [];
  const message = `expected ${expectedList(cell.expected)}, got ${outcomeWithCause(cell)}`;
  const reason = firstLine(cell.reason);
  if (cell.verdict === 'fail') {
    const tag = isInfrastructureProblem(cell) ? 'error' : 'failure';
    children.push(element(tag, { message: reason ? `${message}: ${reason}` : message, type: cell.outcome }, text(explainCell(cell, matrixFile, change))));
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
          element('stackTrace', {}, text(`${detail}${explainCell(cell, matrixFile, change)}`)),
        ),
      );
    }
  }
  if (cell.output.stdout) children.push(element('system-out', {}, text(cell.output.stdout)));
  if (cell.output.stderr) children.push(element('system-err', {}, text(cell.output.stderr)));
  const attrs = { classname, name: cellLabel(cell.axes), time: formatSeconds(cell.durationMs) };
  return children.length > 0 ? element('testcase', attrs, `\n      ${children.join('\n      ')}\n    `) : element('testcase', attrs);
}

/** ISO 8601 in UTC without zone or fraction: the form the Ant/Surefire readers parse. */
const junitTimestamp = (iso: string) => {
  const time = Date.parse(iso);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString().slice(0, 19);
};

export function renderJUnit(results: RunResults, diff?: ResultsDiff): string {
  const changes = new Map(diff?.changes.map((change) => [change.id, change]));
  const totals = { tests: 0, failures: 0, errors: 0 };
  const suites = groupByEnvironment(results).map(({ environment: env, cells }, index) => {
    const classname = junitClassname(env);
    const counts = { tests: cells.length, failures: 0, errors: 0, skipped: 0 };
    for (const cell of cells) {
      if (cell.verdict === 'fail') counts[isInfrastructureProblem(cell) ? 'errors' : 'failures']++;
      else if (cell.verdict === 'skip' || cellStatus(cell) === 'expected-not-run') counts.skipped++;
    }
    totals.tests += counts.tests;
    totals.failures += counts.failures;
    totals.errors += counts.errors;

    const property = ([name, value]: [string, string | number | undefined]) =>
      value === undefined ? undefined : element('property', { name, value });
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
      ...cells.flatMap((cell) =>
        cellProperties(cell, changes.get(cell.id)).map(([key, value]): [string, string | number | undefined] => [
          `cell[${cellLabel(cell.axes)}].${key}`,
          value,
        ]),
      ),
    ];
    const body = [
      element('properties', {}, `\n      ${suiteProperties.map(property).filter(Boolean).join('\n      ')}\n    `),
      ...cells.map((cell) => renderTestcase(cell, classname, results.matrixFile, changes.get(cell.id))),
      ...(env.buildError ? [element('system-err', {}, text(env.buildError))] : []),
    ];
    return element(
      'testsuite',
      {
        name: environmentLabel(env),
        tests: counts.tests,
        failures: counts.failures,
        errors: counts.errors,
        skipped: counts.skipped,
        time: formatSeconds(cells.reduce((sum, cell) => sum + cell.durationMs, 0)),
        timestamp: junitTimestamp(results.startedAt),
        hostname: results.host.hostname,
        id: index,
        package: classname,
      },
      `\n    ${body.join('\n    ')}\n  `,
    );
  });
  const root = element(
    'testsuites',
    { name: 'dlmatrix', tests: totals.tests, failures: totals.failures, errors: totals.errors, time: formatSeconds(results.durationMs) },
    suites.length > 0 ? `\n  ${suites.join('\n  ')}\n` : '',
  );
  return `<?xml version="1.0" encoding="UTF-8"?>\n${root}\n`;
}
