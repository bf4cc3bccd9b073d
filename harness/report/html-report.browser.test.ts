// The HTML report in a real headless Chromium, opened from disk as a maintainer opens a CI
// artifact. Two inputs:
//   fixtures/results.real.json   a real results.json of the default matrix (all cells met their
//                                expectations): grid shape, cell detail, filters in the URL hash,
//                                no fetches, JavaScript off, and the screenshot a user sees first;
//   fixtures/results.sample.json a hand-made run with failures and a flaky cell, plus a regression
//                                and hostile `<script>` output injected here: the failure-first
//                                panel, the markers, and captured markup that must never run;
//   wideResults() below          a wide matrix (five loaders x flags x a `mitigation` axis) at
//                                1280 px: grouped headers, sticky axes, folded all-skipped rows.
// Expectations are derived from the files, so either can be replaced by a newer run.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { diffResults, type ResultsDiff } from '../results/diff.ts';
import { readResultsFile } from '../results/results-file.ts';
import { findingsScope } from '../results/findings.ts';
import type { CellResult, RunResults } from '../results/run-results.ts';
import { generateResults } from '../test-support/generated-results.ts';
import { makeCell, makeResults } from '../test-support/make-results.ts';
import { groupByEnvironment } from './environments.ts';
import { cellTitle, cellView } from './html-cell-view.ts';
import { DETAIL_FIELDS } from './html-data.ts';
import { renderHtml } from './html-writer.ts';
import { extraAxisNames } from './wording.ts';
import { rerunCommand, shellQuote } from './rerun.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = resolve(import.meta.dirname, '../../reports/screenshots');
const VIEWPORT = { width: 1440, height: 1000 };
const XSS = '<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">\x1b[31mred\x1b[0m';

const fixture = (name: string) => readResultsFile(join(import.meta.dirname, 'fixtures', name));

/** Writes the page to a fresh folder and returns its file: URL. */
function writeReport(html: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'dlmatrix-html-'));
  writeFileSync(join(dir, 'index.html'), html);
  return pathToFileURL(join(dir, 'index.html')).href;
}

/** The sample plus hostile output in one failed cell, and a baseline in which that cell loaded. */
function prepareSample(): { results: RunResults; diff: ResultsDiff; target: CellResult } {
  const results = fixture('results.sample.json');
  const target = results.cells.find((cell) => cell.verdict === 'fail')!;
  target.output = { stdout: `${target.output.stdout}${XSS}\n`, stderr: `${target.output.stderr}${XSS}\n` };
  target.reason = `${target.reason ?? ''} ${XSS}`;
  const baseline = structuredClone(results);
  Object.assign(baseline.cells.find((cell) => cell.id === target.id)!, { outcome: 'loaded', verdict: 'pass' });
  return { results, diff: diffResults(baseline, results), target };
}

let browser: Browser;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  } catch (err) {
    throw new Error(`cannot start Chromium at ${CHROMIUM} (set CHROMIUM_PATH; Debian: apt-get install chromium): ${(err as Error).message}`);
  }
});

afterAll(async () => {
  await browser?.close();
});

/** A page that records every request, script error and alert/confirm dialog. */
async function openPage(url: string) {
  const page = await browser.newPage({ viewport: VIEWPORT });
  const requests: string[] = [];
  const pageErrors: string[] = [];
  const dialogs: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(url);
  return { page, requests, pageErrors, dialogs };
}

const top = async (page: Page, selector: string) => (await page.locator(selector).first().boundingBox())!.y;

