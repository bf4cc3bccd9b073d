// Names and values of the matrix end up in cell ids, terminal lines, report files and CI logs. A
// newline, carriage return or ESC in one would let a value write its own lines there (with
// GITHUB_ACTIONS=true, "a\n::error::x" becomes a workflow command), so they are refused at the
// file's position instead of being escaped in every place that prints them.

const NAMES: Record<number, string> = { 0x09: 'a tab', 0x0a: 'a newline', 0x0d: 'a carriage return', 0x1b: 'an escape character (ESC)', 0x00: 'a NUL byte' };

/** What control character `text` holds (described in words), or undefined when it holds none. */
export function controlCharacterIn(text: string): string | undefined {
  for (const c of text) {
    const code = c.codePointAt(0)!;
    if (code < 0x20 || (code >= 0x7f && code < 0xa0) || code === 0x2028 || code === 0x2029) {
      return NAMES[code] ?? `the control character U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
    }
  }
  return undefined;
}
