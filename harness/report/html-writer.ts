// index.html: one self-contained page (inline CSS and JS, no fetches) that answers, top first,
// "which cells broke and why" and "in which environments" (a folded table of resolved versions),
// then shows the whole matrix as a heat map. The top of the page (summary, findings, failures,
// environments) is rendered here; the grid and the cell details are drawn by the page's script
// (html-script.js) from compact data (html-data.ts): only the rows on screen, each detail
// decoded when it is opened, so a run of 100,000 cells is a file of a few MB that opens at once.
// Up to STATIC_CELLS_MAX cells, the grid and every detail are also rendered here inside
// <noscript>, so a small report reads the same with JavaScript off. All captured text is
// untrusted: it goes through sanitizeText and HTML escaping (or, in the script, is written only as
// text), and a Content-Security-Policy with hashes of our own style and script backs that up.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { formatChangeCounts } from '../results/diff.ts';
import type { CellChange, ResultsDiff } from '../results/diff.ts';
import { findingsScope } from '../results/findings.ts';
import { OUTCOMES } from '../results/run-results.ts';
import type { CellResult, EnvironmentInfo, FindingStatement, Outcome, RunResults, Verdict } from '../results/run-results.ts';
import { groupByEnvironment } from './environments.ts';
import { cellTitle, cellView, lineCount, OUTPUT_LABELS, VERDICT_LABEL, type CellView } from './html-cell-view.ts';
import { encodePageData } from './html-data.ts';
import { buildOutcomeGrid, type GridColumn, type OutcomeGrid } from './outcome-grid.ts';
// Imported only so that a compiled build (tsc, allowJs) emits the file next to this one; the
// import runs nothing. The page embeds the file's text.
import './html-script.js';
import { HTML_STYLES } from './html-styles.ts';
import { cellLabel, environmentLabel, expectedList, extraAxisNames, flakyNote, formatDuration, headline, OUTCOME_WORDS, outcomeWithCause } from './wording.ts';
import { sanitizeText } from './text.ts';

const HTML_SCRIPT = readFileSync(new URL('./html-script.js', import.meta.url), 'utf8');

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes for text and quoted attribute values alike. */
export function escapeHtml(value: string | number | undefined | null): string {
  return sanitizeText(String(value ?? '')).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}
const h = escapeHtml;

/** JSON inside <script type="application/json">: `<` can never close the element. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Up to this many cells, the page also renders its grid and every cell detail as static HTML (in <noscript>). */
export const STATIC_CELLS_MAX = 1000;
/** The failures and changes listed at the top; the rest are one filter away in the grid. */
export const LISTED_MAX = 100;

function renderGridCell(cell: CellResult, view: CellView, index: number, row: number, column: GridColumn, change?: CellChange): string {
  const classes = `cell o-${cell.outcome} v-${cell.verdict}${change?.kind === 'regression' ? ' regressed' : ''}${column.startsGroup ? ' gs' : ''}`;
  return (
    `<td class="${classes}" data-cell="${index}" data-row="r${row}" data-col="${column.id}">` +
    `<a href="#cell-${index}" data-open="${index}" title="${h(cellTitle(view))}">` +
    (change?.kind === 'regression' ? `<span class="reg" title="regression since baseline">▲</span>` : '') +
    `<span class="oc">${h(OUTCOME_WORDS[cell.outcome])}</span>` +
    (view.why ? `<span class="why">${h(view.why)}</span>` : '') +
    `</a></td>`
  );
}

/** Past this many columns the grid is drawn compact (narrower cells, wrapped labels). */
export const WIDE_GRID_COLUMNS = 20;

/** A header value: flags break after each `|`; extra-axis levels say which axis in a title. */
function headerLabel(level: string, value: string): string {
  return level === 'flags' ? h(value).replace(/\|/g, '|<wbr>') : h(value);
}

