// Runs the real `dlmatrix` command (bin/dlmatrix.mjs) as a user or CI would, for the tests that
// exercise it end to end, and reads back what it wrote.
import { execFile, spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunResults } from '../results/run-results.ts';

export const CLI = join(import.meta.dirname, '..', '..', 'bin', 'dlmatrix.mjs');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** The process's pid: its containers carry the label dev.dlmatrix.owner=HOST:PID. */
  pid: number;
}

/** Never throws on a non-zero exit: the exit code is part of what tests check. */
export function runCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = execFile(
      'node',
      [CLI, ...args],
      { cwd: options.cwd, maxBuffer: 256 * 1024 * 1024, env: { ...process.env, CI: 'true', ...options.env } },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr, pid: child.pid! }),
    );
  });
}

/** Containers (any state) a dlmatrix process started: the owner label names its host and pid. */
export function containersOf(pid: number): string[] {
  const ps = spawnSync('docker', ['ps', '-aq', '--filter', `label=dev.dlmatrix.owner=${hostname()}:${pid}`], { encoding: 'utf8' });
  return ps.stdout.split('\n').filter(Boolean);
}

export const readResults = (outDir: string): RunResults => JSON.parse(readFileSync(join(outDir, 'results.json'), 'utf8'));
