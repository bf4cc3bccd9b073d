// The text a build error shows: first what went wrong and where (rustc's or PyO3's `error: ...`
// with its `--> src/lib.rs:13:5` and the code line; cargo's generic "failed to parse manifest"
// followed by its real cause; apt's `E: ...`; pip's `ERROR: ...`), then which image and step
// failed, then the last lines of that step's output (the whole log is in reports/logs/).
import { BuildFailedError } from '../docker/container-client.ts';

const MAX_CHARS = 4000;
/** BuildKit's prefix on a step's output lines: `#12 3.456 `. */
const BUILDKIT_PREFIX = /^#\d+\s+(?:\d+\.\d+\s+)?/;
const TELLING_LINE = /^\s*(error(\[E\d+\])?:|E: |ERROR: |DLMATRIX-BUILD-ERROR: )/;
/** cargo's summaries of an error printed above them: the specific line says more. */
const GENERIC = /failed to run custom build command|could not compile|aborting due to|DLMATRIX-BUILD-ERROR/;
/** cargo's errors whose real cause follows under "Caused by:". */
const CAUSED_BY = /failed to (parse|load|read) manifest|failed to get `|failed to select a version|failed to load source/;

/** rustc's summary of a failed link. */
const LINKER_FAILED = /linking with `[^`]+` failed/;
/** The linker's "a library it needs is not there": the cause, above the undefined references it leads to. */
const LINKER_MISSING = /needed by .* not found|cannot find -l|cannot open shared object file/;

export function buildErrorText(err: unknown): string {
  const message = (err as Error)?.message ?? String(err);
  if (!(err instanceof BuildFailedError) || !err.logTail) return clip(message);
  const headline = decisiveLines(err.logTail);
  return clip(`${headline ? `${headline}\n` : ''}${message}\n--- last lines of the failed step ---\n${err.logTail}`);
}

/** What went wrong and where, alone (the terminal shows it once per environment). */
export function buildErrorCause(err: unknown): string {
  if (err instanceof BuildFailedError && err.logTail) return decisiveLines(err.logTail) ?? firstLineOf(err.message);
  return firstLineOf((err as Error)?.message ?? String(err));
}

const firstLineOf = (text: string) => text.split('\n')[0] ?? text;

/** The error that decides the failure, with where it is: the lines a reader needs first. */
export function decisiveLines(logTail: string): string | undefined {
  const lines = logTail.split('\n').map((line) => line.replace(BUILDKIT_PREFIX, '').trimEnd());
  const telling = (line: string) => TELLING_LINE.test(line);
  let index = lines.findIndex((line) => telling(line) && !GENERIC.test(line));
  if (index < 0) index = lines.findIndex(telling);
  if (index < 0) return undefined;
  const first = lines[index]!.trim().replace(/^DLMATRIX-BUILD-ERROR: /, '');
  const following = lines.slice(index + 1, index + 12);
  // rustc: `  --> src/lib.rs:13:5`, then ` |`, `13 |     1`, `   |     ^ expected ...`.
  const location = following.findIndex((line) => /^\s*-->\s/.test(line));
  if (location >= 0 && location < 3) {
    const code = following.slice(location + 1).filter((line) => /^\s*\d+\s+\|/.test(line) || /^\s*\|\s*\^/.test(line)).slice(0, 2);
    return [first, following[location]!.trim(), ...code.map((line) => line.replace(/^\s*(\d+\s+\|)/, '$1'))].join('\n');
  }
  if (LINKER_FAILED.test(first)) {
    // rustc's "linking with `cc` failed" says nothing; the linker's own line under it does.
    const linker = lines.slice(index + 1, index + 60).map((line) => line.replace(/^\s*(= note:)?\s*/, ''));
    const cause = linker.find((line) => LINKER_MISSING.test(line)) ?? linker.find((line) => /undefined reference to/.test(line));
    if (cause) return `${first}\ncaused by: ${cause}`;
  }
  if (CAUSED_BY.test(first)) {
    const cause = following.findIndex((line) => /^\s*Caused by:/.test(line));
    const reason = cause >= 0 ? following.slice(cause + 1).find((line) => line.trim() !== '') : undefined;
    if (reason) return `${first}\ncaused by: ${reason.trim()}`;
  }
  return first;
}

/**
 * What each cell of an environment that did not build says: the decisive line and a pointer to
 * the environment, which carries the whole error once (reports show it there, not per cell).
 */
export function buildErrorPointer(environmentKey: string, buildError: string): string {
  const first = buildError.split('\n')[0] ?? '';
  // e.g. "its environment trixie/py-system/np-latest did not build: error[E0308]: mismatched types (...)"
  return `its environment ${environmentKey} did not build: ${first} (the whole error is shown once, with the environment)`;
}

function clip(text: string): string {
  return text.length > MAX_CHARS ? `${text.slice(0, 600)}\n…\n${text.slice(-(MAX_CHARS - 600))}` : text;
}
