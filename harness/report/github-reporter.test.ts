// The github reporter as a workflow sees it: the job summary file and the `::error` lines on
// stdout, read back and parsed as the runner parses them.
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readResultsFile } from '../results/results-file.ts';
import type { CellResult, RunResults } from '../results/run-results.ts';
import { makeCell, makeResults } from '../test-support/make-results.ts';
import { escapeData, escapeProperty, workflowCommand } from './github-commands.ts';
import { GitHubReporter } from './github-reporter.ts';
import { markdownText, STEP_SUMMARY_LIMIT } from './github-summary.ts';

const fixture = (name: string) => readResultsFile(join(import.meta.dirname, 'fixtures', name));

/** Runs the reporter as on a runner: a fresh summary file (optionally with earlier content) and captured stdout. */
function runOnGitHub(results: RunResults, existing = '') {
  const summaryPath = join(mkdtempSync(join(tmpdir(), 'dlmatrix-gh-')), 'step_summary.md');
  writeFileSync(summaryPath, existing);
  let stdout = '';
  new GitHubReporter({ summaryPath, stdout: { write: (text: string) => (stdout += text) } }).onEnd(results);
  return { summary: readFileSync(summaryPath, 'utf8'), size: statSync(summaryPath).size, stdout, annotations: stdout.split('\n').filter((l) => l.startsWith('::')) };
}

/** A workflow command as the runner reads it: command, properties and message, unescaped. */
function parseCommand(line: string) {
  const match = /^::(\w+)(?: ([^:]*))?::(.*)$/.exec(line);
  if (!match) throw new Error(`not a workflow command: ${line}`);
  const unescape = (s: string) => s.replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
  const properties = Object.fromEntries((match[2] ?? '').split(',').filter(Boolean).map((p) => [p.slice(0, p.indexOf('=')), unescape(p.slice(p.indexOf('=') + 1))]));
  return { command: match[1], properties, message: unescape(match[3]!) };
}

