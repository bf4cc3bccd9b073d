// `dlmatrix doctor` on this machine, for real: the engine the other docker tests use must be
// found, its version and API version shown, and nothing may fail.
import { expect, it } from 'vitest';
import { runCli } from '../test-support/run-cli.ts';

it('dlmatrix doctor exits 0 here with an ok line for the Docker engine and one line per check', async () => {
  const run = await runCli(['doctor']);
  expect(run.code, run.stdout + run.stderr).toBe(0);
  expect(run.stdout).toMatch(/^ok {4}Docker engine \S+ answers at \S+ \(API \d+\.\d+\)$/m);
  const lines = run.stdout.trim().split('\n');
  expect(lines).toHaveLength(6);
  for (const line of lines) expect(line).toMatch(/^(ok  |warn|FAIL) {2}\S/);
  expect(run.stdout).not.toMatch(/^FAIL/m);
});
