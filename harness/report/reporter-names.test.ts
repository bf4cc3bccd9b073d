import { describe, expect, it } from 'vitest';
import { createReporters, reportFiles, ReporterNameError, reporterNames } from './reporter-names.ts';

const terminal = { interactive: true, env: {} };
const ci = { interactive: false, env: { CI: 'true' } };
const actions = { interactive: false, env: { CI: 'true', GITHUB_ACTIONS: 'true' } };

describe('reporterNames', () => {
  it('defaults to today: the live line on a terminal, a line per cell in CI, and the three files', () => {
    expect(reporterNames([], terminal)).toEqual(['line', 'json', 'junit', 'html']);
    expect(reporterNames([], ci)).toEqual(['list', 'json', 'junit', 'html']);
  });

  it('adds github by default on GitHub Actions', () => {
    expect(reporterNames([], actions)).toEqual(['list', 'json', 'junit', 'html', 'github']);
  });

  it('takes comma-separated and repeated lists as given, always adding json, never twice', () => {
    expect(reporterNames(['dot,ctrf'], actions)).toEqual(['dot', 'ctrf', 'json']);
    expect(reporterNames(['dot', 'junit, dot', 'json'], ci)).toEqual(['dot', 'junit', 'json']);
  });

  it('rejects unknown and empty names with the valid ones and a did-you-mean', () => {
    expect(() => reporterNames(['list,junt'], ci)).toThrow(new ReporterNameError('--reporter: unknown reporter "junt"; did you mean junit? (valid: list, line, dot, github, junit, html, json, ctrf)'));
    expect(() => reporterNames(['list,'], ci)).toThrow(/^--reporter: empty reporter name \(valid: /);
    expect(() => reporterNames(['teamcity'], ci)).toThrow(/unknown reporter "teamcity" \(valid:/);
  });
});

describe('createReporters', () => {
  it('makes one reporter per name, results.json first so it is written whatever fails after it', () => {
    const names = reporterNames(['html,dot,github,ctrf'], ci);
    const reporters = createReporters(names, { outDir: '/out', env: { GITHUB_STEP_SUMMARY: '/tmp/summary.md' } });
    expect(reporters.map((r) => r.name)).toEqual(['json', 'html', 'dot', 'github', 'ctrf']);
    expect(reporters.map((r) => (r as { path?: string }).path)).toEqual(['/out/results.json', '/out/index.html', undefined, '/tmp/summary.md', '/out/ctrf.json']);
    expect(reportFiles(names)).toEqual(['index.html', 'ctrf.json', 'results.json']);
  });
});
