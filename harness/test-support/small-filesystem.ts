// A real small or read-only file system for the tests of full disks and read-only --out folders:
// a tmpfs mounted for the test (root and mount, as .ci/run has them). Nothing is simulated: the
// kernel gives ENOSPC and EROFS as a CI runner's disk would.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

const mounted: string[] = [];
afterAll(() => {
  for (const dir of mounted.splice(0)) {
    execFileSync('umount', [dir]);
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A fresh tmpfs of `size` (e.g. '64k'); read-only with `readOnly`. Unmounted after the file's tests. */
export function smallFilesystem(size: string, options: { readOnly?: boolean } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'dlmatrix-fs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}${options.readOnly ? ',ro' : ''}`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (error) {
    throw new Error(`this test mounts a small tmpfs, which needs root and mount (as .ci/run has): ${(error as Error).message}`);
  }
  mounted.push(dir);
  return dir;
}

/** Fills the file system at `dir`, to the last byte or until only `leave` bytes are free. */
export function fill(dir: string, leave = 0): void {
  const { bavail, bsize } = statfsSync(dir);
  const blocks = Math.floor((bavail * bsize - leave) / 4096);
  if (leave > 0 && blocks <= 0) return;
  try {
    execFileSync('dd', ['if=/dev/zero', `of=${join(dir, `filler-${Date.now()}`)}`, 'bs=4k', ...(leave > 0 ? [`count=${blocks}`] : [])], { stdio: 'pipe' });
  } catch {
    // dd stops with ENOSPC: that is the point.
  }
}
