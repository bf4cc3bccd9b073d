// `dlmatrix report DIR`: writes results.json and the reports from DIR/results.jsonl, the journal a
// run keeps as it goes. After a run was killed (kill -9, a CI cancel), the cells it had finished
// are all there; the ones it had not are marked as not run.
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Multiplexer } from '../report/multiplexer.ts';
import { createReporters, reporterNames, REPORTER_NAMES } from '../report/reporter-names.ts';
import { assembleResults } from '../results/assemble.ts';
import { JOURNAL_FILE, JournalError, readJournal, type RecoveredRun } from '../results/journal.ts';
import type { RunResults } from '../results/run-results.ts';
import { missedCount } from '../results/summary.ts';
import { parseCommandArgs, UsageError } from './args.ts';
import { EXIT } from './exit-codes.ts';
import { withOutDir } from './out-dir.ts';
import { reportWriteFailures, writtenReportFiles } from './report-failures.ts';

export const REPORT_HELP = `Usage: dlmatrix report DIR [options]

Writes results.json, junit.xml and index.html (and what --reporter asks for) from DIR/${JOURNAL_FILE},
the journal every run keeps as cells finish. Use it after a run was killed before it could write
its reports (kill -9, a cancelled CI job, a full disk): the finished cells are kept, the others
are marked "not run" (failures: they should have run). The journal is read line by line at any
size; a line it cannot use is named and left out. (A new run into the same folder does this by
itself: it moves the journal to DIR/interrupted-run[-N] and writes its reports there.)

Options:
  --out DIR          where the reports go (default: the journal's folder)
  --reporter NAMES   comma-separated: ${REPORTER_NAMES.join(', ')} (results.json is always written)
  -h, --help         show this help

Exit codes: 0 the run had finished and every cell met its expectation, 1 some did not or the
run had not finished, 2 bad arguments, a journal with nothing to recover (empty, not a journal;
the message names the line), or --out in use by another dlmatrix command, 4 a report could not
be written (the message says which file and why).

Example:
  npx dlmatrix report reports
`;

export async function reportCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('report', argv, { out: { type: 'string' }, reporter: { type: 'string', multiple: true, default: [] } }, true);
  if (values.help) {
    process.stdout.write(REPORT_HELP);
    return EXIT.ok;
  }
  if (positionals.length !== 1) throw new UsageError('report needs one folder (the --out of the run) or its results.jsonl');
  const journal = existsSync(positionals[0]) && statSync(positionals[0]).isDirectory() ? join(positionals[0], JOURNAL_FILE) : positionals[0];
  if (!existsSync(journal)) throw new UsageError(`${journal} does not exist: give the --out folder of a run`);
  if (statSync(journal).isDirectory()) throw new UsageError(`${journal} is a folder: give the --out folder of a run or its ${JOURNAL_FILE}`);
  let recovered: RecoveredRun;
  try {
    recovered = readJournal(journal);
  } catch (error) {
    // Nothing recoverable (empty, not a journal, its first line unusable): bad input, exit 2.
    if (error instanceof JournalError) throw new UsageError(error.message);
    throw error;
  }
  for (const problem of recovered.problems) process.stderr.write(`dlmatrix report: ${problem}\n`);
  const out = values.out ?? dirname(journal);
  const names = reporterNames(values.reporter!, { interactive: Boolean(process.stderr.isTTY) && !process.env.CI, env: process.env });
  return withOutDir(out, { command: 'report', warn: (line) => process.stderr.write(`${line}\n`) }, async (outDir) => {
    const { results, written, failed } = await writeRecovered(recovered, outDir, names);
    process.stderr.write(`${describeRecovery(recovered)}${written.length ? `; reports in ${out}: ${written.join(', ')}` : ''}\n`);
    if (failed) return EXIT.reports;
    return missedCount(results.summary) > 0 || results.interrupted ? EXIT.failed : EXIT.ok;
  });
}

export interface WrittenRun {
  results: RunResults;
  /** The report files written. */
  written: string[];
  /** A report could not be written (the reason is printed). */
  failed: boolean;
}

/** Writes the reports of a recovered run, through the one assembly every command uses. */
export async function writeRecovered(
  recovered: RecoveredRun,
  outDir: string,
  names = reporterNames(['json', 'junit', 'html'], { interactive: false, env: {} }),
): Promise<WrittenRun> {
  const { results } = assembleResults(recovered.record);
  const reporter = new Multiplexer(createReporters(names, { outDir }));
  await reporter.onEnd(results);
  return { results, written: writtenReportFiles(names, reporter), failed: reportWriteFailures(reporter) };
}

export function describeRecovery(recovered: RecoveredRun): string {
  const finished = recovered.record.cells.length - recovered.unfinished;
  return recovered.finished
    ? `the run had finished: ${finished} cells`
    : `recovered ${finished} finished cells of an interrupted run; ${recovered.unfinished} not run`;
}
