// A run into a folder whose journal was never turned into reports (the run was killed, or its
// reports could not be written) first keeps that journal: it moves, whole, to
// OUT/interrupted-run/ (then interrupted-run-2/, -3/ ...: every such run is kept until the user
// removes it), and its reports are written there. The move comes first, so a journal is never
// overwritten, also when its reports cannot be written or it cannot be read at all.
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { JOURNAL_FILE, JournalError, journalEnded, readJournal } from '../results/journal.ts';
import { describeRecovery, writeRecovered } from './report-command.ts';

export const INTERRUPTED_RUN = 'interrupted-run';

export async function keepInterruptedRun(outDir: string, shownAs: string, warn: (line: string) => void): Promise<string | undefined> {
  const journal = join(outDir, JOURNAL_FILE);
  if (!existsSync(journal)) return undefined;
  if (statSync(journal).size === 0) {
    rmSync(journal); // a run killed before its first line: nothing to keep
    return undefined;
  }
  if (journalEnded(journal)) return undefined; // its reports were written: the new run replaces them
  const target = freeFolder(outDir, INTERRUPTED_RUN);
  const shownTarget = join(shownAs, target.slice(outDir.length + 1));
  mkdirSync(target);
  renameSync(journal, join(target, JOURNAL_FILE));
  let recovered;
  try {
    recovered = readJournal(join(target, JOURNAL_FILE));
  } catch (error) {
    if (!(error instanceof JournalError)) throw error;
    warn(`dlmatrix: the journal of the previous run into ${shownAs} cannot be read, so it is kept as it was in ${shownTarget}: ${error.message}`);
    return target;
  }
  for (const problem of recovered.problems) warn(`dlmatrix: ${problem}`);
  const { failed } = await writeRecovered(recovered, target);
  const what = recovered.finished ? 'did not write its reports' : 'was killed';
  if (!failed) warn(`dlmatrix: the previous run into ${shownAs} ${what}: ${describeRecovery(recovered)}; its reports are in ${shownTarget}`);
  else warn(`dlmatrix: the previous run into ${shownAs} ${what}; its reports could not be written, its journal is kept in ${shownTarget} (\`dlmatrix report ${shownTarget}\` writes them)`);
  return target;
}

/** OUT/name, or OUT/name-2, -3 ...: the first that does not exist. */
function freeFolder(outDir: string, name: string): string {
  for (let n = 1; ; n++) {
    const candidate = join(outDir, n === 1 ? name : `${name}-${n}`);
    if (!existsSync(candidate)) return candidate;
  }
}