// Two real runs: the default matrix as it is (mitigations, NumPy oldest/latest: every cell ran),
// and the earlier one with pinned NumPy (four environments without a wheel: folded rows).
describe.each([
  { name: 'results.real.json', foldedEnvironments: 0, screenshot: 'report.png' },
  { name: 'results.real-pinned.json', foldedEnvironments: 4, screenshot: 'report-pinned.png' },
])('HTML report in Chromium: real results of the default matrix ($name)', ({ name, foldedEnvironments, screenshot }) => {
  const results = fixture(name);
  const url = writeReport(renderHtml(results));
  // The cell to open: a real finding (an undefined symbol) if the run has one, else any cell that ran.
  const target = results.cells.find((cell) => cell.outcome === 'undefined-symbol') ?? results.cells.find((cell) => cell.outcome !== 'skipped')!;
  const targetIndex = results.cells.indexOf(target);
  const groups = groupByEnvironment(results);
  const columns = new Set(results.cells.map((cell) => JSON.stringify([cell.axes.loader, cell.axes.flags, ...extraAxisNames(cell.axes).map((a) => cell.axes[a])])));
  // Environments where every cell was skipped are one folded line each, without per-cell boxes.
  const folded = groups.filter((group) => group.cells.every((cell) => cell.verdict === 'skip'));
  const gridded = results.cells.length - folded.reduce((n, group) => n + group.cells.length, 0);

  let page: Page;
  let requests: string[];
  let pageErrors: string[];
  beforeAll(async () => {
    ({ page, requests, pageErrors } = await openPage(url));
  });

  const visibleCells = () => page.locator('td.cell:visible').count();
  const hash = () => new URL(page.url()).hash;

  it('is the real run of the default matrix', () => {
    expect(results.cells.length).toBeGreaterThan(100);
    expect(target.output.stdout).toContain('@@dlmatrix ');
    expect(target.id).toContain('|'); // so the rerun command must quote it
  });

  it('shows the summary, then the findings, then the environments folded to one line, then the grid, in the first screenful', async () => {
    await page.screenshot({ path: join(SCREENSHOTS, screenshot) });
    const findings = page.locator('#findings');
    expect(await findings.locator('h2 .sub').textContent()).toBe(findingsScope(results.findings));
    expect(await findings.locator('li .text').allTextContents()).toEqual(results.findings.statements.map((s) => s.text));
    expect(await top(page, '.cards')).toBeLessThan(await top(page, '#findings'));
    expect(await top(page, '#findings')).toBeLessThan(await top(page, 'details#environments'));
    expect(await page.locator('.card[data-count="cells"] .n').textContent()).toBe(String(results.summary.total));
    expect(await page.locator('.card[data-count="failed"] .n').textContent()).toBe(String(results.summary.failed));
    expect(await page.locator('.card[data-count="environments"] .n').textContent()).toBe(String(results.environments.length));
    const environments = page.locator('details#environments');
    const summary = environments.locator('summary');
    const skipped = groups.filter(({ environment }) => environment.skipReason && !environment.buildError).length;
    expect(await summary.textContent()).toContain(`${groups.length} environments · ${groups.length - skipped} ran · ${skipped} skipped · 0 build errors`);
    const pythons = new Set(results.environments.map((env) => env.resolved.python).filter((v): v is string => Boolean(v)));
    for (const python of pythons) expect(await summary.textContent()).toContain(python);
    // More than four environments, none broken: closed, the table one click away.
    expect(await environments.getAttribute('open')).toBe(groups.length <= 4 ? '' : null);
    expect(await environments.locator('table.envs').isVisible()).toBe(groups.length <= 4);
    expect(await top(page, '.cards')).toBeLessThan(await top(page, 'details#environments'));
    expect(await top(page, 'details#environments')).toBeLessThan(await top(page, '#grid-table'));
    // The first row of the grid is whole in the first screenful.
    const gridRow = (await page.locator('#grid-table tbody tr').first().boundingBox())!;
    expect(gridRow.y + gridRow.height).toBeLessThanOrEqual(VIEWPORT.height);
    // Opening it shows one row per environment with its resolved versions and image id.
    await summary.click();
    await expect.poll(() => environments.locator('table.envs').isVisible()).toBe(true);
    expect(await environments.locator('table.envs tbody tr').count()).toBe(groups.length);
    const first = groups[0]!.environment;
    const firstRow = await environments.locator('table.envs tbody tr').first().textContent();
    expect(firstRow).toContain(first.resolved.python!);
    expect(firstRow).toContain(first.imageId!.replace(/^sha256:/, '').slice(0, 12));
    await summary.click();
    await expect.poll(() => environments.locator('table.envs').isVisible()).toBe(false);
  });

  it('shows a grid with one row per environment and one column per loader x flags (x extra axes)', async () => {
    const loaders = new Set(results.cells.map((cell) => cell.axes.loader));
    expect(await page.locator('#grid-table tbody tr').count()).toBe(groups.length);
    // The last header row has one cell per column: flags (h1), or the extra axis under it (h2).
    const leaf = extraAxisNames(results.cells[0]!.axes).length > 0 ? 'th.h2' : 'th.h1';
    expect(await page.locator(`#grid-table thead ${leaf}`).count()).toBe(columns.size);
    expect(await page.locator('#grid-table thead th.h0').count()).toBe(loaders.size);
    for (const row of await page.locator('#grid-table tbody tr:not(.folded)').all()) {
      expect(await row.locator('td').count()).toBe(columns.size);
      expect(await row.locator('th').count()).toBe(3);
    }
    expect(await page.locator('td.cell').count()).toBe(gridded);
    expect(await visibleCells()).toBe(gridded);
    expect(await page.locator('td.cell.v-fail').count()).toBe(results.summary.failed);
    expect(await page.locator('td.cell.v-skip').count()).toBe(results.summary.skipped - (results.cells.length - gridded));
    expect(await page.locator('#filters .count').textContent()).toBe(`${results.cells.length} of ${results.cells.length} cells shown`);
    expect(pageErrors).toEqual([]);
  });

  it('folds each environment whose cells were all skipped into one line with the reason', async () => {
    expect(folded.length).toBe(foldedEnvironments);
    const rows = page.locator('#grid-table tbody tr.folded');
    expect(await rows.count()).toBe(folded.length);
    if (folded.length === 0) return; // every environment ran: nothing folds
    for (const [i, group] of folded.entries()) {
      const row = rows.nth(i);
      expect(await row.locator('th.e1').textContent()).toBe(group.environment.distro);
      const text = await row.locator('td.fold').textContent();
      expect(text).toBe(`skipped · ${group.cells.length} cells · ${group.cells[0]!.reason}`);
      const box = (await row.boundingBox())!;
      expect(box.height).toBeLessThan(40); // one line, lower than a row of cells
    }
    // Filtering for skipped cells keeps the folded rows; filtering for another outcome drops them.
    await page.selectOption('select[data-filter="outcome"]', 'skipped');
    await expect.poll(() => rows.first().isVisible()).toBe(true);
    await page.selectOption('select[data-filter="outcome"]', 'loaded');
    await expect.poll(() => rows.first().isVisible()).toBe(false);
    await page.click('#filters .reset');
    await expect.poll(() => rows.first().isVisible()).toBe(true);
    // Its link opens the detail of a skipped cell.
    await rows.first().locator('td.fold a').click();
    const dialog = page.locator('dialog#cell-dialog');
    await expect.poll(() => dialog.isVisible()).toBe(true);
    expect(await dialog.locator('dd.actual').textContent()).toBe('skipped');
    await dialog.locator('button.close').click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
  });

  it('keeps the environment columns in view when the wide grid scrolls sideways', async () => {
    const scroller = page.locator('.gridbox > .scroll');
    const envCell = page.locator('#grid-table tbody tr').first().locator('th.e3');
    const before = (await envCell.boundingBox())!;
    const box = (await scroller.boundingBox())!;
    const clientWidth = await scroller.evaluate((el) => el.clientWidth);
    // The page itself never scrolls sideways: only the grid's box does.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(VIEWPORT.width);
    await scroller.evaluate((el) => (el.scrollLeft = el.scrollWidth));
    const after = (await envCell.boundingBox())!;
    expect(after.x).toBe(before.x);
    // The last column is now in view, to the right of the environment columns, not under them.
    const last = (await page.locator('#grid-table tbody tr').first().locator('td').last().boundingBox())!;
    expect(last.x).toBeGreaterThanOrEqual(after.x + after.width - 1);
    expect(last.x + last.width).toBeLessThanOrEqual(box.x + clientWidth + 1);
    await scroller.evaluate((el) => (el.scrollLeft = 0));
  });

  it('opens a cell detail with expected vs actual, the captured @@dlmatrix line and the rerun command', async () => {
    await page.locator(`td.cell[data-cell="${targetIndex}"] a`).click();
    const dialog = page.locator('dialog#cell-dialog');
    await expect.poll(() => dialog.isVisible()).toBe(true);
    const facts = dialog.locator('dl.facts');
    expect(await facts.locator('dd.expect').textContent()).toBe(target.expected.join(' or '));
    expect(await facts.locator('dd.actual').textContent()).toBe(`${target.outcome}${target.symbol ? ` ${target.symbol}` : ''}`);
    const rerun = await dialog.locator('code.rerun').textContent();
    expect(rerun).toBe(rerunCommand(results.matrixFile, target.id));
    expect(rerun).toContain(`--cell ${shellQuote(target.id)}`);
    expect(rerun).toContain(`'${target.id}'`);
    const output = (await dialog.locator('details.out pre').allTextContents()).join('\n');
    const line = target.output.stdout.split('\n').find((l) => l.startsWith('@@dlmatrix '))!;
    expect(output).toContain(line);
    expect(await dialog.locator('details.out pre').first().isVisible()).toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, 'report-detail.png') });
    await dialog.locator('button.close').click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
  });

  it('filters by outcome, hiding other cells and keeping the state in the URL hash', async () => {
    const outcome = target.outcome;
    const matching = results.cells.filter((cell) => cell.outcome === outcome);
    expect(matching.length).toBeLessThan(results.cells.length);
    await page.selectOption('select[data-filter="outcome"]', outcome);
    await expect.poll(visibleCells).toBe(matching.length);
    expect(hash()).toBe(`#outcome=${encodeURIComponent(outcome)}`);
    expect(await page.locator(`td.cell[data-cell="${targetIndex}"]`).isVisible()).toBe(true);
    const other = results.cells.findIndex((cell) => cell.outcome !== outcome);
    expect(await page.locator(`td.cell[data-cell="${other}"]`).isVisible()).toBe(false);
    expect(await page.locator('#filters .count').textContent()).toBe(`${matching.length} of ${results.cells.length} cells shown`);
    // Environments with nothing left (skipped ones, here) drop out of the grid.
    const rows = groups.filter((group) => group.cells.some((cell) => cell.outcome === outcome)).length;
    expect(await page.locator('#grid-table tbody tr:visible').count()).toBe(rows);
    await page.click('#filters .reset');
    await expect.poll(visibleCells).toBe(gridded);
    expect(hash()).toBe('');
  });

  it('restores a shared filter from the hash on load', async () => {
    const { distro } = target.axes;
    const query = target.symbol ?? target.outcome;
    const matching = results.cells.filter(
      (cell) => cell.outcome === target.outcome && cell.axes.distro === distro && JSON.stringify(cell).toLowerCase().includes(query.toLowerCase()),
    );
    const shared = `#outcome=${encodeURIComponent(target.outcome)}&distro=${encodeURIComponent(distro)}&q=${encodeURIComponent(query)}`;
    await page.goto(url + shared);
    await page.reload();
    expect(await page.locator('select[data-filter="outcome"]').inputValue()).toBe(target.outcome);
    expect(await page.locator('select[data-filter="distro"]').inputValue()).toBe(distro);
    expect(await page.locator('input[data-filter="q"]').inputValue()).toBe(query);
    await expect.poll(visibleCells).toBe(matching.length);
    expect(await page.locator(`td.cell[data-cell="${targetIndex}"]`).isVisible()).toBe(true);
    // Rows of other distros are gone entirely.
    const rows = new Set(groups.filter((group) => group.cells.some((cell) => matching.includes(cell))).map((g) => g.environment.key));
    expect(await page.locator('#grid-table tbody tr:visible').count()).toBe(rows.size);
    await page.screenshot({ path: join(SCREENSHOTS, 'report-filtered.png') });
    expect(pageErrors).toEqual([]);
  });

  it('fetched nothing but the file itself', () => {
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter((request) => !request.startsWith('file:') && !request.startsWith('data:'))).toEqual([]);
  });

  it('works without JavaScript: grid rendered, environments unfold, cells link to their detail section', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1440, height: 900 } });
    const noJs = await context.newPage();
    await noJs.goto(url);
    expect(await noJs.locator('td.cell:visible').count()).toBe(gridded);
    expect(await noJs.locator('tr.folded:visible').count()).toBe(folded.length);
    expect(await noJs.locator('#filters').isVisible()).toBe(false);
    await noJs.locator('details#environments > summary').click();
    await expect.poll(() => noJs.locator('table.envs').isVisible()).toBe(true);
    await noJs.locator(`td.cell[data-cell="${targetIndex}"] a`).click();
    expect(new URL(noJs.url()).hash).toBe(`#cell-${targetIndex}`);
    const detail = noJs.locator(`#cell-${targetIndex}`);
    expect(await detail.isVisible()).toBe(true);
    const box = (await detail.boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y).toBeLessThan(900);
    expect(await detail.locator('code.rerun').textContent()).toBe(rerunCommand(results.matrixFile, target.id));
    expect(await detail.locator('details.out pre').allTextContents()).toContainEqual(expect.stringContaining('@@dlmatrix '));
    await context.close();
  });
});

