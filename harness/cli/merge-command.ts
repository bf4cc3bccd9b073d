// `dlmatrix merge DIR...`: one results.json, junit.xml and index.html from the shards' results.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileReporters } from '../report/file-reporters.ts';
import { Multiplexer } from '../report/multiplexer.ts';
import { mergeResults } from '../results/merge.ts';
import { readResultsFile } from '../results/results-file.ts';
import { parseCommandArgs, UsageError } from './args.ts';
import { EXIT } from './exit-codes.ts';
import { loadPlan } from './load-plan.ts';

export const MERGE_HELP = `Usage: dlmatrix merge DIR|FILE... [options]

Combines the results.json of shards (\`dlmatrix run --shard i/n\`) into one results.json,
junit.xml and index.html. Each argument is a results.json or a folder holding one.

Options:
  --out DIR          where the merged reports go (default: reports)
  --config FILE      matrix file, to order cells as a single run would (default: the one
                     recorded in the results, if it exists)
  --baseline FILE    an earlier results.json: mark cells whose outcome changed
  -h, --help         show this help

Exit codes: 0 every merged cell met its expectation, 1 some did not, 2 bad arguments or files.

Example:
  npx dlmatrix merge shard-1 shard-2 shard-3 --out reports
`;

export async function mergeCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    'merge',
    argv,
    { out: { type: 'string', default: 'reports' }, config: { type: 'string' }, baseline: { type: 'string' } },
    true,
  );
  if (values.help) {
    process.stdout.write(MERGE_HELP);
    return EXIT.ok;
  }
  if (positionals.length === 0) throw new UsageError('merge needs at least one results.json or folder holding one');
  const parts = positionals.map((path) => readResultsFile(existsSync(path) && statSync(path).isDirectory() ? join(path, 'results.json') : path));
  const configPath = values.config ?? parts[0].matrixFile;
  const order = existsSync(configPath) ? loadPlan({ configPath, only: [], cellIds: [] }, () => {}).full.cells.map((c) => c.id) : [];
  const { results, duplicates } = mergeResults(parts, order);
  if (duplicates.length) process.stderr.write(`dlmatrix merge: ${duplicates.length} cells appear in more than one input; the last one was kept (e.g. ${duplicates[0]})\n`);

  const outDir = resolve(values.out!);
  mkdirSync(outDir, { recursive: true });
  const baseline = values.baseline ? readResultsFile(values.baseline) : undefined;
  const reporter = new Multiplexer(fileReporters(outDir, { baseline }));
  await reporter.onEnd(results);
  const s = results.summary;
  process.stderr.write(`merged ${parts.length} results: ${s.total} cells, ${s.passed} passed, ${s.failed} failed, ${s.flaky} flaky, ${s.skipped} skipped -> ${values.out}\n`);
  return s.failed > 0 ? EXIT.failed : EXIT.ok;
}
