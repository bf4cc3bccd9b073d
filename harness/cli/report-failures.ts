// After the reports are written: if any could not be (the Multiplexer has already said which
// file and why), one closing line, and the command exits 4 instead of looking successful.
import type { Multiplexer } from '../report/multiplexer.ts';
import { reportFiles, type ReporterName } from '../report/reporter-names.ts';

/** True when a report could not be written; prints the closing line. */
export function reportWriteFailures(reporter: Multiplexer): boolean {
  const failed = [...new Set(reporter.endFailures.map((failure) => failure.reporter))];
  if (failed.length === 0) return false;
  process.stderr.write(`dlmatrix: ${failed.length === 1 ? 'a report' : `${failed.length} reports`} could not be written (${failed.join(', ')}): exit code 4\n`);
  return true;
}

/** The report files really written, for the closing "reports in DIR: …" line. */
export function writtenReportFiles(names: readonly ReporterName[], reporter: Multiplexer): string[] {
  const failed = new Set(reporter.endFailures.map((failure) => failure.reporter));
  return reportFiles(names.filter((name) => !failed.has(name)));
}