describe('HTML report in Chromium: sample with failures, a flaky cell, a regression and hostile output', () => {
  const { results, diff, target } = prepareSample();
  const targetIndex = results.cells.indexOf(target);
  const url = writeReport(renderHtml(results, diff));

  let page: Page;
  let requests: string[];
  let pageErrors: string[];
  let dialogs: string[];
  beforeAll(async () => {
    ({ page, requests, pageErrors, dialogs } = await openPage(url));
  });

  it('puts the broken cells first, regressions on top, then the environments, then the grid', async () => {
    const failed = results.cells.filter((cell) => cell.verdict === 'fail');
    expect(failed.length).toBeGreaterThan(0);
    await expect.poll(() => page.locator('#problems').isVisible()).toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, 'report-sample-failures.png') });
    const problems = page.locator('#problems tr.problem');
    expect(await problems.count()).toBe(failed.length + results.summary.flaky);
    expect(await problems.first().locator('.tag.regression').count()).toBe(1);
    expect(await problems.first().getAttribute('data-cell')).toBe(String(targetIndex));
    expect(await page.locator('#problems h2').textContent()).toContain(`${failed.length} cells failed, ${results.summary.flaky} flaky`);
    expect(await top(page, '#problems')).toBeLessThan(VIEWPORT.height / 2); // in the first screenful
    expect(await top(page, '#problems')).toBeLessThan(await top(page, 'details#environments'));
    expect(await top(page, 'details#environments')).toBeLessThan(await top(page, '#grid-table'));
    expect(await page.locator('.card[data-count="failed"] .n').textContent()).toBe(String(results.summary.failed));
    expect(await page.locator('.card[data-count="regressions"] .n').textContent()).toBe(String(diff.counts.regression));
  });

  it('marks the regression, the failures and the flaky cell in the grid', async () => {
    expect(diff.counts.regression).toBe(1);
    expect(await page.locator('td.cell.regressed .reg').count()).toBe(diff.counts.regression);
    expect(await page.locator(`td.cell.regressed[data-cell="${targetIndex}"]`).count()).toBe(1);
    expect(await page.locator('td.cell.v-fail').count()).toBe(results.summary.failed);
    expect(await page.locator('td.cell.v-flaky').count()).toBe(results.summary.flaky);
    const flaky = results.cells.findIndex((cell) => cell.verdict === 'flaky');
    const mark = await page.locator(`td.cell[data-cell="${flaky}"] .oc`).evaluate((el) => getComputedStyle(el, '::after').content);
    expect(mark).toContain('flaky');
  });

  it('shows captured markup as text in the cell detail', async () => {
    await page.locator(`td.cell[data-cell="${targetIndex}"] a`).click();
    const dialog = page.locator('dialog#cell-dialog');
    await expect.poll(() => dialog.isVisible()).toBe(true);
    expect(await dialog.locator('dl.facts dd.expect').textContent()).toBe(target.expected.join(' or '));
    expect(await dialog.locator('dl.facts dd.actual').textContent()).toContain(target.outcome);
    const output = (await dialog.locator('details.out pre').allTextContents()).join('\n');
    expect(output).toContain('<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">red');
    expect(output).not.toContain('\x1b');
    await dialog.locator('button.close').click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
  });

  it('never runs a script from captured output', async () => {
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.locator('img').count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(requests.filter((request) => !request.startsWith('file:') && !request.startsWith('data:'))).toEqual([]);
  });
});

