// A matrix path that points at binary data (an image, random bytes) or at one enormous line must
// give one short, readable error: escaped, cut, never raw bytes in the terminal.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic, MatrixFileError } from './diagnostics.ts';
import { excerpt, looksBinary } from './excerpt.ts';
import { loadMatrix } from './load.ts';

// Raw control bytes or undecodable input (U+FFFD) that would reach the terminal.
const RAW = /[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffd]/;

function errorFor(bytes: Uint8Array | string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'dlmatrix-junk-')), 'matrix.yaml');
  writeFileSync(file, bytes);
  try {
    loadMatrix(file);
  } catch (err) {
    expect(err).toBeInstanceOf(MatrixFileError);
    return (err as MatrixFileError).diagnostics.map((d) => formatDiagnostic(d)).join('\n');
  }
  throw new Error('loadMatrix accepted the junk');
}

/** Deterministic "random" bytes (a linear congruential generator), so a failure reproduces. */
function junk(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0, x = seed; i < length; i++) bytes[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
  return bytes;
}

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, ...junk(600, 7)]);

describe('a matrix file that is not text', () => {
  it('a PNG: one error at 1:1 saying it is binary, with a short escaped excerpt', () => {
    const message = errorFor(PNG);
    expect(message).toMatch(/matrix\.yaml:1:1: error: this is not a YAML text file: it holds binary data/);
    expect(message).toContain('PNG\\r\\n\\x1a\\n\\x00');
    expect(message).not.toMatch(RAW);
    expect(message.length).toBeLessThan(400);
  });

  it.each([1, 2, 3, 42, 1234])('random bytes (seed %i): escaped and short, never raw bytes', (seed) => {
    const message = errorFor(junk(3000, seed));
    expect(message).not.toMatch(RAW);
    expect(message.split('\n').length).toBeLessThanOrEqual(2);
    expect(message.length).toBeLessThan(400);
  });

  it('one enormous line of text: the value is quoted cut short', () => {
    const message = errorFor('x'.repeat(100_000));
    expect(message).toMatch(/must be a YAML mapping, not string x{40}…/);
    expect(message.length).toBeLessThan(400);
  });
});

describe('excerpt', () => {
  it('keeps printable text, escapes controls and undecodable bytes, cuts long text', () => {
    expect(excerpt('RTLD_NOW')).toBe('RTLD_NOW');
    expect(excerpt('3.10 – ünïcode')).toBe('3.10 – ünïcode');
    expect(excerpt('a\u0000b\u001b[31m\ufffd\n')).toBe('a\\x00b\\x1b[31m\\ufffd\\n');
    expect(excerpt('abcdef', 3)).toBe('abc…');
  });

  it('tells binary data from text', () => {
    expect(looksBinary(new TextDecoder().decode(PNG))).toBe(true);
    expect(looksBinary(new TextDecoder().decode(junk(500, 9)))).toBe(true);
    expect(looksBinary('project: x\nmatrix:\n  distro: [bookworm]  # ünïcode “quotes” ✓\n')).toBe(false);
    expect(looksBinary('')).toBe(false);
  });
});
