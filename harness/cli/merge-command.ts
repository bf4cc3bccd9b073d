// `dlmatrix merge DIR...`: one set of reports from the shards' results. Cells the shards planned
// but none of the inputs has (a shard's artifact is missing) are listed, reported as failures
// that did not run, and make the merge exit 1.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Multiplexer } from '../report/multiplexer.ts';
import { createReporters, reporterNames, REPORTER_NAMES } from '../report/reporter-names.ts';
import { assembleResults } from '../results/assemble.ts';
import { mergeResults } from '../results/merge.ts';
import type { PlannedCellRef } from '../results/not-run.ts';
import { readResultsFile } from '../results/results-file.ts';
import { ShardMismatchError, shardCoverage } from '../results/shard-coverage.ts';
import { missedCount } from '../results/summary.ts';
import { parseCommandArgs, UsageError } from './args.ts';
import { EXIT } from './exit-codes.ts';
import { loadPlan } from './load-plan.ts';
import { withOutDir } from './out-dir.ts';
import { reportWriteFailures, writtenReportFiles } from './report-failures.ts';

export const MERGE_HELP = `Usage: dlmatrix merge DIR|FILE... [options]

Combines the results.json of shards (\`dlmatrix run --shard i/n\`) into one set of reports.
Each argument is a results.json or a folder holding one. When the inputs are shards, every
cell the shards planned must be there: missing ones (a shard's artifact never arrived) are
listed, shown as failed cells that did not run in every report, and the merge exits 1.

Options:
  --out DIR          where the merged reports go (default: reports)
  --config FILE      matrix file, to order cells and know which cells the shards planned
                     (default: the one recorded in the results, if it exists)
  --baseline FILE    an earlier results.json: mark cells whose outcome changed
  --reporter LIST    comma-separated: ${REPORTER_NAMES.join(', ')} (default as for run:
                     list or line, json, junit, html, and github on GitHub Actions);
                     results.json is always written
  -h, --help         show this help

Exit codes: 0 every merged cell met its expectation, 1 some did not or planned cells are
missing, 2 bad arguments or files (or --out in use by another dlmatrix command),
4 a report could not be written (the message says which file and why).

Example:
  npx dlmatrix merge shard-1 shard-2 shard-3 --out reports
`;

const MISSING_SHOWN = 20;

/** The shards the inputs are, if any; inputs from different sharded runs are a usage error. */
function shardsOf(parts: Parameters<typeof shardCoverage>[0]) {
  try {
    return shardCoverage(parts);
  } catch (err) {
    if (err instanceof ShardMismatchError) throw new UsageError(err.message);
    throw err;
  }
}

export async function mergeCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    'merge',
    argv,
    {
      out: { type: 'string', default: 'reports' },
      config: { type: 'string' },
      baseline: { type: 'string' },
      reporter: { type: 'string', multiple: true, default: [] },
    },
    true,
  );
  if (values.help) {
    process.stdout.write(MERGE_HELP);
    return EXIT.ok;
  }
  if (positionals.length === 0) throw new UsageError('merge needs at least one results.json or folder holding one');
  const names = reporterNames(values.reporter!, { interactive: Boolean(process.stderr.isTTY) && !process.env.CI, env: process.env });
  const parts = positionals.map((path) => {
    const file = existsSync(path) && statSync(path).isDirectory() ? join(path, 'results.json') : path;
    return { file, results: readResultsFile(file) };
  });
  const coverage = shardsOf(parts);
  const configPath = values.config ?? parts[0]!.results.matrixFile;
  const haveMatrix = existsSync(configPath);
  let planned: PlannedCellRef[] = [];
  if (haveMatrix) {
    const selection = coverage?.selection ?? { only: [], cells: [] };
    planned = loadPlan({ configPath, only: selection.only, cellIds: selection.cells }, () => {}).plan.cells;
  }
  const { record, duplicates, missing } = mergeResults(
    parts.map((part) => part.results),
    { planned, requireAll: coverage !== undefined && haveMatrix },
  );
  const warn = (line: string) => process.stderr.write(`dlmatrix merge: ${line}\n`);
  if (duplicates.length) warn(`${duplicates.length} cells appear in more than one input; the last one was kept (e.g. ${duplicates[0]})`);
  if (coverage?.missing.length) warn(`no results from shard ${coverage.missing.map((i) => `${i}/${coverage.count}`).join(', ')}: its artifact is missing`);
  if (coverage && !haveMatrix) warn(`cannot check that every planned cell is there: matrix file ${configPath} not found (pass --config)`);
  if (missing.length) {
    const shown = missing.slice(0, MISSING_SHOWN).map((id) => `  ${id}`);
    const more = missing.length > MISSING_SHOWN ? [`  … and ${missing.length - MISSING_SHOWN} more (all in the reports)`] : [];
    warn(`${missing.length} planned ${missing.length === 1 ? 'cell is' : 'cells are'} missing from the shard results, reported as failures that did not run:\n${[...shown, ...more].join('\n')}`);
  }

  const baseline = values.baseline ? readResultsFile(values.baseline) : undefined;
  const { results, diff } = assembleResults(record, baseline);
  return withOutDir(values.out!, { command: 'merge', warn: (line) => process.stderr.write(`${line}\n`) }, async (outDir) => {
    const reporter = new Multiplexer(createReporters(names, { outDir }));
    await reporter.onEnd(results, diff);
    const written = writtenReportFiles(names, reporter);
    process.stderr.write(`merged ${parts.length} results${written.length ? ` into ${values.out}: ${written.join(', ')}` : ''}\n`);
    if (reportWriteFailures(reporter)) return EXIT.reports;
    // A missing shard with no matrix to list its cells is still a failure: the merge is incomplete.
    return missedCount(results.summary) > 0 || (coverage?.missing.length ?? 0) > 0 ? EXIT.failed : EXIT.ok;
  });
}
