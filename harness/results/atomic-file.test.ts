import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileWriteError, writeFileAtomic } from './atomic-file.ts';

const temp = () => mkdtempSync(join(tmpdir(), 'dlmatrix-atomic-'));

describe('writeFileAtomic', () => {
  it('replaces the file whole, creating its folder', () => {
    const path = join(temp(), 'a', 'b', 'junit.xml');
    writeFileAtomic(path, 'one');
    writeFileAtomic(path, 'two');
    expect(readFileSync(path, 'utf8')).toBe('two');
  });

  it('names the file and the reason when a directory is in the way, and leaves no temp file', () => {
    const dir = temp();
    mkdirSync(join(dir, 'junit.xml'));
    let error: unknown;
    try {
      writeFileAtomic(join(dir, 'junit.xml'), '<testsuites/>');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(FileWriteError);
    expect((error as FileWriteError).path).toBe(join(dir, 'junit.xml'));
    expect((error as Error).message).toBe(`cannot write ${join(dir, 'junit.xml')}: a directory is in the way (EISDIR)`);
    expect(readdirSync(dir)).toEqual(['junit.xml']);
  });

  it('says so when a file stands where its folder should be', () => {
    const dir = temp();
    writeFileSync(join(dir, 'reports'), 'not a folder');
    expect(() => writeFileAtomic(join(dir, 'reports', 'index.html'), '')).toThrow(/cannot write .*reports\/index\.html: .*\((ENOTDIR|EEXIST)\)/);
  });
});
