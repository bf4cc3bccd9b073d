// One assembly of a run's results, used by `run` (its cells as they finished), `report` (the same
// cells read back from the journal) and `merge` (the cells of several results files): the header
// in one key order, the derived parts (duration, summary, findings) computed the same way, and the
// diff against a baseline computed once and handed to every reporter. The same cells give the
// same results.json, byte for byte, whichever command wrote it.
import { diffResults, type ResultsDiff } from './diff.ts';
import { computeFindings } from './findings.ts';
import type { CellResult, EnvironmentInfo, RunHeader, RunResults } from './run-results.ts';
import { summarize } from './summary.ts';

/** What a run (or a merge) gathered: everything results.json holds that is not derived. */
export interface RunRecord {
  header: RunHeader;
  finishedAt: string;
  /** Stopped before every cell ran, or not known to have finished. */
  interrupted: boolean;
  environments: EnvironmentInfo[];
  cells: CellResult[];
}

export interface AssembledRun {
  results: RunResults;
  /** Changes since the baseline, when one was given. */
  diff?: ResultsDiff;
}

export function assembleResults(record: RunRecord, baseline?: RunResults): AssembledRun {
  const { header } = record;
  const results: RunResults = {
    schemaVersion: header.schemaVersion,
    tool: header.tool,
    matrixFile: header.matrixFile,
    startedAt: header.startedAt,
    host: header.host,
    ...(header.shard !== undefined && { shard: header.shard }),
    ...(header.selection !== undefined && { selection: header.selection }),
    finishedAt: record.finishedAt,
    durationMs: Math.max(0, Date.parse(record.finishedAt) - Date.parse(header.startedAt)) || 0,
    interrupted: record.interrupted,
    environments: record.environments,
    cells: record.cells,
    summary: summarize(record.cells),
    findings: computeFindings(record.cells),
  };
  return { results, ...(baseline && { diff: diffResults(baseline, results) }) };
}

/** The header of existing results (a merge keeps the first input's). */
export function headerOf(results: RunResults): RunHeader {
  const { schemaVersion, tool, matrixFile, startedAt, host, shard, selection } = results;
  return { schemaVersion, tool, matrixFile, startedAt, host, shard, selection };
}
