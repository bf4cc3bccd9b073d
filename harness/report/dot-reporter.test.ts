import { describe, expect, it } from 'vitest';
import type { CellResult } from '../results/run-results.ts';
import { makeCell, makeResults } from '../test-support/make-results.ts';
import { DotReporter } from './dot-reporter.ts';

function fakeStream() {
  const writes: string[] = [];
  const stream = { isTTY: false, write: (chunk: string) => (writes.push(chunk), true) } as unknown as NodeJS.WriteStream;
  return { stream, text: () => writes.join('') };
}

describe('DotReporter', () => {
  it('prints one character per cell, 80 to a line, then the failed and flaky cells, the findings and the counts', () => {
    const cells: CellResult[] = Array.from({ length: 81 }, (_, i) => makeCell({ axes: { loader: `l${i}` } }));
    cells[3] = { ...cells[3]!, verdict: 'fail', outcome: 'crash', signal: 'SIGSEGV' };
    cells[5] = { ...cells[5]!, verdict: 'flaky', attempts: 2 };
    cells[80] = { ...cells[80]!, verdict: 'skip', outcome: 'skipped', reason: 'no wheel' };
    const { stream, text } = fakeStream();
    const dot = new DotReporter({ stream, color: false });
    for (const cell of cells) dot.onCellEnd(cell);
    dot.onEnd(makeResults(cells));
    const lines = text().split('\n');
    expect(lines[0]).toBe(`···F·±${'·'.repeat(74)}`);
    expect(lines[1]).toBe('°');
    expect(lines[3]).toMatch(/^FAIL  \S+\/l3\/\S+  crash \(SIGSEGV\), expected loaded/);
    expect(lines[4]).toMatch(/^FLAKY \S+\/l5\//);
    expect(text()).toContain('Findings over the 80 cells that ran (of 81; 1 skipped left out):');
    expect(text()).toMatch(/81 cells: 78 passed, 1 failed, 1 flaky, 1 skipped in/);
  });
});
