// The reports at scale, a section of scripts/bench.mjs (`npm run bench -- --report-scale N` runs
// only this): generates a realistic finished run of N cells (scripts/generate-results.mjs), writes
// index.html through the real HTML reporter, opens it from disk in headless Chromium and measures
// what a reader waits for; then times `dlmatrix report DIR` on the same run's journal and
// `dlmatrix merge DIR` on its results.json, with their peak memory. Prints figures, never pass/fail: they depend on the machine.
//   size            index.html in MB;
//   first view      from navigation start until the summary, findings and failures are shown and
//                   the page answers (its script has started: the filter count is written, and a
//                   round trip to the page's main thread returns);
//   filter          from choosing a value (or typing a search) until the next frame is painted;
//   open a cell     from the click until its detail (decoded on demand) is in the dialog.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { HtmlReporter } from '../harness/report/html-reporter.ts';
import { generateResults, writeGeneratedRun } from './generate-results.mjs';

const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'bin', 'dlmatrix.mjs');
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];
const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;
const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;
const since = (start) => Number(process.hrtime.bigint() - start) / 1e6;

/** Peak RSS of a child process (its worker threads included), written by its main thread at exit (no /usr/bin/time needed). */
const PEAK_RSS_HOOK = `data:text/javascript,${encodeURIComponent(
  "import { writeSync } from 'node:fs'; import { isMainThread } from 'node:worker_threads'; if (isMainThread) process.on('exit', () => { try { writeSync(3, String(process.resourceUsage().maxRSS)); } catch {} });",
)}`;

/** Waits for `predicate` in the page, then for one round trip to its main thread; ms since `start`. */
async function until(page, start, predicate, timeout) {
  await page.waitForFunction(predicate, undefined, { timeout, polling: 50 });
  await page.evaluate(() => 1);
  return since(start);
}

/** In the page: change a filter control and wait until the frame after it is painted. */
async function filterMs(page, selector, value) {
  return page.evaluate(
    async ({ selector, value }) => {
      const control = document.querySelector(selector);
      const t0 = performance.now();
      control.value = value;
      control.dispatchEvent(new Event(control instanceof HTMLSelectElement ? 'change' : 'input', { bubbles: true }));
      // The count may be written asynchronously (a search decodes the outputs first).
      const countText = () => document.querySelector('#filters .count')?.textContent ?? '';
      const before = countText();
      for (let i = 0; i < 2000 && document.documentElement.dataset.filtering === 'busy'; i++) await new Promise((r) => setTimeout(r, 5));
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      return { ms: performance.now() - t0, count: countText() || before };
    },
    { selector, value },
  );
}

async function measurePage(file, timeoutMs) {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const start = process.hrtime.bigint();
    try {
      await page.goto(pathToFileURL(file).href, { waitUntil: 'commit', timeout: timeoutMs });
      const firstView = await until(page, start, () => Boolean(document.querySelector('#filters .count')?.textContent), timeoutMs);
      const nav = await page.evaluate(() => performance.getEntriesByType('navigation')[0]?.toJSON());
      const dom = await page.evaluate(() => document.getElementsByTagName('*').length);
      const heap = await page.evaluate(() => performance.memory?.usedJSHeapSize ?? 0);
      const outcome = await filterMs(page, 'select[data-filter="outcome"]', 'undefined-symbol');
      const reset = await filterMs(page, 'select[data-filter="outcome"]', '');
      const search = await filterMs(page, 'input[data-filter="q"]', 'PyExc_RecursionError');
      const cleared = await filterMs(page, 'input[data-filter="q"]', '');
      const link = page.locator('td.cell a').first();
      const openStart = process.hrtime.bigint();
      await link.click({ timeout: timeoutMs });
      await page.locator('dialog#cell-dialog dl.facts').waitFor({ timeout: timeoutMs });
      const open = since(openStart);
      return { firstView, domContentLoaded: nav?.domContentLoadedEventEnd, dom, heap, outcome, reset, search, cleared, open, errors };
    } catch (error) {
      return { failed: `${error.message.split('\n')[0]} (after ${seconds(since(start))})`, errors };
    }
  } finally {
    await browser.close();
  }
}

