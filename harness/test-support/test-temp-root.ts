// Vitest global setup: every temporary file the tests make goes into one folder of this test run
// (TMPDIR, which os.tmpdir() and the harness read), removed when the run ends. Without it each
// full run left about 2.5 GB in /tmp (image tarballs, registries, journals) on a developer's disk.
// DLMATRIX_KEEP_TEST_TMP=1 keeps the folder to look at after a failure.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const previous = process.env.TMPDIR;
  const root = mkdtempSync(join(tmpdir(), 'dlmatrix-tests-'));
  process.env.TMPDIR = root;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    if (process.env.DLMATRIX_KEEP_TEST_TMP) console.log(`test files kept in ${root}`);
    else rmSync(root, { recursive: true, force: true });
  };
}
