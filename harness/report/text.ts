// Everything a container prints is untrusted bytes. Every writer (JUnit, HTML, terminal) passes
// captured text through sanitizeText first, so reports stay valid XML/HTML and never replay
// terminal escape sequences into a CI log viewer.

// Terminal escape sequences, longest forms first. String sequences (OSC, DCS, SOS, PM, APC) end
// at BEL or ST; an unterminated one ends at the line break so it cannot swallow the whole output.
const ANSI_SEQUENCE = new RegExp(
  [
    '(?:\\x1b\\[|\\x9b)[\\x30-\\x3f]*[\\x20-\\x2f]*[\\x40-\\x7e]', // CSI: colours, cursor moves
    '(?:\\x1b[\\]PX^_]|[\\x90\\x98\\x9d\\x9e\\x9f])[^\\x07\\x1b\\x9c\\n]*(?:\\x07|\\x1b\\\\|\\x9c)?', // OSC & co.
    '\\x1b[\\x20-\\x2f]*[\\x30-\\x7e]', // two-byte and nF escapes: ESC c, ESC ( B, ESC 7
  ].join('|'),
  'g',
);

// C0 (except \t and \n), DEL and C1 controls: not printable, and most are not legal in XML 1.0.
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]/g;

// A surrogate half without its partner cannot be encoded as UTF-8 (JSON and string slicing make them).
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

// The only BMP code points outside surrogates that XML 1.0's Char production excludes.
const XML_NONCHARACTER = /[\ufffe\uffff]/g;

/** Makes captured output safe to embed in any report: printable text, `\n` and `\t` only. */
export function sanitizeText(s: string): string {
  return s
    .replace(ANSI_SEQUENCE, '')
    .replace(/\r\n?/g, '\n') // CRLF and progress-bar carriage returns become line breaks
    .replace(CONTROL, '')
    .replace(LONE_SURROGATE, '\ufffd')
    .replace(XML_NONCHARACTER, '\ufffd');
}