/** The grid's header rows: loader, flags, then extra axes, each value spanning its columns. */
function renderGridHeader(grid: OutcomeGrid): string {
  const depth = grid.levels.length;
  const corner =
    `<th class="envh e1" rowspan="${depth}">Distro</th><th class="envh e2" rowspan="${depth}">Python</th>` +
    `<th class="envh e3" rowspan="${depth}">NumPy</th>`;
  const startsGroup = new Set(grid.columns.filter((column) => column.startsGroup).map((column) => column.id));
  return grid.header
    .map((cells, level) => {
      const name = grid.levels[level]!;
      const ths = cells
        .map(
          (cell) =>
            `<th class="h${Math.min(level, 2)}${startsGroup.has(cell.columns[0]!) ? ' gs' : ''}" colspan="${cell.columns.length}" data-cols="${cell.columns.join(' ')}" ` +
            `scope="${cell.columns.length > 1 ? 'colgroup' : 'col'}" title="${h(`${name}=${cell.label}`)}"><span>${headerLabel(name, cell.label)}</span></th>`,
        )
        .join('');
      return `<tr>${level === 0 ? corner : ''}${ths}</tr>`;
    })
    .join('');
}

/** The grid the script draws: its header, and rows added as they scroll into view. */
function renderLiveGrid(grid: OutcomeGrid): string {
  const wide = grid.columns.length > WIDE_GRID_COLUMNS ? ' wide' : '';
  // Hidden until the script runs (without it, the <noscript> grid shows instead).
  return (
    `<div class="gridbox" id="gridbox" hidden><div class="scroll"><table class="grid${wide}" id="grid-table">` +
    `<thead>${renderGridHeader(grid)}</thead><tbody><tr class="placeholder"><td colspan="${grid.columns.length + 3}">Loading the grid…</td></tr></tbody></table></div></div>`
  );
}

/** The whole grid as static HTML, for readers without JavaScript. */
function renderStaticGrid(results: RunResults, grid: OutcomeGrid, views: CellView[], changes: Map<string, CellChange>): string {
  const resolved = (requested: string, actual?: string) => (actual && actual !== requested ? `${h(requested)}<small>${h(actual)}</small>` : h(requested));
  const rows = grid.rows
    .map((row, r) => {
      const env = row.environment;
      const envCells =
        `<th class="distro e1" scope="row">${h(env.distro)}</th>` +
        `<th class="e2">${resolved(env.python, env.resolved.python)}</th>` +
        `<th class="e3">${resolved(env.numpy, env.resolved.numpy)}</th>`;
      if (row.skipped) {
        // Nothing ran: one line with the reason instead of a row of identical "skipped" cells.
        const first = row.cells[0]!;
        return (
          `<tr class="folded" data-row="r${r}" data-cells="${row.cells.join(' ')}" title="${h(env.key)}">${envCells}` +
          `<td class="fold" colspan="${grid.columns.length}"><span class="foldtext"><a href="#cell-${first}" data-open="${first}">skipped</a>` +
          ` · ${row.cells.length} ${row.cells.length === 1 ? 'cell' : 'cells'} · ${row.skipped.map((reason) => h(reason)).join('; ')}</span></td></tr>`
        );
      }
      const cells = grid.columns
        .map((column) => {
          const index = row.cellAt.get(column.id);
          if (index === undefined) return `<td class="none${column.startsGroup ? ' gs' : ''}" data-col="${column.id}" title="not in the matrix">·</td>`;
          const cell = results.cells[index]!;
          return renderGridCell(cell, views[index]!, index, r, column, changes.get(cell.id));
        })
        .join('');
      return `<tr data-row="r${r}" title="${h(env.key)}">${envCells}${cells}</tr>`;
    })
    .join('\n');
  // The environment columns stay put (sticky) when a wide grid scrolls sideways in its box, and
  // the header rows stay on top when a tall one scrolls down.
  const wide = grid.columns.length > WIDE_GRID_COLUMNS ? ' wide' : '';
  return (
    `<div class="gridbox"><div class="scroll"><table class="grid${wide}" id="grid-static">` +
    `<thead>${renderGridHeader(grid)}</thead><tbody>\n${rows}\n</tbody></table></div></div>`
  );
}

function gridColumnsLabel(results: RunResults): string {
  return ['loader', 'flags', ...new Set(results.cells.flatMap((cell) => extraAxisNames(cell.axes)))].join(' × ');
}

const FINDING_SUBJECTS: Record<FindingStatement['subject'], string> = { outcome: 'outcome', symbol: 'missing symbol', mitigation: 'mitigation' };

