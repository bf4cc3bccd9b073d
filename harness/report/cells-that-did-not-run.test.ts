// Cells that never ran (build errors and skips the user expected; cells a killed run or a missing
// shard never ran) are counted apart in every report, and the same way: the terminal, results.json's
// summary, JUnit, CTRF, the GitHub job summary and index.html agree, and none of them shows a run
// in which nothing ran as green.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { stoppedBeforeRun } from '../results/not-run.ts';
import type { CellResult, RunResults } from '../results/run-results.ts';
import { makeCell, makeResults } from '../test-support/make-results.ts';
import { renderCtrf } from './ctrf-writer.ts';
import { renderJobSummary } from './github-summary.ts';
import { renderHtml } from './html-writer.ts';
import { renderJUnit } from './junit-writer.ts';
import { endOfRun, painter } from './terminal-lines.ts';

const xpath = (xml: string, expression: string) => execFileSync('xmllint', ['--xpath', expression, '-'], { input: xml, encoding: 'utf8' }).trim();

const ran = (i: number) => makeCell({ axes: { loader: `host${i}` } });
/** What PyO3#4000's run had: build errors and no-wheel skips, both expected by the matrix. */
const expectedBuildError = (i: number) =>
  makeCell({ axes: { distro: 'bullseye', loader: `host${i}` }, outcome: 'build-error', reason: 'error: feature `edition2024` is required', expected: ['build-error'], verdict: 'pass', attempts: 0 });
const expectedSkip = (i: number) =>
  makeCell({ axes: { distro: 'forky', numpy: '1.26.4', loader: `host${i}` }, outcome: 'skipped', reason: 'no NumPy 1.26.4 wheel for Python 3.13', expected: ['skipped'], verdict: 'pass', attempts: 0 });

function everyReport(results: RunResults) {
  const ctrf = JSON.parse([...renderCtrf(results)].join(''));
  return {
    terminal: endOfRun(results, painter(false), undefined, false),
    junit: [...renderJUnit(results)].join(''),
    ctrf: { summary: ctrf.results.summary, statuses: ctrf.results.tests.map((t: { status: string }) => t.status), healthy: ctrf.results.environment.healthy },
    github: renderJobSummary(results),
    html: renderHtml(results),
  };
}

describe('cells that did not run, in every report', () => {
  const cells: CellResult[] = [...Array.from({ length: 36 }, (_, i) => ran(i)), ...Array.from({ length: 9 }, (_, i) => expectedBuildError(i)), ...Array.from({ length: 9 }, (_, i) => expectedSkip(i))];
  const results = makeResults(cells);

  it('counts cells expected not to run apart from the ones that passed', () => {
    expect(results.summary).toMatchObject({ total: 54, passed: 36, expectedNotRun: 18, failed: 0, skipped: 0 });
    const r = everyReport(results);
    expect(r.terminal).toContain('54 cells: 36 passed, 18 expected not to run, 0 failed, 0 flaky, 0 skipped');
    expect(xpath(r.junit, 'count(//testcase[not(failure|error|skipped|flakyFailure)])')).toBe('36');
    expect(xpath(r.junit, 'count(//testcase/skipped[starts-with(@message, "expected not to run: ")])')).toBe('18');
    expect(xpath(r.junit, 'string(//testcase/skipped/@message)')).toBe('expected not to run: build-error: error: feature `edition2024` is required');
    expect(xpath(r.junit, 'sum(//testsuite/@skipped)')).toBe('18');
    expect(r.ctrf.summary).toMatchObject({ tests: 54, passed: 36, skipped: 18, failed: 0 });
    expect(r.ctrf.statuses.filter((s: string) => s === 'skipped')).toHaveLength(18);
    expect(r.github.split('\n')[0]).toBe('## ✅ dlmatrix: all 36 cells that ran met their expectations');
    expect(r.github).toContain('54 cells: 36 passed, 18 expected not to run, 0 failed, 0 flaky, 0 skipped');
    expect(r.html).toContain('<span class="status pass">✓ all 36 cells that ran met their expectations</span>');
    expect(r.html).toMatch(/<div class="card[^"]*" data-count="expected not to run"><div class="n">18<\/div>/);
  });

  it('never shows a run in which nothing ran as green', () => {
    const none = makeResults([expectedBuildError(1), expectedSkip(2), makeCell({ outcome: 'skipped', verdict: 'skip', reason: 'no such Python' })]);
    const r = everyReport(none);
    expect(r.terminal).toContain('warning: no cell ran (2 expected not to run, 1 skipped): nothing was tested');
    expect(r.github.split('\n')[0]).toBe('## ⚠️ dlmatrix: no cell ran (2 expected not to run, 1 skipped): nothing was tested');
    expect(r.html).not.toContain('class="status pass"');
    expect(r.html).not.toContain('class="banner ok"');
    expect(r.html).toContain('<span class="status warn">no cell ran (2 expected not to run, 1 skipped): nothing was tested</span>');
    expect(r.html).not.toMatch(/<title>✓/);
  });

  it('counts cells that should have run and did not as failures in every report (a killed run, a missing shard)', () => {
    const killed = makeResults([ran(1), ran(2), ...[3, 4, 5].map((i) => stoppedBeforeRun(ran(i), 'not run: the run ended before this cell finished'))], { interrupted: true });
    expect(killed.summary).toMatchObject({ total: 5, passed: 2, notRun: 3, failed: 0, skipped: 0 });
    const r = everyReport(killed);
    expect(r.terminal).toContain('5 cells: 2 passed, 0 failed, 3 not run, 0 flaky, 0 skipped');
    expect(xpath(r.junit, 'string(/testsuites/@errors)')).toBe('3');
    expect(xpath(r.junit, 'count(//testcase/skipped)')).toBe('0');
    expect(r.ctrf.summary).toMatchObject({ passed: 2, failed: 3, skipped: 0 });
    expect(r.ctrf.healthy).toBe(false);
    expect(r.github.split('\n')[0]).toBe('## ❌ dlmatrix: 3 of 5 cells did not run');
    expect(r.html).toContain('<span class="status fail">✗ 3 of 5 cells did not run</span>');
  });
});
