import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sanitizeText } from './text.ts';

// XML 1.0's Char production (plus: no C1 controls, which sanitizeText also drops).
const XML_SAFE = /^[\t\n\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]*$/u;

describe('sanitizeText', () => {
  it('strips CSI colour and cursor sequences', () => {
    expect(sanitizeText('\x1b[1;31merror\x1b[0m: \x1b[2Kdone\x1b[?25h')).toBe('error: done');
    expect(sanitizeText('\x9b31mC1 csi')).toBe('C1 csi');
  });

  it('strips OSC sequences ended by BEL or ST, and unterminated ones up to the line end', () => {
    expect(sanitizeText('\x1b]0;title\x07text')).toBe('text');
    expect(sanitizeText('\x1b]8;;file:///x\x1b\\link\x1b]8;;\x1b\\')).toBe('link');
    expect(sanitizeText('a\x1b]0;never ends\nnext line')).toBe('a\nnext line');
  });

  it('strips DCS/APC strings and two-byte escapes', () => {
    expect(sanitizeText('\x1bPq#0;2;0;0;0\x1b\\x')).toBe('x');
    expect(sanitizeText('\x1b_apc\x1b\\y\x1b(B\x1bc\x1b7z')).toBe('yz');
  });

  it('keeps tab and newline, turns CR and CRLF into newlines, drops other controls', () => {
    expect(sanitizeText('a\tb\r\nc\rd\x00e\x07f\x08g\x7fh\x85i\x1b')).toBe('a\tb\nc\nd' + 'efghi');
  });

  it('replaces lone surrogates and U+FFFE/U+FFFF, keeps valid astral characters', () => {
    expect(sanitizeText('x\ud800y\udc00z')).toBe('x\ufffdy\ufffdz');
    expect(sanitizeText('\ufffe\uffff')).toBe('\ufffd\ufffd');
    expect(sanitizeText('🦀 \u{1F600} é 中')).toBe('🦀 \u{1F600} é 中');
  });

  it('keeps U+FFFD from invalid UTF-8 decoded by Buffer', () => {
    expect(sanitizeText(Buffer.from([0x61, 0xff, 0xc3, 0x62]).toString('utf8'))).toBe('a\ufffd\ufffdb');
  });

  it('yields only XML-safe characters and no escape byte, whatever the input', () => {
    const utf16 = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 80 });
    const bytes = fc.uint8Array({ maxLength: 80 }).map((b) => Buffer.from(b).toString('utf8'));
    fc.assert(
      fc.property(fc.oneof(utf16, bytes, fc.string({ unit: 'binary' })), (input) => {
        const out = sanitizeText(input);
        expect(out).toMatch(XML_SAFE);
        expect(sanitizeText(out)).toBe(out); // idempotent: writers may sanitize twice
      }),
      { numRuns: 200 },
    );
  });
});
