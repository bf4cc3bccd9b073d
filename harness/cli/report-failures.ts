// After the reports are written: if any could not be (the Multiplexer has already said which
// file and why), one closing line, and the command exits 4 instead of looking successful.
import type { Multiplexer } from '../report/multiplexer.ts';

/** True when a report could not be written; prints the closing line. */
export function reportWriteFailures(reporter: Multiplexer): boolean {
  const failed = [...new Set(reporter.endFailures.map((failure) => failure.reporter))];
  if (failed.length === 0) return false;
  process.stderr.write(`dlmatrix: ${failed.length === 1 ? 'a report' : `${failed.length} reports`} could not be written (${failed.join(', ')}): exit code 4\n`);
  return true;
}
