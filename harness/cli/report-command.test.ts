// `dlmatrix report DIR` without Docker: a journal turned into reports, a damaged journal refused
// with exit 2 naming the line, and a full disk reported with exit 4 and only the files written.
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { headerOf } from '../results/assemble.ts';
import { JOURNAL_FILE } from '../results/journal.ts';
import { JournalReporter } from '../report/journal-reporter.ts';
import { captureOutput } from '../test-support/capture-output.ts';
import { makeCell, makeResults } from '../test-support/make-results.ts';
import { runCli } from '../test-support/run-cli.ts';
import { fill, smallFilesystem } from '../test-support/small-filesystem.ts';
import { main } from './main.ts';

const output = captureOutput();
beforeEach(() => vi.stubEnv('CI', 'true'));
afterEach(() => vi.unstubAllEnvs());

const cells = Array.from({ length: 40 }, (_, i) => makeCell({ axes: { loader: `host${i}` }, output: { stdout: 'x'.repeat(2000), stderr: '' } }));

function killedRun(finished: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'dlmatrix-report-'));
  const planned = cells.map(({ id, axes, environment, expected }) => ({ id, axes, environment, expected }));
  const journal = new JournalReporter(join(dir, JOURNAL_FILE), headerOf(makeResults(cells)), planned);
  journal.onBegin();
  for (const cell of cells.slice(0, finished)) journal.onCellEnd(cell);
  journal.close();
  return dir;
}

describe('dlmatrix report', () => {
  it("runs from the command line with its heap bounded by its input, and says so plainly when the bound is too small", async () => {
    const dir = killedRun(30);
    const bounded = await runCli(['report', dir]);
    expect(bounded.code, bounded.stderr).toBe(1);
    expect(bounded.stderr).toContain(`recovered 30 finished cells of an interrupted run; 10 not run; reports in ${dir}: index.html, junit.xml, results.json`);
    const tooSmall = await runCli(['report', dir, '--out', join(dir, 'again')], { env: { DLMATRIX_HEAP_MB: '8' } });
    expect(tooSmall.code).toBe(4);
    expect(tooSmall.stderr).toContain('dlmatrix report: ran out of its memory bound (8 MB of heap); run it again with DLMATRIX_HEAP_MB set higher');
    const typo = await runCli(['report', dir, '--out', join(dir, 'typo')], { env: { DLMATRIX_HEAP_MB: '1g' } });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('DLMATRIX_HEAP_MB must be a whole number of megabytes (e.g. 1024), not "1g"');
  });

  it('writes the reports of a killed run, red: its unfinished cells should have run', async () => {
    const dir = killedRun(30);
    expect(await main(['report', dir])).toBe(1);
    expect(output.stderr).toContain(`recovered 30 finished cells of an interrupted run; 10 not run; reports in ${dir}: index.html, junit.xml, results.json`);
    expect(readdirSync(dir).sort()).toEqual(['index.html', 'junit.xml', 'results.json', JOURNAL_FILE].sort());
  });

  it.each([
    ['an empty file', '', /empty journal/],
    ['binary', Buffer.from([0, 1, 2, 0xff, 10]), /:1: not a dlmatrix journal \(its first line is not JSON\)/],
    ['a null line', 'null\n', /:1: not a dlmatrix journal .*got null/],
    ['a cell line first', '{"type":"cell"}\n', /:1: not a dlmatrix journal \(its first line must be a "begin" record; cell must be an object\)/],
    ['a cut begin line', '{"type":"begin","header":{"schemaVer', /:1: the journal's "begin" record is cut short/],
    ['"planned" that is not a list', '{"type":"begin","header":{},"planned":"abc"}\n', /:1: .*"planned" is not a list of cells/],
  ])('refuses %s with exit 2, naming the line, and writes nothing', async (_, content, message) => {
    const dir = mkdtempSync(join(tmpdir(), 'dlmatrix-report-'));
    writeFileSync(join(dir, JOURNAL_FILE), content);
    expect(await main(['report', dir])).toBe(2);
    expect(output.stderr).toMatch(message);
    expect(output.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(readdirSync(dir)).toEqual([JOURNAL_FILE]);
  });

  it('on a full disk exits 4, says which file and why, and lists only the files it wrote', async () => {
    const dir = killedRun(40);
    const full = smallFilesystem('512k');
    mkdirSync(join(full, 'reports'));
    // Room for results.json (written first), not for the other reports.
    fill(full, 140 * 1024);
    expect(await main(['report', dir, '--out', join(full, 'reports')])).toBe(4);
    expect(output.stderr).toMatch(/the junit report could not be written: cannot write .*junit\.xml: no space left on the device \(ENOSPC\)/);
    expect(output.stderr).toContain(`reports in ${join(full, 'reports')}: results.json\n`);
    expect(readdirSync(join(full, 'reports'))).toEqual(['results.json']);
  });
});

describe('dlmatrix report on a journal bigger than one string can hold', () => {
  it('reads 560 cells that printed 1.1 MB each (620 MB, as a run before output was kept short left it), and writes every report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dlmatrix-huge-'));
    try {
      const flood = makeCell({ output: { stdout: `${'x'.repeat(1_100_000)}\n@@dlmatrix {"stage":"probe"}\n`, stderr: '' } });
      const huge = Array.from({ length: 560 }, (_, i) => ({ ...flood, id: `${flood.id}/${i}`, axes: { ...flood.axes, wait: String(i) } }));
      const planned = huge.map(({ id, axes, environment, expected }) => ({ id, axes, environment, expected }));
      const fd = openSync(join(dir, JOURNAL_FILE), 'w');
      writeSync(fd, `${JSON.stringify({ type: 'begin', header: headerOf(makeResults([flood])), planned })}\n`);
      for (const cell of huge) writeSync(fd, `${JSON.stringify({ type: 'cell', cell })}\n`);
      closeSync(fd);
      expect(statSync(join(dir, JOURNAL_FILE)).size).toBeGreaterThan(0x1fffffe8); // more than V8's longest string
      expect(await main(['report', dir])).toBe(1); // killed before its end: red
      expect(output.stderr).toContain('recovered 560 finished cells of an interrupted run; 0 not run');
      const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
      expect(results.cells).toHaveLength(560);
      // Each output kept to its head and tail: the result line at its end survives.
      expect(results.cells[0].output.stdout).toMatch(/^x+\n\[dlmatrix: \d+ characters of output left out here\]\nx+\n@@dlmatrix \{"stage":"probe"\}\n$/);
      expect(statSync(join(dir, 'results.json')).size).toBeLessThan(60_000_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
