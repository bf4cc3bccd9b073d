// The text a build error shows: first the line that says what went wrong (rustc's or PyO3's
// `error: ...`, apt's `E: ...`, pip's `ERROR: ...`), then which image and step failed, then the
// last lines of that step's output (the whole log is in reports/logs/).
import { BuildFailedError } from '../docker/container-client.ts';

const MAX_CHARS = 4000;
const TELLING_LINE = /^\s*(?:#\d+\s+)?(error(\[E\d+\])?:|E: |ERROR: |DLMATRIX-BUILD-ERROR: )/;
/** cargo's summaries of an error printed above them: the specific line says more. */
const GENERIC = /failed to run custom build command|could not compile|aborting due to|DLMATRIX-BUILD-ERROR/;

export function buildErrorText(err: unknown): string {
  const message = (err as Error)?.message ?? String(err);
  if (!(err instanceof BuildFailedError) || !err.logTail) return clip(message);
  const lines = err.logTail.split('\n');
  const telling = lines.find((line) => TELLING_LINE.test(line) && !GENERIC.test(line)) ?? lines.find((line) => TELLING_LINE.test(line));
  const headline = telling ? `${telling.trim().replace(/^DLMATRIX-BUILD-ERROR: /, '')}\n` : '';
  return clip(`${headline}${message}\n--- last lines of the failed step ---\n${err.logTail}`);
}

function clip(text: string): string {
  return text.length > MAX_CHARS ? `${text.slice(0, 600)}\n…\n${text.slice(-(MAX_CHARS - 600))}` : text;
}