/**
 * A wide matrix as a user with their own loaders and a `mitigation` axis writes it: 5 distros x 4
 * NumPy (forky has no 1.26.4 wheel: folded rows), loaders c, rust, node, cffi, ctypes (linked
 * only for c and rust), 3 flags, mitigation none/promote/preload: 51 columns, one crash, one flaky.
 */
function wideResults(): RunResults {
  const cells: CellResult[] = [];
  const system: Record<string, string> = { bullseye: '1.19.5', bookworm: '1.24.2', trixie: '2.2.4', forky: '2.4.6', sid: '2.4.6' };
  for (const distro of ['bullseye', 'bookworm', 'trixie', 'forky', 'sid']) {
    for (const numpy of ['system', '1.26.4', '2.2.6', '2.3.1']) {
      const version = numpy === 'system' ? system[distro]! : numpy;
      const noWheel = numpy === '1.26.4' && (distro === 'forky' || distro === 'sid');
      for (const loader of ['c', 'rust', 'node', 'cffi', 'ctypes']) {
        const flagsList = ['RTLD_LOCAL|RTLD_NOW', 'RTLD_GLOBAL|RTLD_NOW', 'RTLD_LOCAL|RTLD_LAZY', ...(loader === 'c' || loader === 'rust' ? ['linked'] : [])];
        for (const flags of flagsList) {
          for (const mitigation of ['none', 'promote', 'preload']) {
            const axes = { distro, python: 'system', numpy, loader, flags, mitigation };
            const broken = flags.startsWith('RTLD_LOCAL') && mitigation === 'none';
            const symbol = version.startsWith('1.19') || version.startsWith('1.24') ? 'PyExc_RecursionError' : 'PyObject_SelfIter';
            if (noWheel) cells.push(makeCell({ axes, resolved: { python: '3.13.5' }, outcome: 'skipped', verdict: 'skip', expected: [broken ? 'undefined-symbol' : 'loaded'], reason: `PyPI has no NumPy ${numpy} wheel for Python 3.13.5 on this platform` }));
            else if (distro === 'trixie' && numpy === '2.2.6' && loader === 'ctypes' && flags === 'RTLD_GLOBAL|RTLD_NOW' && mitigation === 'preload')
              cells.push(makeCell({ axes, resolved: { python: '3.13.5', numpy: version }, outcome: 'crash', signal: 'SIGSEGV', verdict: 'fail', reason: 'loader-ctypes was killed by SIGSEGV' }));
            else
              cells.push(
                makeCell({
                  axes,
                  resolved: { python: '3.11.2', numpy: version },
                  expected: [broken ? 'undefined-symbol' : 'loaded'],
                  ...(broken && { outcome: 'undefined-symbol', symbol }),
                  ...(distro === 'sid' && loader === 'cffi' && flags === 'RTLD_GLOBAL|RTLD_NOW' && mitigation === 'none' && numpy === 'system' && { verdict: 'flaky', attempts: 2 }),
                }),
              );
          }
        }
      }
    }
  }
  return makeResults(cells, { matrixFile: 'examples/mitigations/matrix.yaml' });
}

