// `dlmatrix init`: writes a commented matrix.yaml for the Cargo project in a folder, from what the
// project's files, its locked crates and the distros' toolchain images say, and prints the next
// command. With --with-fix it first adds the in-library fix crate to the project.
import { mkdirSync, mkdtempSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { CargoProjectError, enclosingWorkspace, readCargoProject, type CargoProject } from '../cargo/cargo-project.ts';
import { DockerodeClient } from '../docker/dockerode-client.ts';
import { ImageBuilder } from '../docker/images.ts';
import { defaultCacheDir } from '../pypi/package-index.ts';
import { parseCommandArgs } from './args.ts';
import { EXIT } from './exit-codes.ts';
import { hostCaBundle } from './host-ca.ts';
import { cargoFetch, readCrateFacts, type Fetch } from './init/crate-facts.ts';
import { readDistroFacts, uncheckedDistros, type DistroFacts } from './init/distro-facts.ts';
import { addFix, describeFix, type AddedFix } from './init/fix-crate.ts';
import { findCHosts, findRustHosts } from './init/host-programs.ts';
import { chooseLibrary, InitError, planInit, type InitPlan } from './init/init-plan.ts';
import { renderMatrix } from './init/matrix-template.ts';
import { dlmatrixVersion } from './version.ts';

export const INIT_HELP = `Usage: dlmatrix init [options]

Writes matrix.yaml for the Cargo package or workspace in the current folder (or --dir), from what
the project says about itself:
  - the cdylib to test, and the exported \`extern "C"\` functions without arguments it can call;
  - the CPython range of the PyO3 it locks (pyo3-ffi's own build configuration, read from cargo's
    registry; \`cargo fetch\` downloads the locked crates when they are not there);
  - each distro's python3 and cargo, from its dlmatrix toolchain image (built once when missing,
    as a run would), checked against that range and against what the project's edition,
    rust-version, Cargo.lock and locked crates need: a distro that cannot build it is left out,
    with why;
  - the project's programs that open the library (libloading, dlopen2 or dlopen; the path and
    flags from their command line or written in their code, and then the build profile it names)
    or link it (a dependency, #[link], or a build script): each becomes a loader with the
    expectation it must meet; C programs calling dlopen() get a commented \`loaders:\` stub.

Options:
  --dir DIR      the Cargo project (default: the current folder); matrix.yaml is written there
  --force        overwrite an existing matrix.yaml
  --with-fix     first copy the in-library fix (the promote-libpython crate) into the project and
                 add it to the library's Cargo.toml as an optional dependency with a feature;
                 prints the call to add to the code
  --no-docker    do not read the distros' toolchains: every distro is listed, marked as not
                 checked (also what happens when no Docker engine answers)
  -h, --help     show this help

Exit codes: 0 written, 2 not a Cargo project with a cdylib, no distro can build it, matrix.yaml
exists, or bad arguments.

Examples:
  cd my-pyo3-lib && npx dlmatrix init && npx dlmatrix plan
  npx dlmatrix init --with-fix --force
  npx dlmatrix init --dir crates/mylib --no-docker
`;

/** Where init gets the facts it cannot read from the project's files (doubles in tests). */
export interface InitSources {
  /** The candidate distros' python3 and cargo; log prints progress. */
  distros(log: (line: string) => void): Promise<DistroFacts[]>;
  /** Downloads the locked crates' sources (`cargo fetch`). */
  fetch: Fetch | undefined;
}

export const TOOLCHAIN_SOURCES: InitSources = { distros: toolchainDistroFacts, fetch: cargoFetch };

export async function initCommand(argv: string[], sources: InitSources = TOOLCHAIN_SOURCES): Promise<number> {
  const { values } = parseCommandArgs('init', argv, {
    dir: { type: 'string', default: '.' },
    force: { type: 'boolean', default: false },
    'with-fix': { type: 'boolean', default: false },
    'no-docker': { type: 'boolean', default: false },
  });
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
  const log = (line: string) => process.stderr.write(`${line}\n`);
  let plan: InitPlan;
  let fix: AddedFix | undefined;
  try {
    let project = readProject(root);
    if (values['with-fix']) {
      fix = addFix(root, chooseLibrary(project));
      project = readProject(root);
    }
    const crates = readCrateFacts(root, sources.fetch);
    if (crates.fetched) log('dlmatrix init: fetched the locked crates with `cargo fetch`');
    const distros = values['no-docker'] ? uncheckedDistros('--no-docker') : await sources.distros(log);
    const library = chooseLibrary(project);
    plan = planInit(project, crates, distros, findRustHosts(project, library), findCHosts(root));
    if (!plan.distros.some((d) => d.chosen)) {
      throw new InitError(`no distro can build ${plan.library.name}:\n${plan.distros.map((d) => `  ${d.distro}: ${d.reason}`).join('\n')}`);
    }
  } catch (err) {
    if (!(err instanceof InitError)) throw err;
    process.stderr.write(`dlmatrix init: ${err.message}\n`);
    return EXIT.usage;
  }
  writeFileSync(target, renderMatrix(plan, dlmatrixVersion()));
  for (const note of plan.notes) process.stderr.write(`note: ${note}\n`);
  if (fix) process.stdout.write(describeFix(fix, plan.entries[0], plan.promote?.ready ?? false));
  const entry = plan.entries[0];
  const chosen = plan.distros.filter((d) => d.chosen).map((d) => d.distro);
  const left = plan.distros.filter((d) => !d.chosen).map((d) => `${d.distro} (${d.reason})`);
  const loaders = [...plan.builtinLoaders, ...plan.loaders.map((l) => l.name)];
  process.stdout.write(
    `wrote ${shown}: ${plan.library.name} (${plan.libraryPath}), entry ${entry ? entry.name : '(none: set one)'}, ` +
      `PyO3 ${plan.pyo3?.version ?? '?'}, distros ${chosen.join(', ')}, loaders ${loaders.join(', ') || '(none)'}\n` +
      (left.length ? `left out: ${left.join('; ')}\n` : '') +
      `next: ${values.dir === '.' ? '' : `cd ${values.dir} && `}npx dlmatrix plan   # then: npx dlmatrix run\n`,
  );
  return EXIT.ok;
}

function readProject(root: string): CargoProject {
  try {
    const project = readCargoProject(root);
    if (!project.isWorkspace) {
      const parent = enclosingWorkspace(root);
      if (parent) throw new InitError(`${root} is a member of the Cargo workspace in ${parent}: run \`dlmatrix init\` there`);
    }
    return project;
  } catch (err) {
    if (!(err instanceof CargoProjectError)) throw err;
    const message = err.message.startsWith('no Cargo.toml in')
      ? `${err.message}: run \`dlmatrix init\` in the folder of your Cargo package or workspace (or pass --dir)`
      : err.message;
    throw new InitError(message);
  }
}

/** The distros' facts from their toolchain images, built where missing (as the run would build them). */
async function toolchainDistroFacts(log: (line: string) => void): Promise<DistroFacts[]> {
  const client = new DockerodeClient();
  try {
    await client.ping();
  } catch (error) {
    return uncheckedDistros(`no Docker engine answered (${(error as Error).message.split('\n')[0]}); run \`dlmatrix doctor\`, then init again`);
  }
  const workDir = mkdtempSync(join(tmpdir(), 'dlmatrix-init-'));
  const logDir = join(defaultCacheDir(), 'logs');
  mkdirSync(logDir, { recursive: true });
  log('dlmatrix init: reading each distro\'s python3 and cargo from its toolchain image (built once where missing; a first build takes minutes)');
  try {
    const builder = new ImageBuilder(client, {
      // Only toolchains are asked for: they hold nothing of the project.
      project: { dir: workDir, build: '', entry: '', entryKind: 'void', variants: [], linked: [], loaders: [] },
      cacheDir: defaultCacheDir(),
      caBundle: hostCaBundle('auto'),
      workDir,
      logDir,
      buildJobs: 2,
      log: (line) => log(`  ${line}`),
    });
    return await readDistroFacts(builder);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}
