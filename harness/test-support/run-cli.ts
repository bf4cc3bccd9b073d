// Runs the real `dlmatrix` command (bin/dlmatrix.mjs) as a user or CI would, for the tests that
// exercise it end to end, and reads back what it wrote.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { RunResults } from '../results/types.ts';

export const CLI = join(import.meta.dirname, '..', '..', 'bin', 'dlmatrix.mjs');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Never throws on a non-zero exit: the exit code is part of what tests check. */
export async function runCli(args: string[], options: { cwd?: string } = {}): Promise<CliRun> {
  try {
    const { stdout, stderr } = await promisify(execFile)('node', [CLI, ...args], {
      cwd: options.cwd,
      maxBuffer: 256 * 1024 * 1024,
      env: { ...process.env, CI: 'true' },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

export const readResults = (outDir: string): RunResults => JSON.parse(readFileSync(join(outDir, 'results.json'), 'utf8'));
