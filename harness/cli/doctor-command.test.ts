// `dlmatrix doctor` with doubles for the checks: the lines, the exit code, and --fix's
// fix-then-check-again flow.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Check, CheckResult } from './doctor/check.ts';
import { doctorCommand } from './doctor-command.ts';
import { main } from './main.ts';

let stdout = '';
beforeEach(() => {
  stdout = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
});
afterEach(() => vi.restoreAllMocks());

/** A machine whose broken parts get repaired by their fix(). */
function machine(parts: Record<string, { works: boolean; fixable?: boolean; fixFails?: boolean }>) {
  const fixed: string[] = [];
  const factory = (): Check[] =>
    Object.entries(parts).map(([name, part]) => ({
      name,
      run: async (): Promise<CheckResult> => (part.works ? { status: 'ok', what: `${name} fine` } : { status: 'fail', what: `${name} broken`, fix: `repair ${name}` }),
      ...(part.fixable && {
        fix: async (log: (line: string) => void) => {
          log(`repairing ${name}`);
          if (part.fixFails) throw new Error(`${name} resisted`);
          fixed.push(name);
          part.works = true;
        },
      }),
    }));
  return { factory, fixed };
}

describe('dlmatrix doctor', () => {
  it('prints one line per check and exits 0 when nothing failed (warnings allowed)', async () => {
    const checks: Check[] = [
      { name: 'a', run: async () => ({ status: 'ok', what: 'engine answers' }) },
      { name: 'b', run: async () => ({ status: 'warn', what: 'disk low', fix: 'prune' }) },
    ];
    expect(await doctorCommand([], () => checks)).toBe(0);
    expect(stdout).toBe('ok    engine answers\nwarn  disk low  (prune)\n');
  });

  it('exits 1 when a check failed, and does not fix anything without --fix', async () => {
    const { factory, fixed } = machine({ engine: { works: false, fixable: true }, node: { works: true } });
    expect(await doctorCommand([], factory)).toBe(1);
    expect(stdout).toContain('FAIL  engine broken  (repair engine)');
    expect(fixed).toEqual([]);
  });

  it('--fix repairs only what failed, then checks everything again; exit 0 when all is well after', async () => {
    const { factory, fixed } = machine({ engine: { works: false, fixable: true }, disk: { works: true, fixable: true } });
    expect(await doctorCommand(['--fix'], factory)).toBe(0);
    expect(fixed).toEqual(['engine']);
    expect(stdout).toContain('fixing engine:\n  repairing engine\n');
    expect(stdout.split('after --fix:')[1]).toBe('\nok    engine fine\nok    disk fine\n');
  });

  it('--fix that cannot repair says why and exits 1', async () => {
    const { factory } = machine({ engine: { works: false, fixable: true, fixFails: true }, node: { works: false } });
    expect(await doctorCommand(['--fix'], factory)).toBe(1);
    expect(stdout).toContain('could not fix engine: engine resisted');
    expect(stdout.split('after --fix:')[1]).toContain('FAIL  engine broken');
    stdout = '';
    expect(await doctorCommand(['--fix'], machine({ node: { works: false } }).factory)).toBe(1);
    expect(stdout).toContain('nothing here that dlmatrix can install or start');
  });

  it('is registered in main, with --help and strict options', async () => {
    expect(await main(['doctor', '--help'])).toBe(0);
    expect(stdout).toContain('Usage: dlmatrix doctor [--fix]');
    expect(stdout).toMatch(/ok\|warn\|FAIL/);
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(await main(['doctor', '--fixx'])).toBe(2);
  });
});
