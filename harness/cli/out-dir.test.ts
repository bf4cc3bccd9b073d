// The --out folder: locked by one command at a time (stale locks of dead runs taken over), checked
// before anything runs, with a clear message and the documented exit code when it cannot be used.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fill, smallFilesystem } from '../test-support/small-filesystem.ts';
import { UsageError } from './args.ts';
import { LOCK_FILE, lockOutDir, OutDirError } from './out-dir.ts';

const temp = () => mkdtempSync(join(tmpdir(), 'dlmatrix-out-'));
const holder = (pid: number, host = hostname()) => JSON.stringify({ host, pid, command: 'run', since: '2026-01-01T00:00:00.000Z' });

async function error(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected it to fail');
}

describe('lockOutDir', () => {
  it('makes the folder, holds it, and gives it back', async () => {
    const dir = join(temp(), 'reports');
    const lock = await lockOutDir(dir, 'reports', { command: 'run' });
    expect(readdirSync(dir)).toEqual([LOCK_FILE]);
    lock.release();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses a second command while the first holds the folder (exit 2), naming it', async () => {
    const dir = temp();
    const first = await lockOutDir(dir, 'reports', { command: 'run' });
    const refused = await error(lockOutDir(dir, 'reports', { command: 'run' }));
    expect(refused).toBeInstanceOf(UsageError);
    expect(refused.message).toMatch(new RegExp(`^--out reports is in use by dlmatrix run \\(pid ${process.pid} on ${hostname()}, since \\d{4}-.*Z\\): wait for it \\(--wait\\), or give another --out$`));
    first.release();
  });

  it('takes over the lock of a run that died (same host, no such process)', async () => {
    const dir = temp();
    const dead = spawn('true');
    await new Promise((resolve) => dead.on('exit', resolve));
    writeFileSync(join(dir, LOCK_FILE), holder(dead.pid!));
    const lock = await lockOutDir(dir, 'reports', { command: 'run' });
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it('leaves a lock from another host alone, saying how to remove it', async () => {
    const dir = temp();
    writeFileSync(join(dir, LOCK_FILE), holder(1, 'ci-runner-7'));
    expect((await error(lockOutDir(dir, 'reports', { command: 'run' }))).message).toMatch(/in use by dlmatrix run \(pid 1 on ci-runner-7, .*if that run is gone, remove reports\/\.dlmatrix\.lock$/);
  });

  it('with --wait, waits for the holder to finish and then takes the folder', async () => {
    const dir = temp();
    const sleeper = spawn('sleep', ['30']);
    writeFileSync(join(dir, LOCK_FILE), holder(sleeper.pid!));
    const said: string[] = [];
    const waiting = lockOutDir(dir, 'reports', { command: 'run', wait: true, pollMs: 20, onWait: (line) => said.push(line) });
    let taken = false;
    void waiting.then(() => (taken = true));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(taken).toBe(false);
    sleeper.kill();
    const lock = await waiting;
    expect(said).toEqual([`dlmatrix: waiting for dlmatrix run (pid ${sleeper.pid} on ${hostname()}, since 2026-01-01T00:00:00.000Z) to finish with reports`]);
    lock.release();
  });

  it('says a file is in the way (exit 2)', async () => {
    const file = join(temp(), 'reports');
    writeFileSync(file, 'not a folder');
    const refused = await error(lockOutDir(file, 'reports', { command: 'run' }));
    expect(refused).toBeInstanceOf(UsageError);
    expect(refused.message).toBe('--out reports is a file, not a folder: give a folder (it is made if missing)');
    const below = await error(lockOutDir(join(file, 'sub'), 'reports/sub', { command: 'run' }));
    expect(below.message).toMatch(/^--out reports\/sub: a file is in the way of the folder \((ENOTDIR|EEXIST)\): give a folder$/);
  });

  it('says why a folder cannot be written: read-only, or full (exit 4)', async () => {
    const readOnly = smallFilesystem('64k', { readOnly: true });
    const refused = await error(lockOutDir(join(readOnly, 'reports'), 'reports', { command: 'run' }));
    expect(refused).toBeInstanceOf(OutDirError);
    expect(refused.message).toBe('cannot make the --out folder reports: the file system is read-only (EROFS)');
    const full = smallFilesystem('64k');
    mkdirSync(join(full, 'reports'));
    fill(full);
    const noSpace = await error(lockOutDir(join(full, 'reports'), 'reports', { command: 'run' }));
    expect(noSpace).toBeInstanceOf(OutDirError);
    expect(noSpace.message).toBe('cannot write in the --out folder reports: no space left on the device (ENOSPC)');
  });
});
