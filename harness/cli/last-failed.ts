// --last-failed: the cells that failed in the last run written into --out (its results.json),
// as pytest's --lf reruns the tests that failed last time. With nothing recorded, or nothing
// failed, every selected cell runs (pytest's default, --lfnf=all), and the run says so.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readResultsFile } from '../results/results-file.ts';

export interface LastFailed {
  /** The ids that failed (verdict fail), in the order they were reported. */
  failed: string[];
  /** Where they were read, for messages. */
  from: string;
}

export function readLastFailed(outDir: string): LastFailed {
  const from = join(outDir, 'results.json');
  if (!existsSync(from)) return { failed: [], from };
  return { failed: readResultsFile(from).cells.filter((cell) => cell.verdict === 'fail').map((cell) => cell.id), from };
}
