// `dlmatrix init`: writes a commented matrix.yaml for the Cargo project in a folder and prints the
// next command.
import { existsSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseCommandArgs } from './args.ts';
import { EXIT } from './exit-codes.ts';
import { InitError, readCargoProject } from './init/cargo-project.ts';
import { planInit } from './init/init-plan.ts';
import { renderMatrix } from './init/matrix-template.ts';
import { dlmatrixVersion } from './version.ts';

export const INIT_HELP = `Usage: dlmatrix init [options]

Writes matrix.yaml for the Cargo package or workspace in the current folder (or --dir): finds the
cdylib, its PyO3 version (Cargo.lock, else Cargo.toml), the exported \`extern "C"\` functions
without arguments it can call, the Debian suites whose Python that PyO3 supports, a cargo feature
that looks like an in-library fix, and the project's own host binaries (as commented loaders).

Options:
  --dir DIR    the Cargo project (default: the current folder); matrix.yaml is written there
  --force      overwrite an existing matrix.yaml
  -h, --help   show this help

Exit codes: 0 written, 2 not a Cargo project with a cdylib, matrix.yaml exists, or bad arguments.

Examples:
  cd my-pyo3-lib && npx dlmatrix init && npx dlmatrix plan
  npx dlmatrix init --dir crates/mylib --force
`;

export async function initCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('init', argv, { dir: { type: 'string', default: '.' }, force: { type: 'boolean', default: false } });
  if (values.help) {
    process.stdout.write(INIT_HELP);
    return EXIT.ok;
  }
  const root = resolve(values.dir!);
  const target = join(root, 'matrix.yaml');
  const shown = relative(process.cwd(), target) || target;
  if (existsSync(target) && !values.force) {
    process.stderr.write(`dlmatrix init: ${shown} already exists; run with --force to overwrite it\n`);
    return EXIT.usage;
  }
  let plan;
  try {
    plan = planInit(readCargoProject(root));
  } catch (err) {
    if (!(err instanceof InitError)) throw err;
    process.stderr.write(`dlmatrix init: ${err.message}\n`);
    return EXIT.usage;
  }
  writeFileSync(target, renderMatrix(plan, dlmatrixVersion()));
  for (const note of plan.notes) process.stderr.write(`note: ${note}\n`);
  const entry = plan.entries[0];
  process.stdout.write(
    `wrote ${shown}: ${plan.library.name} (${plan.libraryPath}), entry ${entry ? entry.name : '(none: set one)'}, ` +
      `PyO3 ${plan.pyo3?.version ?? '?'}, distros ${plan.distros.filter((d) => d.supported).map((d) => d.distro).join(', ')}\n` +
      `next: ${values.dir === '.' ? '' : `cd ${values.dir} && `}npx dlmatrix plan   # then: npx dlmatrix run\n`,
  );
  return EXIT.ok;
}
