// Exported C functions without arguments in Rust sources: the candidates for `project.entry`
// (the built-in loaders call it as `void f(void)`, or `int f(void)` with entry-returns: int).

export interface EntryCandidate {
  name: string;
  /** Declared `-> i32` / `-> c_int`: non-zero means failure. */
  returnsInt: boolean;
  line: number;
}

const INT_TYPES = new Set(['i32', 'c_int', 'ffi::c_int', 'std::ffi::c_int', 'core::ffi::c_int', 'std::os::raw::c_int', 'libc::c_int']);

// `#[no_mangle]` or `#[unsafe(no_mangle)]`, maybe other attributes, then
// `pub [unsafe] extern "C" fn NAME() [-> TYPE] {` (a where clause or generics would not be C).
const EXPORT =
  /#\[\s*(?:unsafe\s*\(\s*no_mangle\s*\)|no_mangle)\s*\]\s*(?:#\[[^\]]*\]\s*)*pub\s+(?:unsafe\s+)?extern\s+"C(?:-unwind)?"\s+fn\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(\s*\)\s*(?:->\s*([A-Za-z_][A-Za-z0-9_:]*))?\s*\{/g;

export function findEntryCandidates(source: string): EntryCandidate[] {
  const text = blankComments(source);
  const found: EntryCandidate[] = [];
  for (const match of text.matchAll(EXPORT)) {
    const returns = match[2];
    if (returns && !INT_TYPES.has(returns)) continue;
    found.push({ name: match[1], returnsInt: Boolean(returns), line: text.slice(0, match.index).split('\n').length + lineOfFn(match[0]) });
  }
  return found;
}

/** Lines between the attribute and the `fn` (the match starts at the attribute). */
function lineOfFn(matched: string): number {
  return matched.slice(0, matched.search(/\bpub\s/)).split('\n').length - 1;
}

/** Replaces comments with spaces (keeping lines), so commented-out code is not an export. */
function blankComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, (comment) => comment.replace(/[^\n]/g, ' '));
}
