import { describe, expect, it } from 'vitest';
import { KEPT_OUTPUT, keptOutput } from './cell-output.ts';

describe('keptOutput', () => {
  it('keeps a short output as it is (the same object)', () => {
    const output = { stdout: 'x'.repeat(KEPT_OUTPUT), stderr: 'warning\n' };
    expect(keptOutput(output)).toBe(output);
  });

  it('keeps the head and the tail of a flood, saying how much was left out, and the result line at its end', () => {
    const stdout = `${'h'.repeat(1_000_000)}${'t'.repeat(100_000)}\n@@dlmatrix {"stage":"probe"}\n`;
    const kept = keptOutput({ stdout, stderr: '' });
    expect(kept.stdout.length).toBeLessThanOrEqual(KEPT_OUTPUT);
    expect(kept.stdout).toMatch(/^h{16384}\n\[dlmatrix: (\d+) characters of output left out here\]\nt+\n@@dlmatrix \{"stage":"probe"\}\n$/);
    const left = Number(/left out here/.exec(kept.stdout) && /\[dlmatrix: (\d+)/.exec(kept.stdout)![1]);
    expect(left + kept.stdout.length).toBeGreaterThan(stdout.length - 200);
    // Keeping it again changes nothing: the run, its journal and results.json agree.
    expect(keptOutput(kept)).toBe(kept);
  });
});
