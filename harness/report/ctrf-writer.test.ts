// ctrf.json against the CTRF JSON schema (fixtures/ctrf.schema.json, from ctrf-io/ctrf, MIT), on
// the real default-matrix results, on the sample with failures and a flaky cell, and on hostile
// output; and what each cell's verdict becomes.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { readResultsFile } from '../results/results-file.ts';
import type { RunResults } from '../results/run-results.ts';
import { makeCell, makeResults } from '../test-support/make-results.ts';
import { CtrfReporter } from './ctrf-reporter.ts';
import { renderCtrf } from './ctrf-writer.ts';

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats.default(ajv);
const validate = ajv.compile(JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'ctrf.schema.json'), 'utf8')));
const problems = (report: unknown) => (validate(report) ? [] : validate.errors!.map((e) => `${e.instancePath} ${e.message}`));
const fixture = (name: string) => readResultsFile(join(import.meta.dirname, 'fixtures', name));

interface CtrfTest {
  testId: string;
  name: string;
  status: string;
  duration: number;
  suite: string[];
  labels: Record<string, string>;
  message?: string;
  flaky?: boolean;
  retries?: number;
  retryAttempts?: { attempt: number; status: string; message?: string }[];
  stdout?: string[];
  extra: Record<string, unknown>;
}
const text = (results: RunResults) => [...renderCtrf(results)].join('');
const ctrf = (results: RunResults) => JSON.parse(text(results));
const testsOf = (results: RunResults): CtrfTest[] => ctrf(results).results.tests;

describe('ctrf.json', () => {
  it('is written a test at a time, laid out as one JSON.stringify would, also with no cells', () => {
    for (const results of [fixture('results.sample.json'), makeResults([])]) {
      const pieces = [...renderCtrf(results)];
      expect(pieces.length).toBe(results.cells.length === 0 ? 3 : results.cells.length + 4);
      const joined = pieces.join('');
      expect(joined).toBe(`${JSON.stringify(JSON.parse(joined), null, 2)}\n`);
    }
  });

  it.each(['results.real.json', 'results.sample.json'])('is valid CTRF for %s, one test per cell, counts matching the summary', (name) => {
    const results = fixture(name);
    const report = ctrf(results);
    expect(problems(report)).toEqual([]);
    expect(report.results.tool).toEqual({ name: 'dlmatrix', version: results.tool.version });
    expect(report.results.tests).toHaveLength(results.cells.length);
    const s = results.summary;
    expect(report.results.summary).toMatchObject({ tests: s.total, passed: s.passed + s.flaky, failed: s.failed, skipped: s.skipped, flaky: s.flaky, pending: 0, other: 0 });
    expect(report.results.summary.stop - report.results.summary.start).toBe(results.durationMs);
    expect(report.results.extra.findings).toEqual(results.findings);
  });

  it('maps verdicts to statuses, axes to labels, and keeps a flaky cell passed with its failed attempts', () => {
    const results = fixture('results.sample.json');
    const tests = testsOf(results);
    results.cells.forEach((cell, i) => {
      const t = tests[i]!;
      expect(t.testId).toBe(cell.id);
      expect(t.status).toBe({ pass: 'passed', flaky: 'passed', fail: 'failed', skip: 'skipped' }[cell.verdict]);
      expect(t.labels).toEqual(cell.axes);
      expect(t.duration).toBe(Math.round(cell.durationMs));
      expect(t.suite).toEqual([cell.axes.distro, `python ${cell.axes.python}`, `numpy ${cell.axes.numpy}`]);
      expect(t.extra.outcome).toBe(cell.outcome);
    });
    const flaky = tests[results.cells.findIndex((cell) => cell.verdict === 'flaky')]!;
    expect(flaky.flaky).toBe(true);
    expect(flaky.retries).toBe(1);
    expect(flaky.retryAttempts?.map((a) => [a.attempt, a.status])).toEqual([[1, 'failed'], [2, 'passed']]);
    const failed = results.cells.find((cell) => cell.outcome === 'crash')!;
    expect(tests.find((t) => t.testId === failed.id)!.message).toBe(`expected ${failed.expected.join(' or ')}, got crash ${failed.signal}`);
  });

  it('names the failed attempts of a flaky cell and stays valid with hostile output', () => {
    const cell = makeCell({
      verdict: 'flaky',
      attempts: 3,
      durationMs: 1234.6,
      previousAttempts: [{ outcome: 'crash', signal: 'SIGSEGV' }, { outcome: 'timeout', reason: 'no result line after 60 s' }],
      output: { stdout: '\x1b[31mred\x1b[0m\n\u0000nul\ud800\n', stderr: '' },
    });
    const [t] = testsOf(makeResults([cell]));
    expect(problems(ctrf(makeResults([cell])))).toEqual([]);
    expect(t!.duration).toBe(1235);
    expect(t!.retryAttempts).toEqual([
      { attempt: 1, status: 'failed', message: 'crash SIGSEGV' },
      { attempt: 2, status: 'failed', message: 'timeout: no result line after 60 s' },
      { attempt: 3, status: 'passed', duration: 1235 },
    ]);
    expect(t!.message).toBe('flaky: crash SIGSEGV, then timeout, then loaded on retry');
    expect(t!.stdout).toEqual(['red', 'nul\ufffd']);
  });

  it('is written by the ctrf reporter', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'dlmatrix-ctrf-')), 'ctrf.json');
    const results = makeResults([makeCell()]);
    new CtrfReporter(path).onEnd(results);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(ctrf(results));
  });
});