describe('HTML report in Chromium: a wide matrix (5 loaders x flags x mitigation) at 1280 px', () => {
  const results = wideResults();
  const url = writeReport(renderHtml(results));
  const viewport = { width: 1280, height: 900 };
  let page: Page;
  let pageErrors: string[];
  beforeAll(async () => {
    page = await browser.newPage({ viewport });
    pageErrors = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(url);
  });

  const grid = () => page.locator('.gridbox > .scroll');
  const box = async (selector: string) => (await page.locator(selector).first().boundingBox())!;

  it('is the wide matrix it claims to be', () => {
    const columns = new Set(results.cells.map((cell) => `${cell.axes.loader} ${cell.axes.flags} ${cell.axes.mitigation}`));
    expect(columns.size).toBe(51);
    expect(results.summary).toMatchObject({ failed: 1, flaky: 1 });
  });

  it('groups the columns in three header rows: loader, flags, mitigation', async () => {
    await page.locator('#matrix').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'report-wide.png') });
    expect(await page.locator('#grid-table thead tr').count()).toBe(3);
    expect(await page.locator('#grid-table thead th.h0').allTextContents()).toEqual(['c', 'rust', 'node', 'cffi', 'ctypes']);
    expect(await page.locator('#grid-table thead th.h0').first().getAttribute('colspan')).toBe('12');
    expect(await page.locator('#grid-table thead th.h1').count()).toBe(17);
    expect(await page.locator('#grid-table thead th.h2').count()).toBe(51);
    expect(await page.locator('#matrix h2 .sub').textContent()).toContain('columns: loader × flags × mitigation');
    // A loader's header sits above exactly its columns.
    const loader = await box('#grid-table thead th.h0');
    const firstOfC = await box('#grid-table thead th.h2');
    const lastOfC = (await page.locator('#grid-table thead th.h2').nth(11).boundingBox())!;
    expect(Math.abs(loader.x - firstOfC.x)).toBeLessThanOrEqual(1);
    expect(Math.abs(loader.x + loader.width - (lastOfC.x + lastOfC.width))).toBeLessThanOrEqual(2);
  });

  it('scrolls only the grid sideways, never the page, and the environment columns stay in view', async () => {
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
    const scroller = grid();
    expect(await scroller.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
    const envCell = page.locator('#grid-table tbody tr:not(.folded)').first().locator('th.e3');
    const before = (await envCell.boundingBox())!;
    await scroller.evaluate((el) => (el.scrollLeft = el.scrollWidth));
    const after = (await envCell.boundingBox())!;
    expect(after.x).toBe(before.x);
    // The leftmost cell still shown is not hidden under the environment columns: it starts at or right of them.
    const cells = await page.locator('#grid-table tbody tr:not(.folded)').first().locator('td').evaluateAll((tds, edge) =>
      tds.map((td) => td.getBoundingClientRect()).filter((r) => r.right > edge + 1).map((r) => r.left), after.x + after.width);
    expect(cells.length).toBeGreaterThan(0);
    // Whatever is drawn right of the environment columns is a whole cell or the part of one not under them.
    const hidden = await page.evaluate(({ x, y }) => document.elementFromPoint(x, y)?.closest('th')?.className ?? '', { x: after.x + after.width / 2, y: after.y + after.height / 2 });
    expect(hidden).toContain('e3');
    // The loader header of the last group is over the last columns, and the environment header stays.
    expect((await box('#grid-table thead th.envh.e3')).x).toBe(before.x);
    await page.screenshot({ path: join(SCREENSHOTS, 'report-wide-scrolled.png') });
    await scroller.evaluate((el) => (el.scrollLeft = 0));
  });

  it('keeps the header rows on top when the tall grid scrolls down', async () => {
    const scroller = grid();
    expect(await scroller.evaluate((el) => el.scrollHeight > el.clientHeight)).toBe(true);
    await scroller.scrollIntoViewIfNeeded();
    const frame = (await scroller.boundingBox())!;
    await scroller.evaluate((el) => (el.scrollTop = el.scrollHeight));
    const header = await box('#grid-table thead th.h0');
    expect(Math.abs(header.y - frame.y)).toBeLessThanOrEqual(1);
    const leaf = await box('#grid-table thead th.h2');
    const lastRow = (await page.locator('#grid-table tbody tr').last().boundingBox())!;
    expect(lastRow.y).toBeGreaterThan(leaf.y + leaf.height - 1); // the last row is below the headers, in view
    expect(lastRow.y + lastRow.height).toBeLessThanOrEqual(frame.y + frame.height + 1);
    // What the header covers is the header itself, not a cell scrolled under it.
    const covering = await page.evaluate(({ x, y }) => document.elementFromPoint(x, y)?.closest('th')?.className ?? '', { x: leaf.x + leaf.width / 2, y: leaf.y + leaf.height / 2 });
    expect(covering).toContain('h2');
    await page.screenshot({ path: join(SCREENSHOTS, 'report-wide-bottom.png') });
    await scroller.evaluate((el) => (el.scrollTop = 0));
  });

  it('states what the mitigations do, and folds the environments with no wheel', async () => {
    const texts = await page.locator('#findings li .text').allTextContents();
    expect(texts).toEqual(results.findings.statements.map((s) => s.text));
    expect(texts.some((t) => t.startsWith('mitigation promote turns every undefined-symbol cell into loaded'))).toBe(true);
    expect(await page.locator('#grid-table tbody tr.folded').count()).toBe(2);
    expect(pageErrors).toEqual([]);
  });
});

