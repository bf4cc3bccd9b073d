// `dlmatrix diff OLD NEW`: which cells changed outcome between two runs, regressions first.
import { diffResults, formatDiffForTerminal } from '../results/diff.ts';
import { readResultsFile } from '../results/results-file.ts';
import { parseCommandArgs, UsageError } from './args.ts';
import { EXIT } from './exit-codes.ts';

export const DIFF_HELP = `Usage: dlmatrix diff OLD NEW

Compares two results.json files cell by cell (by cell id) and lists regressions first, then
fixes, other changes, new and removed cells.

Options:
  --json       machine-readable output
  -h, --help   show this help

Exit codes: 0 no regression, 1 at least one regression, 2 bad arguments or files.

Example:
  npx dlmatrix diff main-results/results.json reports/results.json
`;

export async function diffCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('diff', argv, { json: { type: 'boolean', default: false } }, true);
  if (values.help) {
    process.stdout.write(DIFF_HELP);
    return EXIT.ok;
  }
  if (positionals.length !== 2) throw new UsageError('diff needs exactly two results.json files: OLD NEW');
  const diff = diffResults(readResultsFile(positionals[0]), readResultsFile(positionals[1]));
  process.stdout.write(values.json ? `${JSON.stringify(diff, null, 2)}\n` : formatDiffForTerminal(diff, { color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR }));
  return diff.changes.some((change) => change.kind === 'regression') ? EXIT.failed : EXIT.ok;
}