/** A statement with its claim (up to the first ": ") in bold and the cells it names linked to their details. */
function findingHtml(statement: FindingStatement, indexOf: Map<string, number>): string {
  const split = statement.text.indexOf(': ');
  const [claim, rest] = split === -1 ? ['', statement.text] : [statement.text.slice(0, split + 1), statement.text.slice(split + 1)];
  // The sentence names a few of the exceptions (results.json has them all): link those it names.
  const ids = [...new Set(statement.exceptions.map((e) => e.id))].filter((id) => indexOf.has(id) && rest.includes(id)).sort((a, b) => b.length - a.length);
  let body = h(rest);
  if (ids.length > 0) {
    const escaped = ids.map((id) => h(id));
    const pattern = new RegExp(escaped.map((id) => id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
    body = body.replace(pattern, (match) => {
      const index = indexOf.get(ids[escaped.indexOf(match)]!)!;
      return `<a class="cellref" href="#cell-${index}" data-open="${index}">${match}</a>`;
    });
  }
  return (claim ? `<b>${h(claim)}</b>` : '') + body;
}

/** What decides the outcomes, at the top: the sentences of results.findings. */
function renderFindings(results: RunResults): string {
  const { findings } = results;
  if (findings.statements.length === 0) return '';
  const indexOf = new Map(results.cells.map((cell, i) => [cell.id, i]));
  const items = findings.statements
    .map(
      (statement) =>
        `<li class="finding ${statement.exact ? 'exact' : 'inexact'}"><span class="subject">${h(FINDING_SUBJECTS[statement.subject])}</span>` +
        `<span class="text">${findingHtml(statement, indexOf)}</span></li>`,
    )
    .join('\n');
  return `<section class="panel findings" id="findings"><h2>Findings<span class="sub">${h(findingsScope(findings))}</span></h2><ul>\n${items}\n</ul></section>`;
}

/** The outcomes and marks this report shows: a legend of things that are not there only adds noise. */
function renderLegend(hasDiff: boolean, cells: readonly CellResult[]): string {
  const present = new Set(cells.map((cell) => cell.outcome));
  const verdicts = new Set(cells.map((cell) => cell.verdict));
  const swatches = OUTCOMES.filter((outcome) => present.has(outcome)).map((outcome) => `<span class="o-${outcome}"><span class="sw"></span>${h(OUTCOME_WORDS[outcome])}</span>`);
  const marks = [
    ...(verdicts.has('fail') ? [`<span><span class="mk fail">✗</span>missed its expectation</span>`] : []),
    ...(verdicts.has('flaky') ? [`<span><span class="mk flaky">~</span>flaky (passed on retry)</span>`] : []),
    ...(hasDiff ? [`<span><span class="mk reg">▲</span>regression since baseline</span>`] : []),
    `<span><span class="mk">·</span>not in the matrix</span>`,
  ];
  return `<div class="legend">${[...swatches, ...marks].join('')}</div>`;
}

function renderFilters(results: RunResults, axes: string[]): string {
  const select = (key: string, label: string, values: string[]) =>
    `<label>${h(label)}<select data-filter="${h(key)}"><option value="">any</option>` +
    values.map((value) => `<option value="${h(value)}">${h(value)}</option>`).join('') +
    `</select></label>`;
  const distinct = (values: string[]) => [...new Set(values)];
  const outcomes = OUTCOMES.filter((outcome) => results.cells.some((cell) => cell.outcome === outcome));
  const verdicts = (['fail', 'flaky', 'pass', 'skip'] as const).filter((v) => results.cells.some((cell) => cell.verdict === v));
  // hidden until the script runs: without JavaScript these controls could do nothing.
  return (
    `<form class="filters" id="filters" hidden>` +
    select('outcome', 'Outcome', outcomes) +
    select('verdict', 'Verdict', verdicts) +
    axes.map((axis) => select(axis, axis, distinct(results.cells.map((cell) => cell.axes[axis] ?? '')))).join('') +
    `<label>Search<input type="search" data-filter="q" placeholder="symbol, message, output…"></label>` +
    `<button type="button" class="reset">Reset</button><span class="count"></span></form>`
  );
}

/** A root cause in the list of failures: a build log's first lines; the detail has all of it. */
function clip(text: string, lines = 4, chars = 400): string {
  const head = text.split('\n').slice(0, lines).join('\n');
  return head.length < text.length || head.length > chars ? `${head.slice(0, chars).trimEnd()} …` : text;
}

/** After the first LISTED_MAX rows of a list: how many more, and where to see them. */
function moreRow(more: number, columns: number, where: string): string {
  return more > 0 ? `<tr class="more"><td colspan="${columns}">… and ${more} more: ${where}</td></tr>` : '';
}

function renderProblems(results: RunResults, changes: Map<string, CellChange>, environmentOf: (cell: CellResult) => EnvironmentInfo): string {
  const rank = (cell: CellResult) => (changes.get(cell.id)?.kind === 'regression' ? 0 : cell.verdict === 'fail' ? 1 : 2);
  const problems = results.cells
    .map((cell, index) => ({ cell, index }))
    .filter(({ cell }) => cell.verdict === 'fail' || cell.verdict === 'flaky')
    .sort((a, b) => rank(a.cell) - rank(b.cell));
  if (problems.length === 0) return '';
  const failed = problems.filter(({ cell }) => cell.verdict === 'fail').length;
  const flaky = problems.length - failed;
  const title = [failed ? `${failed} ${failed === 1 ? 'cell' : 'cells'} failed` : '', flaky ? `${flaky} flaky` : '']
    .filter(Boolean)
    .join(', ');
  const rows = problems
    .slice(0, LISTED_MAX)
    .map(({ cell, index }) => {
      const change = changes.get(cell.id);
      const tags =
        (change?.kind === 'regression' ? `<span class="tag regression">regression</span> ` : '') +
        `<span class="tag ${cell.verdict}">${h(cell.verdict)}</span>`;
      return (
        `<tr class="problem" data-cell="${index}"><td class="nowrap">${tags}</td>` +
        `<td><a class="cellref" href="#cell-${index}" data-open="${index}">${h(cellLabel(cell.axes))}</a>` +
        `<div class="env">${h(environmentLabel(environmentOf(cell)))}</div></td>` +
        `<td class="nowrap">${h(expectedList(cell.expected))}</td>` +
        `<td><span class="chip o-${cell.outcome}">${h(outcomeWithCause(cell))}</span></td>` +
        `<td class="cause">${h(clip(cell.verdict === 'flaky' ? flakyNote(cell) : (cell.reason ?? '')))}</td></tr>`
      );
    })
    .join('\n');
  return (
    `<section class="panel problems" id="problems"><h2>${h(title)}<span class="sub">cells that missed their expectation, regressions first</span></h2>` +
    `<div class="scroll"><table class="list"><thead><tr><th></th><th>Cell</th><th>Expected</th><th>Actual</th><th>Root cause</th></tr></thead>` +
    `<tbody>\n${rows}\n${moreRow(problems.length - LISTED_MAX, 5, '<a href="#verdict=fail">show the failed cells in the grid</a>')}</tbody></table></div></section>`
  );
}

function renderChanges(results: RunResults, diff: ResultsDiff): string {
  const indexOf = new Map(results.cells.map((cell, i) => [cell.id, i]));
  const state = (s?: { outcome: Outcome; verdict: Verdict }) =>
    s ? `<span class="chip o-${s.outcome}">${h(s.outcome)}</span> <span class="tag ${s.verdict}">${h(s.verdict)}</span>` : '—';
  const counts = formatChangeCounts(diff, ' · ');
  const rows = diff.changes
    .slice(0, LISTED_MAX)
    .map((change) => {
      const index = indexOf.get(change.id);
      const name = h(change.id);
      const link = index === undefined ? name : `<a href="#cell-${index}" data-open="${index}">${name}</a>`;
      const dataCell = index === undefined ? '' : ` data-cell="${index}"`;
      return `<tr${dataCell}><td><span class="tag ${change.kind}">${h(change.kind)}</span></td><td class="mono">${link}</td><td>${state(change.before)}</td><td>${state(change.after)}</td></tr>`;
    })
    .join('\n');
  const body =
    diff.changes.length === 0
      ? `<p class="empty">No cell changed (${diff.unchanged} unchanged).</p>`
      : `<div class="scroll"><table class="list"><thead><tr><th>Change</th><th>Cell</th><th>Baseline</th><th>Now</th></tr></thead><tbody>\n${rows}\n` +
        `${moreRow(diff.changes.length - LISTED_MAX, 4, 'all of them are in <code>dlmatrix diff</code>')}</tbody></table></div>`;
  return `<section class="panel" id="changes"><h2>Changes since baseline<span class="sub">${h(counts || 'none')}, ${diff.unchanged} unchanged</span></h2>${body}</section>`;
}

/** Each cell's environment, looked up by key (a hand-merged file may lack one: built from the cell). */
function environmentLookup(results: RunResults): (cell: CellResult) => EnvironmentInfo {
  const byKey = new Map(results.environments.map((env) => [env.key, env]));
  return (cell) => {
    const { distro, python, numpy } = cell.axes;
    return byKey.get(cell.environment) ?? { key: cell.environment, distro, python, numpy, resolved: cell.resolved };
  };
}

/** Environments fold open by themselves when they need attention or are few enough to read at a glance. */
export const ENVIRONMENTS_OPEN_MAX = 4;
/** ...and when a build broke, unless the table is longer than this (its summary says how many broke). */
export const ENVIRONMENTS_OPEN_ON_ERROR_MAX = 50;

const byVersion = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

/** The one-line overview in the environments' <summary>: counts, then the versions actually resolved. */
function environmentsOverview(groups: ReturnType<typeof groupByEnvironment>): string {
  const envs = groups.map((group) => group.environment);
  const buildErrors = envs.filter((env) => env.buildError).length;
  const skipped = envs.filter((env) => !env.buildError && env.skipReason).length;
  const ran = envs.length - buildErrors - skipped;
  const versions = (pick: (env: EnvironmentInfo) => string | undefined) =>
    [...new Set(envs.map(pick).filter((v): v is string => Boolean(v)))].sort(byVersion);
  const python = versions((env) => env.resolved.python);
  const numpy = versions((env) => env.resolved.numpy);
  const parts = [
    `${envs.length} ${envs.length === 1 ? 'environment' : 'environments'}`,
    `${ran} ran`,
    `${skipped} skipped`,
    buildErrors ? `<span class="bad">${buildErrors} build ${buildErrors === 1 ? 'error' : 'errors'}</span>` : '0 build errors',
    ...(python.length ? [`Python ${python.map((v) => h(v)).join(', ')}`] : []),
    ...(numpy.length ? [`NumPy ${numpy.map((v) => h(v)).join(', ')}`] : []),
  ];
  return parts.join(' · ');
}

/** "rustc 1.85.0 (4d91de4e4 2025-02-17) (built from …)" -> "1.85.0"; the full text goes in a title. */
function versionCell(text: string | undefined): string {
  if (!text) return '<td>—</td>';
  const short = text.replace(/^[a-z]+\s+(?=\d)/i, '').replace(/\s*\(.*$/, '') || text;
  return short === text ? `<td>${h(text)}</td>` : `<td title="${h(text)}">${h(short)}</td>`;
}

function renderEnvironments(results: RunResults): string {
  const groups = groupByEnvironment(results);
  const rows = groups
    .map(({ environment: env, cells }) => {
      const failed = cells.filter((cell) => cell.verdict === 'fail').length;
      const status = env.buildError
        ? `<span class="bad">build error</span><details class="out"><summary>build log</summary><pre>${h(env.buildError)}</pre></details>`
        : env.skipReason
          ? `<span class="skip">skipped: ${h(env.skipReason)}</span>`
          : 'ready';
      const imageId = env.imageId?.replace(/^sha256:/, '').slice(0, 12);
      const cellsText = `${cells.length}${failed ? ` · <span class="bad">${failed} failed</span>` : ''}`;
      return (
        `<tr${env.buildError ? ' class="broken"' : env.skipReason ? ' class="skipped"' : ''}>` +
        `<td><b>${h(env.distro)}</b> / ${h(env.python)} / ${h(env.numpy)}</td>` +
        `<td>${h(env.resolved.python ?? '—')}</td><td>${h(env.resolved.numpy ?? '—')}</td>` +
        `${versionCell(env.resolved.node)}${versionCell(env.resolved.rustc)}<td>${h(env.resolved.os ?? '—')}</td>` +
        `<td class="mono" title="${h([env.image, env.imageId].filter(Boolean).join('\n'))}">${h(imageId ?? '—')}</td>` +
        `<td>${env.buildMs === undefined ? '—' : h(formatDuration(env.buildMs))}</td><td>${cellsText}</td><td class="wrap">${status}</td></tr>`
      );
    })
    .join('\n');
  // A <details>, so it folds with JavaScript off too: open when a build broke or there are few.
  const broken = groups.some(({ environment }) => environment.buildError);
  const open = groups.length <= ENVIRONMENTS_OPEN_MAX || (broken && groups.length <= ENVIRONMENTS_OPEN_ON_ERROR_MAX);
  return (
    `<details class="panel environments" id="environments"${open ? ' open' : ''}>` +
    `<summary><h2>Environments<span class="sub">${environmentsOverview(groups)}</span></h2></summary>` +
    `<div class="scroll"><table class="list envs"><thead><tr><th>Environment</th><th>Python</th><th>NumPy</th><th>Node</th><th>rustc</th><th>OS</th>` +
    `<th>Image</th><th>Build</th><th>Cells</th><th>Status</th></tr></thead><tbody>\n${rows}\n</tbody></table></div></details>`
  );
}

function outputBlock(label: string, text: string, open: boolean): string {
  if (!text) return `<p class="out-empty">${h(label)} · empty</p>`;
  const lines = lineCount(text);
  return `<details class="out"${open ? ' open' : ''}><summary>${h(label)} · ${lines} ${lines === 1 ? 'line' : 'lines'}</summary><pre>${h(text)}</pre></details>`;
}

/** A cell's detail as static HTML (the script builds the same from the page's data). */
function renderDetail(cell: CellResult, view: CellView, index: number): string {
  const missed = cell.verdict === 'fail';
  const facts: [string, string, string?][] = [
    ['Expected', h(view.expected), 'expect'],
    ['Actual', `<span class="chip o-${cell.outcome}">${h(view.actual)}</span>`, missed ? 'actual bad' : 'actual'],
    ['Root cause', view.reason ? `<code>${h(view.reason)}</code>` : '<span class="empty">none recorded</span>'],
  ];
  if (view.baseline && view.baselineKind) facts.push(['Baseline', `${h(view.baseline)} → <span class="tag ${view.baselineKind}">${h(view.baselineKind)}</span>`]);
  facts.push(['Run', h(view.run)]);
  if (view.command) facts.push(['Command', `<code>${h(view.command)}</code>`]);
  facts.push(['Rerun', `<div class="cmd"><code class="rerun">${h(view.rerun)}</code></div>`]);
  return (
    `<article class="detail o-${cell.outcome} v-${cell.verdict}" id="cell-${index}" data-cell="${index}">` +
    `<h3><span class="tag ${cell.verdict}">${h(VERDICT_LABEL[cell.verdict])}</span>` +
    `<span class="where">${h(view.environment)} — ${h(view.cell)}</span></h3>` +
    `<dl class="facts">${facts.map(([dt, dd, cls]) => `<dt>${dt}</dt><dd${cls ? ` class="${cls}"` : ''}>${dd}</dd>`).join('')}` +
    `<dt>Cell id</dt><dd><code>${h(view.id)}</code></dd></dl>` +
    (view.decoded ? outputBlock(OUTPUT_LABELS.decoded, view.decoded, missed) : '') +
    outputBlock(OUTPUT_LABELS.stdout, view.stdout, missed && !view.decoded) +
    outputBlock(OUTPUT_LABELS.stderr, view.stderr, missed && view.stderr !== '') +
    `</article>`
  );
}

function renderHeader(results: RunResults): string {
  const { summary } = results;
  // The same headline as every report (wording.ts): never green when nothing ran.
  const { state, text } = headline(results);
  const status =
    state === 'failed'
      ? `<span class="status fail">✗ ${h(text)}</span>`
      : state === 'passed'
        ? `<span class="status pass">✓ ${h(text)}</span>`
        : `<span class="status warn">${h(state === 'interrupted' ? 'interrupted' : text)}</span>`;
  const started = Number.isNaN(Date.parse(results.startedAt))
    ? results.startedAt
    : new Date(results.startedAt).toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
  const meta: [string, string | undefined][] = [
    ['started', started],
    ['duration', formatDuration(results.durationMs)],
    ['host', `${results.host.hostname} (${results.host.platform})`],
    ['docker', results.host.docker],
    ['shard', results.shard],
    ['dlmatrix', results.tool.version],
  ];
  return (
    `<header class="top"><div class="row"><span class="brand">dlmatrix</span><h1>${h(results.matrixFile)}</h1>${status}</div>` +
    `<dl class="meta">${meta
      .filter(([, value]) => value !== undefined)
      .map(([dt, dd]) => `<div><dt>${dt}</dt><dd>${h(dd)}</dd></div>`)
      .join('')}</dl></header>`
  );
}

function renderCards(results: RunResults, diff?: ResultsDiff): string {
  const { summary } = results;
  const card = (n: number | string, label: string, kind: string) =>
    `<div class="card ${kind}${n === 0 ? ' zero' : ''}" data-count="${h(label)}"><div class="n">${h(n)}</div><div class="l">${h(label)}</div></div>`;
  return (
    `<div class="cards">` +
    card(summary.total, 'cells', '') +
    card(summary.failed, 'failed', 'fail') +
    (diff ? card(diff.counts.regression, 'regressions', 'regression') : '') +
    card(summary.flaky, 'flaky', 'flaky') +
    card(summary.passed, 'passed', 'pass') +
    card(summary.skipped, 'skipped', '') +
    (summary.expectedNotRun ? card(summary.expectedNotRun, 'expected not to run', '') : '') +
    (summary.notRun ? card(summary.notRun, 'not run', 'fail') : '') +
    card(results.environments.length, 'environments', '') +
    `</div>`
  );
}

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** The grid and the details: drawn by the script, and also static up to STATIC_CELLS_MAX cells. */
function renderMatrix(results: RunResults, grid: OutcomeGrid, changes: Map<string, CellChange>, environmentOf: (cell: CellResult) => EnvironmentInfo) {
  if (results.cells.length === 0) return { grid: `<p class="empty">No cells ran.</p>`, details: '' };
  const live = renderLiveGrid(grid);
  if (results.cells.length > STATIC_CELLS_MAX) {
    const note = `<p class="empty">This report holds ${results.cells.length} cells: its grid and cell details need JavaScript. results.json and junit.xml hold every cell.</p>`;
    return { grid: `${live}\n<noscript>${note}</noscript>`, details: '' };
  }
  const views = results.cells.map((cell) => cellView(cell, environmentOf(cell), results.matrixFile, changes.get(cell.id)));
  const details = results.cells.map((cell, index) => renderDetail(cell, views[index]!, index)).join('\n');
  return {
    grid: `${live}\n<noscript>${renderStaticGrid(results, grid, views, changes)}</noscript>`,
    details: `<noscript><section id="details"><h2>Cell details</h2>\n${details}\n</section></noscript>`,
  };
}

export function renderHtml(results: RunResults, diff?: ResultsDiff): string {
  const changes = new Map(diff?.changes.map((change) => [change.id, change]));
  const axes = [...new Set(results.cells.flatMap((cell) => Object.keys(cell.axes)))];
  const environmentOf = environmentLookup(results);
  const grid = buildOutcomeGrid(results);
  const data = encodePageData(results, grid, changes, axes, environmentOf);
  const matrix = renderMatrix(results, grid, changes, environmentOf);
  const csp = `default-src 'none'; img-src data:; style-src ${sha256(HTML_STYLES)}; script-src ${sha256(HTML_SCRIPT)}; base-uri 'none'; form-action 'none'`;
  const { total } = results.summary;
  const { state, text } = headline(results);
  const title = `${state === 'failed' ? `✗ ${text}` : state === 'passed' ? '✓ passed' : text} · ${results.matrixFile} · dlmatrix`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="dlmatrix ${h(results.tool.version)}">
<title>${h(title)}</title>
<link rel="icon" href="data:,">
<style>${HTML_STYLES}</style>
</head>
<body>
${renderHeader(results)}
<main>
${results.interrupted ? `<div class="banner interrupted">⚠ This run was interrupted before every cell ran: ${total} cells have results, the matrix is incomplete.</div>` : ''}
${renderCards(results, diff)}
${renderFindings(results)}
${renderProblems(results, changes, environmentOf) || (state === 'passed' ? `<div class="banner ok">✓ Every cell met its expectation.</div>` : '')}
${renderEnvironments(results)}
<section class="panel" id="matrix"><h2>Matrix<span class="sub">rows: environments · columns: ${h(gridColumnsLabel(results))} · click a cell for its output</span></h2>
${renderFilters(results, axes)}
${renderLegend(diff !== undefined, results.cells)}
${matrix.grid}
</section>
${diff ? renderChanges(results, diff) : ''}
${matrix.details}
<footer>dlmatrix ${h(results.tool.version)} · ${h(results.matrixFile)} · ${h(results.finishedAt)}</footer>
</main>
<dialog id="cell-dialog" aria-label="Cell detail"><div class="bar"><button type="button" class="close">Close ✕</button></div><div class="body"></div></dialog>
<script type="application/json" id="dlmatrix-data">${jsonForScript(data)}</script>
<script type="module">${HTML_SCRIPT}</script>
</body>
</html>
`;
}