/** `dlmatrix report DIR --out OUT` (or `merge`): wall time, exit code and peak RSS of the process. */
function reportCommand(dir, command = 'report') {
  const out = mkdtempSync(join(tmpdir(), 'dlmatrix-report-scale-out-'));
  const start = process.hrtime.bigint();
  const run = spawnSync('node', ['--import', PEAK_RSS_HOOK, CLI, 'report', dir, '--out', out, '--reporter', 'json,junit,html'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    env: { ...process.env, CI: 'true' },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const ms = since(start);
  const peakKb = Number(run.output[3] || 0);
  const files = readdirSync(out).filter((name) => statSync(join(out, name)).isFile()).map((name) => `${name} ${mb(statSync(join(out, name)).size)}`);
  rmSync(out, { recursive: true, force: true });
  return { ms, status: run.status, peakKb, files, stderr: (run.stderr ?? '').trim().split('\n').slice(-2).join(' | ') };
}

export async function reportScale(cells, { line, timeoutMs = 300_000 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'dlmatrix-report-scale-'));
  let start = process.hrtime.bigint();
  const run = generateResults(cells, 1);
  writeGeneratedRun(run, dir);
  const { summary } = run.results;
  line(`report ${cells}: generated`, `${seconds(since(start))}  ${summary.total} cells, ${run.results.environments.length} environments, ${summary.failed} failed, ${summary.skipped} skipped; results.json ${mb(statSync(join(dir, 'results.json')).size)}`);

  const file = join(dir, 'index.html');
  start = process.hrtime.bigint();
  await new HtmlReporter(file).onEnd(run.results);
  const writeMs = since(start);
  const size = statSync(file).size;
  line(`report ${cells}: index.html`, `${mb(size)} (target <= 20 MB: ${(size / 20e6).toFixed(2)}x), written in ${seconds(writeMs)}`);

  const page = await measurePage(file, timeoutMs);
  if (page.failed) line(`report ${cells}: in Chromium`, `not interactive: ${page.failed}`);
  else {
    line(`report ${cells}: first view interactive`, `${seconds(page.firstView)} (target < 3 s: ${(page.firstView / 3000).toFixed(2)}x); DOMContentLoaded ${seconds(page.domContentLoaded ?? 0)}; ${page.dom} elements; JS heap ${mb(page.heap)}`);
    line(`report ${cells}: filter outcome`, `${seconds(page.outcome.ms)} (target < 1 s: ${(page.outcome.ms / 1000).toFixed(2)}x) -> ${page.outcome.count}; reset ${seconds(page.reset.ms)}`);
    line(`report ${cells}: filter search text`, `${seconds(page.search.ms)} -> ${page.search.count}; cleared ${seconds(page.cleared.ms)}`);
    line(`report ${cells}: open a cell`, seconds(page.open));
  }
  if (page.errors.length) line(`report ${cells}: page errors`, page.errors.join(' | '));

  const report = reportCommand(dir);
  line(`report ${cells}: dlmatrix report DIR`, `${seconds(report.ms)} exit ${report.status}, peak RSS ${mb(report.peakKb * 1024)} (targets < 30 s, <= 500 MB: ${(report.ms / 30000).toFixed(2)}x, ${((report.peakKb * 1024) / 500e6).toFixed(2)}x)`);
  line(`report ${cells}: files written`, report.files.join(', ') || `none (${report.stderr})`);
  const merge = reportCommand(dir, 'merge');
  line(`report ${cells}: dlmatrix merge DIR`, `${seconds(merge.ms)} exit ${merge.status}, peak RSS ${mb(merge.peakKb * 1024)} (targets < 30 s, <= 500 MB: ${(merge.ms / 30000).toFixed(2)}x, ${((merge.peakKb * 1024) / 500e6).toFixed(2)}x)`);
  // Hundreds of MB at 100,000 cells: nothing is left behind.
  rmSync(dir, { recursive: true, force: true });
}