/** The row of environment `key` in the drawn grid, and the indexes of the grid cells drawn. */
const drawnCells = (page: Page) => page.locator('#grid-table td.cell').evaluateAll((tds) => tds.map((td) => Number((td as HTMLElement).dataset.cell)));

describe('HTML report in Chromium: a generated run of 5,000 cells (the virtual grid)', () => {
  // Two loaders' columns (39), so that the run has many environments: rows to scroll through.
  const { results } = generateResults(5000, 3, { loaders: ['c', 'node'] });
  const url = writeReport(renderHtml(results));
  const environments = new Map(results.environments.map((env) => [env.key, env]));
  const view = (i: number) => cellView(results.cells[i]!, environments.get(results.cells[i]!.environment)!, results.matrixFile);
  const groups = groupByEnvironment(results);
  const count = () => page.locator('#filters .count').textContent();
  // The last cell the grid draws (in a row that is not folded) and the last environment's row.
  const lastRow = groups.map((group, r) => (group.cells.every((cell) => cell.outcome === 'skipped' && cell.verdict === 'skip') ? -1 : r)).reduce((a, b) => Math.max(a, b));
  const last = results.cells.lastIndexOf(groups[lastRow]!.cells.at(-1)!);
  let page: Page;
  let pageErrors: string[];
  let requests: string[];
  /** The page as a reader opens it: no filter, scrolled to the top. */
  async function reopen(hash = '') {
    await page.goto('about:blank');
    await page.goto(url + hash);
    await page.waitForFunction((text) => document.querySelector('#filters .count')?.textContent === text, `${results.cells.length} of ${results.cells.length} cells shown`);
  }
  beforeAll(async () => {
    ({ page, pageErrors, requests } = await openPage(url));
  });
  beforeEach(() => reopen());

  it('is a large run: many environments, outcomes of every kind', () => {
    expect(results.cells).toHaveLength(5000);
    expect(groups.length).toBeGreaterThan(100);
    expect(new Set(results.cells.map((cell) => cell.outcome)).size).toBeGreaterThanOrEqual(6);
  });

  it('draws only the rows in view: the page holds far fewer grid cells than the run', async () => {
    const drawn = await drawnCells(page);
    expect(drawn.length).toBeGreaterThan(0);
    expect(drawn.length).toBeLessThan(results.cells.length / 3);
    const rows = await page.locator('#grid-table tbody tr:not(.spacer)').count();
    expect(rows).toBeLessThan(groups.length / 3);
    // The rows not drawn still take their room, so the scroll bar is the whole grid's.
    expect(await page.locator('#grid-table tbody tr.spacer').count()).toBe(1);
    const heights = await page.locator('.gridbox > .scroll').evaluate((el) => ({ scroll: el.scrollHeight }));
    expect(heights.scroll).toBeGreaterThan((groups.length - 10) * 28); // every row, at least a folded one's height
    // Assistive technology is told how many rows the grid has, not how many are drawn.
    const headerRows = await page.locator('#grid-table thead tr').count();
    expect(await page.locator('#grid-table').getAttribute('aria-rowcount')).toBe(String(headerRows + groups.length));
    expect(await page.locator('#grid-table tbody tr:not(.spacer)').first().getAttribute('aria-rowindex')).toBe(String(headerRows + 1));
    // What is drawn is the first environments' cells, each in its own row and column.
    expect(await page.locator('#grid-table tbody tr').first().getAttribute('data-row')).toBe('r0');
    expect(drawn).toContain(0);
  });

  it('reveals later rows when the grid scrolls, down to the last environment', async () => {
    const scroller = page.locator('.gridbox > .scroll');
    await scroller.evaluate((el) => (el.scrollTop = el.scrollHeight / 2));
    await expect.poll(async () => (await drawnCells(page)).includes(0)).toBe(false);
    const middle = await drawnCells(page);
    expect(Math.min(...middle)).toBeGreaterThan(0);
    expect(Math.max(...middle)).toBeLessThan(last);
    await scroller.evaluate((el) => (el.scrollTop = el.scrollHeight));
    await expect.poll(async () => (await drawnCells(page)).includes(last)).toBe(true);
    // The last row is in view, below the sticky header, and is the last environment's.
    const row = page.locator('#grid-table tbody tr:not(.spacer)').last();
    expect(await row.getAttribute('data-row')).toBe(`r${groups.length - 1}`);
    expect(await row.getAttribute('aria-rowindex')).toBe(String((await page.locator('#grid-table thead tr').count()) + groups.length));
    const frame = (await scroller.boundingBox())!;
    const box = (await row.boundingBox())!;
    expect(box.y + box.height).toBeLessThanOrEqual(frame.y + frame.height + 1);
    expect(await page.locator(`td.cell[data-cell="${last}"]`).isVisible()).toBe(true);
    await scroller.evaluate((el) => (el.scrollTop = 0));
    await expect.poll(async () => (await drawnCells(page)).includes(0)).toBe(true);
  });

  it('filters all 5,000 cells, not just the drawn ones: counts, rows and the cells shown', async () => {
    const outcome = 'undefined-symbol';
    const matching = results.cells.flatMap((cell, i) => (cell.outcome === outcome ? [i] : []));
    await page.selectOption('select[data-filter="outcome"]', outcome);
    await expect.poll(count).toBe(`${matching.length} of ${results.cells.length} cells shown`);
    expect(new URL(page.url()).hash).toBe(`#outcome=${outcome}`);
    // Every drawn cell that is visible matches; rows without a match are gone.
    const visible = await page.locator('#grid-table td.cell:visible').evaluateAll((tds) => tds.map((td) => Number((td as HTMLElement).dataset.cell)));
    expect(visible.length).toBeGreaterThan(0);
    for (const i of visible) expect(results.cells[i]!.outcome).toBe(outcome);
    const withMatches = groups.filter((group) => group.cells.some((cell) => cell.outcome === outcome)).map((group) => group.environment.distro);
    const firstRows = await page.locator('#grid-table tbody tr:not(.spacer) th.e1').allTextContents();
    expect(firstRows).toEqual(withMatches.slice(0, firstRows.length));
    // A narrower filter: one distro's failures.
    const distro = results.cells.find((cell) => cell.verdict === 'fail')!.axes.distro;
    const failed = results.cells.filter((cell) => cell.verdict === 'fail' && cell.axes.distro === distro);
    await page.selectOption('select[data-filter="outcome"]', '');
    await page.selectOption('select[data-filter="verdict"]', 'fail');
    await page.selectOption('select[data-filter="distro"]', distro);
    await expect.poll(count).toBe(`${failed.length} of ${results.cells.length} cells shown`);
    await page.click('#filters .reset');
    await expect.poll(count).toBe(`${results.cells.length} of ${results.cells.length} cells shown`);
    expect(new URL(page.url()).hash).toBe('');
    // A filter in a shared link applies on load.
    await page.goto('about:blank');
    await page.goto(`${url}#outcome=${outcome}`);
    await expect.poll(count).toBe(`${matching.length} of ${results.cells.length} cells shown`);
  });

  it('searches every cell\'s detail text, inflating the details it needs', async () => {
    // A crash's fault report names a thread address no other cell prints.
    const crash = results.cells.findIndex((cell) => cell.outcome === 'crash');
    const address = /Current thread (0x[0-9a-f]+)/.exec(results.cells[crash]!.output.stderr)![1]!;
    await page.fill('input[data-filter="q"]', address);
    await expect.poll(count).toBe(`1 of ${results.cells.length} cells shown`);
    // A symbol: every cell whose detail shows it, however it shows it.
    const symbol = 'PyExc_RecursionError';
    const matching = results.cells.filter((_, i) => DETAIL_FIELDS.some((name) => view(i)[name]?.toLowerCase().includes(symbol.toLowerCase())));
    expect(matching.length).toBeGreaterThan(10);
    await page.fill('input[data-filter="q"]', symbol.toLowerCase());
    await expect.poll(count).toBe(`${matching.length} of ${results.cells.length} cells shown`);
  });

  it('opens a cell of a late chunk with its own detail, decoded on demand', async () => {
    const scroller = page.locator('.gridbox > .scroll');
    await scroller.evaluate((el) => (el.scrollTop = el.scrollHeight));
    const i = last;
    expect(i).toBeGreaterThanOrEqual(4000); // in the last chunk
    await expect.poll(async () => (await drawnCells(page)).includes(i)).toBe(true);
    await page.locator(`td.cell[data-cell="${i}"] a`).click();
    const dialog = page.locator('dialog#cell-dialog');
    await expect.poll(() => dialog.isVisible()).toBe(true);
    const expected = view(i);
    expect(await dialog.locator('code.rerun').textContent()).toBe(expected.rerun);
    expect(await dialog.locator('dd.expect').textContent()).toBe(expected.expected);
    expect(await dialog.locator('.where').textContent()).toBe(`${expected.environment} — ${expected.cell}`);
    const outputs = await dialog.locator('details.out pre').allTextContents();
    expect(outputs).toContain(expected.stdout);
    if (expected.decoded) expect(outputs).toContain(expected.decoded);
    // Hovering a grid cell gives it its tooltip from the same detail.
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.isVisible()).toBe(false);
    await page.locator(`td.cell[data-cell="${i}"] a`).hover();
    await expect.poll(() => page.locator(`td.cell[data-cell="${i}"] a`).getAttribute('title')).toBe(cellTitle(expected));
  });

  it('opens a cell from the keyboard and from a #cell-N link, and closes with Escape', async () => {
    const link = page.locator('#grid-table td.cell a').first();
    const i = Number(await link.getAttribute('data-open'));
    await link.focus();
    await page.keyboard.press('Enter');
    const dialog = page.locator('dialog#cell-dialog');
    await expect.poll(() => dialog.isVisible()).toBe(true);
    expect(await dialog.locator('dl.facts code').last().textContent()).toBe(view(i).id);
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.isVisible()).toBe(false);
    const deep = results.cells.length - 1;
    await page.goto('about:blank');
    await page.goto(`${url}#cell-${deep}`);
    await expect.poll(() => dialog.isVisible()).toBe(true);
    expect(await dialog.locator('code.rerun').textContent()).toBe(view(deep).rerun);
    await dialog.locator('button.close').click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
  });

  it('ran without script errors and fetched nothing', () => {
    expect(pageErrors).toEqual([]);
    expect(requests.filter((request) => !request.startsWith('file:') && !request.startsWith('data:'))).toEqual([]);
  });
});