describe('github reporter', () => {
  it('writes the verdict, the findings, the failed cells and then the grid to the job summary', () => {
    const results = fixture('results.sample.json');
    const { summary } = runOnGitHub(results);
    const lines = summary.split('\n');
    expect(lines[0]).toBe(`## ❌ dlmatrix: ${results.summary.failed} of ${results.summary.total} cells failed`);
    const at = (text: string) => summary.indexOf(text);
    expect(at('### Findings')).toBeGreaterThan(0);
    expect(at('### Findings')).toBeLessThan(at('### Cells that missed their expectation (3 failed, 1 flaky)'));
    expect(at('### Cells that missed their expectation')).toBeLessThan(at('### Outcome grid'));
    for (const statement of results.findings.statements) expect(summary).toContain(`- ${markdownText(statement.text, 4000)}`);
    // Failed cells first, then the flaky one, each with what was expected and what happened.
    const rows = lines.filter((line) => line.startsWith('| ❌ ') || line.startsWith('| ⚠️ '));
    const problems = [...results.cells.filter((c) => c.verdict === 'fail'), ...results.cells.filter((c) => c.verdict === 'flaky')];
    expect(rows.map((row) => row.split(' | ')[0])).toEqual(problems.map((c) => `| ${c.verdict === 'fail' ? '❌' : '⚠️'} ${markdownText(c.id)}`));
    const crash = results.cells.find((c) => c.outcome === 'crash')!;
    expect(summary).toContain(`| ❌ ${markdownText(crash.id)} | loaded | crash SIGSEGV | ${markdownText(crash.reason!)} |`);
    // Grid: one row per environment with a cell that ran; all-skipped environments listed below it.
    const gridRows = lines.filter((line) => line.startsWith('| ') && line.includes(' / python '));
    const environments = new Set(results.cells.filter((c) => c.outcome !== 'skipped').map((c) => c.environment));
    expect(gridRows).toHaveLength(environments.size);
    expect(summary).toContain('Environments where every cell was skipped:');
    expect(summary).toMatch(/- bullseye \/ python system \(3\.9\.2\) \/ numpy 2\.2\.6 \(6 cells\): PyPI has no NumPy 2\.2\.6 wheel/);
  });

  it('says all cells met their expectations, and prints no annotation, when none failed', () => {
    const results = fixture('results.real.json');
    const { summary, annotations, stdout } = runOnGitHub(results);
    expect(summary.split('\n')[0]).toBe(`## ✅ dlmatrix: all ${results.summary.total} cells met their expectations`);
    expect(summary).toContain('flags and mitigation together decide the outcome (no smaller set of axes does): undefined-symbol when flags=RTLD\\_LOCAL\\* and mitigation=none (66 of 66 cells)');
    expect(summary).toContain('mitigation promote turns every undefined-symbol cell into loaded');
    expect(summary).not.toContain('### Cells that missed');
    expect(annotations).toEqual([]);
    expect(stdout).toBe('');
  });

  it('prints one ::error per root cause, largest first, naming how many cells and a few ids', () => {
    const failed = (loader: string, flags: string, overrides: Partial<CellResult>) =>
      makeCell({ axes: { loader, flags }, verdict: 'fail', expected: ['loaded'], ...overrides });
    const symbol = { outcome: 'undefined-symbol' as const, symbol: 'PyObject_SelfIter' };
    const results = makeResults([
      failed('c', 'RTLD_GLOBAL|RTLD_NOW', symbol),
      failed('rust', 'RTLD_GLOBAL|RTLD_NOW', symbol),
      failed('node', 'RTLD_GLOBAL|RTLD_NOW', symbol),
      failed('go', 'RTLD_GLOBAL|RTLD_NOW', symbol),
      failed('c', 'RTLD_GLOBAL|RTLD_LAZY', { outcome: 'crash', signal: 'SIGSEGV' }),
      makeCell({ axes: { loader: 'c', flags: 'linked' } }),
    ]);
    const { annotations } = runOnGitHub(results);
    expect(annotations).toHaveLength(2);
    const [first, second] = annotations.map(parseCommand);
    expect(first).toEqual({
      command: 'error',
      properties: { title: 'dlmatrix: 4 cells undefined-symbol PyObject_SelfIter' },
      message:
        `4 cells expected loaded, got undefined-symbol PyObject_SelfIter: ${results.cells.slice(0, 3).map((c) => c.id).join(', ')} and 1 more\n` +
        `Rerun one: npx dlmatrix run --config matrix.yaml --cell '${results.cells[0]!.id}'`,
    });
    expect(second!.properties.title).toBe('dlmatrix: 1 cell crash SIGSEGV');
  });

  it('never prints more than 10 annotations: the 10th sums up the other causes', () => {
    const cells = Array.from({ length: 14 }, (_, i) =>
      makeCell({ axes: { loader: `l${i}` }, verdict: 'fail', outcome: 'import-error', reason: `ModuleNotFoundError: No module named 'm${i}'` }),
    );
    const { annotations } = runOnGitHub(makeResults(cells));
    expect(annotations).toHaveLength(10);
    const last = parseCommand(annotations[9]!);
    expect(last.properties.title).toBe('dlmatrix: 5 cells with 5 other root causes');
    expect(last.message).toContain("import-error: ModuleNotFoundError: No module named 'm13' (1)");
  });

  it('escapes annotation data and properties as the runner parses them', () => {
    expect(escapeData('50% done\r\nnext\rlast')).toBe('50%25 done%0Anext%0Alast'); // CRLF and CR are line breaks
    expect(escapeProperty('a: b, c%')).toBe('a%3A b%2C c%25');
    const hostile = 'boom: 100%, really\n::error::injected\x1b[31m';
    const line = workflowCommand('error', { title: hostile }, hostile);
    expect(line.split('\n')).toHaveLength(1); // a captured "::error::" can never start a line of its own
    expect(line).toBe('::error title=boom%3A 100%25%2C really%0A%3A%3Aerror%3A%3Ainjected::boom: 100%25, really%0A::error::injected');
    const parsed = parseCommand(line);
    expect(parsed.properties.title).toBe('boom: 100%, really\n::error::injected');
    expect(parsed.message).toBe('boom: 100%, really\n::error::injected');
  });

  it('keeps the summary under 1 MiB for a huge matrix, with a note saying what was left out', () => {
    const cells: CellResult[] = [];
    for (let d = 0; d < 60; d++) {
      for (let n = 0; n < 40; n++) {
        for (const loader of ['c', 'rust', 'node']) {
          for (const flags of ['RTLD_LOCAL|RTLD_NOW', 'RTLD_GLOBAL|RTLD_NOW', 'linked']) {
            const bad = flags !== 'linked';
            cells.push(
              makeCell({
                axes: { distro: `distro-${d}`, numpy: `1.${n}.0`, loader, flags },
                ...(bad && { verdict: 'fail', outcome: 'import-error', reason: `ImportError: something long went wrong in cell ${d}.${n}: ${'x'.repeat(200)}` }),
              }),
            );
          }
        }
      }
    }
    const results = makeResults(cells);
    expect(results.summary.failed).toBe(14_400);
    const earlier = `## Earlier output of this step\n${'y'.repeat(100_000)}\n`;
    const { summary, size } = runOnGitHub(results, earlier);
    expect(size).toBeLessThanOrEqual(STEP_SUMMARY_LIMIT);
    expect(size).toBeGreaterThan(STEP_SUMMARY_LIMIT * 0.8); // it uses the room it has
    const ours = summary.slice(earlier.length);
    expect(ours.startsWith('## ❌ dlmatrix: 14400 of 21600 cells failed')).toBe(true);
    expect(ours).toContain('### Findings');
    expect(ours).toMatch(/> Truncated to stay under GitHub's 1 MiB limit for a job summary: \d+ failed cells, 2400 grid rows not shown\./);
  });
});
