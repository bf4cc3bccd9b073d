// Quoting user text inside diagnostics: short, on one line, and never raw control bytes (a
// matrix file that is really a PNG or random bytes must not dump binary into the terminal).

/** Printable text is kept as is; control and undecodable characters become escapes; long text is cut. */
export function excerpt(text: string, max = 40): string {
  const chars = [...text];
  const shown = chars.slice(0, max).map(escapeChar).join('');
  return chars.length > max ? `${shown}…` : shown;
}

function escapeChar(c: string): string {
  const code = c.codePointAt(0)!;
  if (c === '\n') return '\\n';
  if (c === '\r') return '\\r';
  if (c === '\t') return '\\t';
  // C0/C1 controls, DEL, and U+FFFD (what a byte that is not UTF-8 decodes to).
  if (code < 0x20 || (code >= 0x7f && code < 0xa0)) return `\\x${code.toString(16).padStart(2, '0')}`;
  if (code === 0xfffd) return '\\ufffd';
  return c;
}

/**
 * True for text that cannot be a YAML file someone wrote: a NUL byte, or many characters that are
 * control codes or were not valid UTF-8 (YAML itself forbids most control characters).
 */
export function looksBinary(text: string): boolean {
  if (text.includes('\0')) return true;
  const sample = text.slice(0, 4096);
  const bad = sample.match(/[\x01-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]/g)?.length ?? 0;
  return sample.length > 0 && bad / sample.length > 0.02;
}
