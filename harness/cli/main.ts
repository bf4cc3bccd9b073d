// `dlmatrix <command>`: dispatches to a command and maps known errors to exit codes.
import { formatDiagnostic, MatrixFileError } from '../matrix/diagnostics.ts';
import { FilterError } from '../plan/filter.ts';
import { ShardError } from '../plan/shard.ts';
import { ReporterNameError } from '../report/reporter-names.ts';
import { ResultsFileError } from '../results/results-file.ts';
import { closest } from '../matrix/suggest.ts';
import { UsageError } from './args.ts';
import { EXIT } from './exit-codes.ts';
import { diffCommand } from './diff-command.ts';
import { cleanCommand } from './clean-command.ts';
import { imagesCommand } from './images-command.ts';
import { reportCommand } from './report-command.ts';
import { doctorCommand } from './doctor-command.ts';
import { initCommand } from './init-command.ts';
import { mergeCommand } from './merge-command.ts';
import { planCommand } from './plan-command.ts';
import { runCommand } from './run-command.ts';
import { dlmatrixVersion } from './version.ts';

export const MAIN_HELP = `Usage: dlmatrix <command> [options]

Test whether a PyO3 library loaded with dlopen() can import NumPy, across distros, Python and
NumPy versions, loaders (C, Rust, Node) and dlopen flags, each cell in Docker.

Commands:
  run      build the environments and run the matrix (default matrix.yaml), write reports
  plan     show the cells and builds a matrix expands to, without running anything
  merge    combine the results.json of shards into one set of reports
  diff     compare two results.json files (regressions first)
  report   write the reports of a run that was killed, from its journal (results.jsonl)
  clean    remove containers of dead runs and images the matrix does not use
  images   save or load the matrix's images to or from a folder (for CI caches)
  doctor   check what a run needs (Docker, cgroups, disk, base images, HTTPS); --fix sets it up
  init     write a commented matrix.yaml for the Cargo project in this folder

Run \`dlmatrix help <command>\` (or \`dlmatrix <command> --help\`) for a command's options;
\`dlmatrix --version\` (-V) prints the version.

Examples:
  npx dlmatrix run
  npx dlmatrix plan --only distro=bookworm
  npx dlmatrix merge shard-*/ --out reports
  npx dlmatrix diff old/results.json reports/results.json
`;

const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  run: runCommand,
  plan: planCommand,
  merge: mergeCommand,
  diff: diffCommand,
  report: reportCommand,
  clean: cleanCommand,
  images: imagesCommand,
  doctor: doctorCommand,
  init: initCommand,
};

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--version' || command === '-V') {
    process.stdout.write(`${dlmatrixVersion()}\n`);
    return EXIT.ok;
  }
  // `dlmatrix help run` is `dlmatrix run --help`, as with git and cargo.
  if (command === 'help' && rest.length > 0) return main([rest[0]!, '--help']);
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(MAIN_HELP);
    return command ? EXIT.ok : EXIT.usage;
  }
  const handler = COMMANDS[command];
  if (!handler) {
    const guess = closest(command, Object.keys(COMMANDS));
    const hint = guess ? `did you mean \`dlmatrix ${guess}\`?` : `commands: ${Object.keys(COMMANDS).join(', ')}`;
    process.stderr.write(`dlmatrix: unknown command "${command}": ${hint}\nRun \`dlmatrix --help\` for what each command does.\n`);
    return EXIT.usage;
  }
  try {
    return await handler(rest);
  } catch (err) {
    if (err instanceof MatrixFileError) {
      for (const diagnostic of err.diagnostics) process.stderr.write(`${formatDiagnostic(diagnostic)}\n`);
      return EXIT.usage;
    }
    if (err instanceof UsageError || err instanceof FilterError || err instanceof ShardError || err instanceof ResultsFileError || err instanceof ReporterNameError) {
      process.stderr.write(`dlmatrix ${command}: ${err.message}\n`);
      return EXIT.usage;
    }
    throw err;
  }
}
