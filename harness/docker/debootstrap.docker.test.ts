// A bootstrap that fails for real (a suite the host's Debian mirror does not serve): the error's
// first line, which the terminal and the reports show, is debootstrap's own reason.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { debootstrap } from './base-image.ts';

it("says why debootstrap failed in its own words, on the error's first line", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dlmatrix-debootstrap-'));
  try {
    const error = await debootstrap('bookwrom', join(dir, 'root'), () => {}).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message.split('\n')[0]).toMatch(/^debootstrap of bookwrom failed \(exit 1\): Failed getting release file \S+\/dists\/bookwrom\/Release$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);
