// The HTML report in a real headless Chromium, opened from disk as a maintainer opens a CI
// artifact: the grid matches the data, a cell opens its detail, filters live in the URL hash and
// survive a reload, captured `<script>` never runs, nothing is fetched, and the page works with
// JavaScript off. Expectations are derived from the fixture, so a real results.json can replace it.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffResults, type ResultsDiff } from '../results/diff.ts';
import { readResultsFile } from '../results/results-file.ts';
import type { CellResult, RunResults } from '../results/types.ts';
import { groupByEnvironment } from './environments.ts';
import { renderHtml } from './html-writer.ts';
import { extraAxisNames } from './labels.ts';
import { rerunCommand } from './rerun.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = resolve(import.meta.dirname, '../../reports/screenshots');
const XSS = '<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">\x1b[31mred\x1b[0m';

/** The real results plus hostile output in one cell, and a baseline in which that cell loaded. */
function prepare(): { results: RunResults; diff: ResultsDiff; target: CellResult } {
  const results = readResultsFile(join(import.meta.dirname, 'fixtures', 'results.real.json'));
  const target = results.cells.find((cell) => cell.verdict === 'fail') ?? results.cells[0]!;
  target.output = { stdout: `${target.output.stdout}${XSS}\n`, stderr: `${target.output.stderr}${XSS}\n` };
  target.reason = `${target.reason ?? ''} ${XSS}`;
  const baseline = structuredClone(results);
  const before = baseline.cells.find((cell) => cell.id === target.id)!;
  Object.assign(before, { outcome: 'loaded', verdict: 'pass' });
  return { results, diff: diffResults(baseline, results), target };
}

