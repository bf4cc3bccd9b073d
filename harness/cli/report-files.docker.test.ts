// `dlmatrix run` for real (Docker) with an output folder it cannot fully write: a directory
// stands where junit.xml should go. The run must exit 4 naming the file and why, still write
// results.json whole, and leave no temp file. (merge's side of this is in merge-command.test.ts.)
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HARNESS_ROOT } from '../docker/build-context.ts';
import { readResults, runCli as dlmatrix } from '../test-support/run-cli.ts';

const ONE_CELL = `
project: ${join(HARNESS_ROOT, 'crates', 'probe')}
imports: [numpy]
matrix:
  distro: [bookworm]
  python: [system]
  numpy: [system]
  loader: [c]
  flags: [linked]
`;

describe('dlmatrix run with a report it cannot write (real Docker)', () => {
  it('exits 4, says which file and why, and still writes results.json and the ctrf report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dlmatrix-it-'));
    writeFileSync(join(dir, 'matrix.yaml'), ONE_CELL);
    const out = join(dir, 'reports');
    mkdirSync(join(out, 'junit.xml'), { recursive: true });
    const run = await dlmatrix(['run', '--config', join(dir, 'matrix.yaml'), '--out', out, '--reporter', 'list,junit,html,ctrf']);
    expect(run.code, run.stderr).toBe(4);
    expect(run.stderr).toContain(`the junit report could not be written: cannot write ${join(out, 'junit.xml')}: a directory is in the way (EISDIR)`);
    expect(run.stderr).toContain('a report could not be written (junit): exit code 4');
    expect(readResults(out).cells).toHaveLength(1);
    expect(readdirSync(out).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    expect(readdirSync(out)).toEqual(expect.arrayContaining(['results.json', 'index.html', 'ctrf.json']));
  });
});