describe('HTML report in Chromium', () => {
  const { results, diff, target } = prepare();
  const targetIndex = results.cells.indexOf(target);
  const dir = mkdtempSync(join(tmpdir(), 'dlmatrix-html-'));
  const url = pathToFileURL(join(dir, 'index.html')).href;
  writeFileSync(join(dir, 'index.html'), renderHtml(results, diff));

  let browser: Browser;
  let page: Page;
  const requests: string[] = [];
  const pageErrors: string[] = [];
  const dialogs: string[] = [];

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    try {
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    } catch (err) {
      throw new Error(`cannot start Chromium at ${CHROMIUM} (set CHROMIUM_PATH; Debian: apt-get install chromium): ${(err as Error).message}`);
    }
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    page.on('request', (request) => requests.push(request.url()));
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.goto(url);
  });

  afterAll(async () => {
    await browser?.close();
  });

  const visibleCells = () => page.locator('td.cell:visible').count();
  const hash = () => new URL(page.url()).hash;

  it('shows a grid with one row per environment and one column per loader x flags', async () => {
    const environments = groupByEnvironment(results).length;
    const columns = new Set(results.cells.map((cell) => JSON.stringify([cell.axes.loader, cell.axes.flags, ...extraAxisNames(cell.axes).map((a) => cell.axes[a])])));
    const loaders = new Set(results.cells.map((cell) => cell.axes.loader));
    expect(await page.locator('#grid-table tbody tr').count()).toBe(environments);
    expect(await page.locator('#grid-table thead th.flags').count()).toBe(columns.size);
    expect(await page.locator('#grid-table thead th.loader').count()).toBe(loaders.size);
    expect(await page.locator('#grid-table tbody tr').first().locator('td').count()).toBe(columns.size);
    expect(await page.locator('td.cell').count()).toBe(results.cells.length);
    expect(await visibleCells()).toBe(results.cells.length);
    expect(await page.locator('td.cell.v-fail').count()).toBe(results.summary.failed);
    expect(await page.locator('td.cell.regressed .reg').count()).toBe(diff.counts.regression);
    expect(await page.locator('#filters .count').textContent()).toBe(`${results.cells.length} of ${results.cells.length} cells shown`);
  });

  it('puts the broken cells first, with the run summary', async () => {
    await page.screenshot({ path: join(SCREENSHOTS, 'report.png') });
    const failed = results.cells.filter((cell) => cell.verdict === 'fail');
    if (failed.length > 0) {
      await expect.poll(() => page.locator('#problems').isVisible()).toBe(true);
      expect(await page.locator('#problems tr.problem').count()).toBe(failed.length + results.summary.flaky);
      const box = (await page.locator('#problems').boundingBox())!;
      expect(box.y).toBeLessThan(1000); // in the first screenful
    }
    expect(await page.locator('.card[data-count="cells"] .n').textContent()).toBe(String(results.summary.total));
    expect(await page.locator('.card[data-count="failed"] .n').textContent()).toBe(String(results.summary.failed));
  });

  it('opens a cell detail with expected vs actual and the rerun command', async () => {
    await page.locator(`td.cell[data-cell="${targetIndex}"] a`).click();
    const dialog = page.locator('dialog#cell-dialog');
    await expect.poll(() => dialog.isVisible()).toBe(true);
    const facts = dialog.locator('dl.facts');
    expect(await facts.locator('dd.expect').textContent()).toBe(target.expected.join(' or '));
    expect(await facts.locator('dd.actual').textContent()).toContain(target.outcome);
    expect(await dialog.locator('code.rerun').textContent()).toBe(rerunCommand(results.matrixFile, target.id));
    // Captured markup is shown as text, escape sequences stripped.
    const stdout = (await dialog.locator('details.out pre').allTextContents()).join('\n');
    expect(stdout).toContain('<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">red');
    expect(stdout).not.toContain('\x1b');
    await page.screenshot({ path: join(SCREENSHOTS, 'report-detail.png') });
    await dialog.locator('button.close').click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
  });

  it('never runs a script from captured output', async () => {
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.locator('#details img, dialog img').count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('filters by outcome, hiding other cells and keeping the state in the URL hash', async () => {
    const outcome = target.outcome;
    const matching = results.cells.filter((cell) => cell.outcome === outcome);
    await page.selectOption('select[data-filter="outcome"]', outcome);
    await expect.poll(visibleCells).toBe(matching.length);
    expect(hash()).toBe(`#outcome=${encodeURIComponent(outcome)}`);
    expect(await page.locator(`td.cell[data-cell="${targetIndex}"]`).isVisible()).toBe(true);
    const other = results.cells.findIndex((cell) => cell.outcome !== outcome);
    if (other >= 0) expect(await page.locator(`td.cell[data-cell="${other}"]`).isVisible()).toBe(false);
    expect(await page.locator('article.detail:visible').count()).toBe(matching.length);
    expect(await page.locator('#filters .count').textContent()).toBe(`${matching.length} of ${results.cells.length} cells shown`);
    await page.click('#filters .reset');
    await expect.poll(visibleCells).toBe(results.cells.length);
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
    const rows = new Set(groupByEnvironment(results).filter((group) => group.cells.some((cell) => matching.includes(cell))).map((g) => g.environment.key));
    expect(await page.locator('#grid-table tbody tr:visible').count()).toBe(rows.size);
    await page.screenshot({ path: join(SCREENSHOTS, 'report-filtered.png') });
  });

  it('fetched nothing but the file itself', () => {
    expect(requests.filter((request) => !request.startsWith('file:') && !request.startsWith('data:'))).toEqual([]);
  });

  it('works without JavaScript: grid rendered, cells link to their detail section', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1440, height: 900 } });
    const noJs = await context.newPage();
    await noJs.goto(url);
    expect(await noJs.locator('td.cell:visible').count()).toBe(results.cells.length);
    expect(await noJs.locator('#filters').isVisible()).toBe(false);
    await noJs.locator(`td.cell[data-cell="${targetIndex}"] a`).click();
    expect(new URL(noJs.url()).hash).toBe(`#cell-${targetIndex}`);
    const detail = noJs.locator(`#cell-${targetIndex}`);
    expect(await detail.isVisible()).toBe(true);
    const box = (await detail.boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y).toBeLessThan(900);
    expect(await detail.locator('code.rerun').textContent()).toBe(rerunCommand(results.matrixFile, target.id));
    await context.close();
  });
});
