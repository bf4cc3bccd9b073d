// A realistic run of any size, for the report benchmarks (scripts/generate-results.mjs, npm run
// bench -- --report-scale N) and the large-report tests: seeded and deterministic, shaped like a
// big real matrix. Environments are distro x python x numpy (6 x 9 x 28, spread evenly over the
// whole product whatever the size); columns are loader x flags x mitigation (114 of them). What the cells show
// follows the real fixture's behaviour:
//   - RTLD_LOCAL without a mitigation: undefined-symbol, with NumPy's 3-4 KB exception chain and
//     traceback in the probe line (the same text in every loader of an environment);
//   - everything else loads (a 160-byte probe line);
//   - no NumPy wheel for that Python: the environment is skipped, its row folded;
//   - about 3% of the environments that can exist fail to build (a 3 KB log tail in every cell);
//   - Node.js too old for koffi on the oldest distros: those cells are skipped;
//   - the node loader with RTLD_LAZY loads where the matrix expects undefined-symbol: a block of
//     failures a finding explains; rare crashes (unique fault reports), timeouts, import errors
//     and flaky cells scattered at random;
//   - the `host-app` loader is a user's program that logs every step with a timestamp and pid.
import { LAYOUT } from '../image/layout.ts';
import { cellId, environmentKey } from '../plan/cell-id.ts';
import { computeFindings } from '../results/findings.ts';
import type { JournalLine } from '../results/journal.ts';
import type { RunHeader } from '../results/run-results.ts';
import { summarize } from '../results/summary.ts';
import { RESULTS_SCHEMA_VERSION } from '../results/run-results.ts';
import type { CellAxes, CellResult, EnvironmentInfo, Outcome, RunResults, Verdict } from '../results/run-results.ts';
import { crashStderr, extensionPath, failedImportStdout, hostProgramLog, loadedStdout, pipBuildError, type NumpyInstall } from './generated-outputs.ts';

interface Distro {
  name: string;
  python: string;
  numpy: string;
  node: string;
  rustc: string;
  os: string;
}

const DISTROS: Distro[] = [
  { name: 'buster', python: '3.7.3', numpy: '1.16.2', node: 'v10.24.0', rustc: 'rustc 1.41.1', os: 'Debian GNU/Linux 10 (buster)' },
  { name: 'bullseye', python: '3.9.2', numpy: '1.19.5', node: 'v12.22.12', rustc: 'rustc 1.78.0', os: 'Debian GNU/Linux 11 (bullseye)' },
  { name: 'bookworm', python: '3.11.2', numpy: '1.24.2', node: 'v18.19.0', rustc: 'rustc 1.85.0 (4d91de4e4 2025-02-17) (built from a source tarball)', os: 'Debian GNU/Linux 12 (bookworm)' },
  { name: 'trixie', python: '3.13.5', numpy: '2.2.4', node: 'v20.19.2', rustc: 'rustc 1.85.0 (4d91de4e4 2025-02-17) (built from a source tarball)', os: 'Debian GNU/Linux 13 (trixie)' },
  { name: 'forky', python: '3.13.7', numpy: '2.3.4', node: 'v20.19.5', rustc: 'rustc 1.89.0 (29483883e 2025-08-04) (built from a source tarball)', os: 'Debian GNU/Linux forky/sid' },
  { name: 'sid', python: '3.13.9', numpy: '2.3.5', node: 'v22.21.1', rustc: 'rustc 1.91.1 (ed61e7d7e 2025-11-07) (built from a source tarball)', os: 'Debian GNU/Linux forky/sid' },
];

const PYTHONS = ['system', '3.7', '3.8', '3.9', '3.10', '3.11', '3.12', '3.13', '3.14'];
const PATCH: Record<string, string> = { '3.7': '3.7.17', '3.8': '3.8.20', '3.9': '3.9.23', '3.10': '3.10.18', '3.11': '3.11.13', '3.12': '3.12.11', '3.13': '3.13.7', '3.14': '3.14.0' };

/** NumPy pins and the Python minors PyPI has wheels for (first, last). */
const NUMPYS: [string, string, string][] = [
  ['system', '', ''],
  ['oldest', '', ''],
  ['latest', '', ''],
  ['1.17.5', '3.5', '3.8'],
  ['1.18.5', '3.5', '3.8'],
  ['1.19.5', '3.6', '3.9'],
  ['1.20.3', '3.7', '3.9'],
  ['1.21.0', '3.7', '3.9'],
  ['1.21.6', '3.7', '3.10'],
  ['1.22.0', '3.8', '3.10'],
  ['1.22.4', '3.8', '3.10'],
  ['1.23.0', '3.8', '3.11'],
  ['1.23.5', '3.8', '3.11'],
  ['1.24.0', '3.8', '3.11'],
  ['1.24.4', '3.8', '3.11'],
  ['1.25.0', '3.9', '3.11'],
  ['1.25.2', '3.9', '3.11'],
  ['1.26.0', '3.9', '3.12'],
  ['1.26.4', '3.9', '3.12'],
  ['2.0.0', '3.9', '3.12'],
  ['2.0.2', '3.9', '3.12'],
  ['2.1.0', '3.10', '3.12'],
  ['2.1.3', '3.10', '3.13'],
  ['2.2.0', '3.10', '3.13'],
  ['2.2.6', '3.10', '3.13'],
  ['2.3.0', '3.11', '3.14'],
  ['2.3.5', '3.11', '3.14'],
  ['2.4.1', '3.11', '3.14'],
];

const LOADERS = ['c', 'rust', 'node', 'cffi', 'ctypes', 'host-app'];
const FLAGS = ['RTLD_LOCAL|RTLD_NOW', 'RTLD_GLOBAL|RTLD_NOW', 'RTLD_LOCAL|RTLD_LAZY', 'RTLD_GLOBAL|RTLD_LAZY', 'RTLD_LOCAL|RTLD_NOW|RTLD_DEEPBIND', 'RTLD_GLOBAL|RTLD_NOW|RTLD_DEEPBIND'];
const MITIGATIONS = ['none', 'promote', 'preload'];

/** Loader x flags x mitigation, loader first: `linked` only for the loaders that can link. */
export const GENERATED_COLUMNS = LOADERS.flatMap((loader) =>
  [...FLAGS, ...(loader === 'c' || loader === 'rust' ? ['linked'] : [])].flatMap((flags) => MITIGATIONS.map((mitigation) => ({ loader, flags, mitigation }))),
);

/** A small, fast, seeded generator (mulberry32): the same seed gives the same run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const byVersion = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

interface PlannedEnvironment {
  distro: Distro;
  python: string;
  numpy: string;
  info: EnvironmentInfo;
  install?: NumpyInstall;
}

function planEnvironment(distro: Distro, python: string, numpy: string, next: () => number): PlannedEnvironment {
  const axes = { distro: distro.name, python, numpy };
  const key = environmentKey(axes as CellAxes);
  const pythonVersion = python === 'system' ? distro.python : PATCH[python]!;
  const pyMinor = pythonVersion.split('.').slice(0, 2).join('.');
  const wheels = NUMPYS.filter(([, first, last]) => first && byVersion(first, pyMinor) <= 0 && byVersion(pyMinor, last) <= 0).map(([pin]) => pin);
  const resolvedNumpy =
    numpy === 'system' ? (python === 'system' ? distro.numpy : undefined) : numpy === 'oldest' ? wheels[0] : numpy === 'latest' ? wheels.at(-1) : wheels.includes(numpy) ? numpy : undefined;
  const image = `dlmatrix/env:${distro.name}-py${python}-np${numpy}-${Math.floor(next() * 2 ** 48).toString(16).padStart(12, '0')}`;
  const info: EnvironmentInfo = { key, distro: distro.name, python, numpy, resolved: { python: pythonVersion, os: distro.os } };
  if (!resolvedNumpy) {
    const skipReason =
      numpy === 'system'
        ? `numpy: system needs python: system (Debian's python3-numpy is built for Python ${distro.python} only)`
        : `PyPI has no NumPy ${numpy} wheel for Python ${pythonVersion} on this platform`;
    return { distro, python, numpy, info: { ...info, skipReason } };
  }
  info.resolved = { python: pythonVersion, numpy: resolvedNumpy, node: distro.node, rustc: distro.rustc, os: distro.os };
  info.image = image;
  if (next() < 0.03) return { distro, python, numpy, info: { ...info, buildError: pipBuildError(image, resolvedNumpy, pythonVersion, 30 + Math.floor(next() * 30)), buildMs: Math.round(40_000 + next() * 80_000) } };
  info.imageId = `sha256:${Array.from({ length: 4 }, () => Math.floor(next() * 2 ** 32).toString(16).padStart(8, '0')).join('').padEnd(64, '0')}`;
  info.buildMs = Math.round(next() < 0.8 ? next() * 400 : 30_000 + next() * 150_000);
  return { distro, python, numpy, info, install: { python: pythonVersion, numpy: resolvedNumpy, fromDistro: numpy === 'system' } };
}

/**
 * `count` environments of the product, spread evenly over it (seeded), in plan order: about one
 * in six is one that cannot exist (no NumPy wheel for its Python), as in a matrix that lists
 * versions without excluding every impossible pair.
 */
function chooseEnvironments(count: number, next: () => number): PlannedEnvironment[] {
  const all = DISTROS.flatMap((distro) => PYTHONS.flatMap((python) => NUMPYS.map(([numpy]) => planEnvironment(distro, python, numpy, next))));
  if (count >= all.length) return all;
  const shuffled = (list: PlannedEnvironment[]) => {
    const copy = [...list];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
    }
    return copy;
  };
  const possible = shuffled(all.filter((env) => !env.info.skipReason));
  const impossible = shuffled(all.filter((env) => env.info.skipReason));
  const skipped = Math.max(count - possible.length, Math.min(impossible.length, Math.round(count / 6)));
  const chosen = new Set([...impossible.slice(0, skipped), ...possible.slice(0, count - skipped)]);
  return all.filter((env) => chosen.has(env));
}

const LIBRARY = `${LAYOUT.variants}/plain/src/pyo3-numpy/target/release/libdlmatrix_fixture.so`;
const PROMOTED = `${LAYOUT.variants}/promote/src/pyo3-numpy/target/release/libdlmatrix_fixture.so`;
const LOADER_COMMAND: Record<string, string[]> = {
  c: [`${LAYOUT.bin}/loader-c`],
  rust: [`${LAYOUT.bin}/loader-rust`],
  node: ['node', LAYOUT.nodeLoader],
  cffi: ['python3', '/work/hosts/cffi_host.py'],
  ctypes: ['python3', '/work/hosts/ctypes_host.py'],
  'host-app': ['/work/hosts/target/release/host-app'],
};

function command(env: PlannedEnvironment, loader: string, flags: string, mitigation: string): string[] {
  const library = mitigation === 'promote' ? PROMOTED : LIBRARY;
  const preload = mitigation === 'preload' ? [`LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libpython${env.install!.python.split('.').slice(0, 2).join('.')}.so.1.0`] : [];
  if (flags === 'linked') return ['env', '-C', library.replace(/\/target\/.*/, ''), ...preload, `${LAYOUT.bin}/linked-${loader}`, 'probe', 'numpy'];
  return ['env', '-C', library.replace(/\/target\/.*/, ''), ...preload, ...LOADER_COMMAND[loader]!, library, flags, 'dlmatrix_probe', 'probe', 'numpy'];
}

const judge = (outcome: Outcome, expected: Outcome[]): Verdict => (expected.includes(outcome) ? 'pass' : outcome === 'skipped' ? 'skip' : 'fail');

function makeCell(env: PlannedEnvironment, column: (typeof GENERATED_COLUMNS)[number], next: () => number, clock: Date): CellResult {
  const { loader, flags, mitigation } = column;
  const axes: CellAxes = { distro: env.distro.name, python: env.python, numpy: env.numpy, loader, flags, mitigation };
  const broken = flags.startsWith('RTLD_LOCAL') && mitigation === 'none';
  const expected: Outcome[] = [broken ? 'undefined-symbol' : 'loaded'];
  const base = { id: cellId(axes), axes, environment: env.info.key, expected };
  const notRun = (outcome: Outcome, reason: string, resolved: CellResult['resolved'] = {}): CellResult => ({
    ...base,
    resolved,
    outcome,
    reason,
    verdict: judge(outcome, expected),
    durationMs: 0,
    attempts: 0,
    output: { stdout: '', stderr: '' },
  });
  if (env.info.skipReason) return notRun('skipped', env.info.skipReason, { python: env.info.resolved.python });
  if (env.info.buildError) return notRun('build-error', env.info.buildError);
  const install = env.install!;
  const resolved = { python: install.python, numpy: install.numpy };
  if (loader === 'node' && Number(env.distro.node.slice(1).split('.')[0]) < 16) return notRun('skipped', `Node.js ${env.distro.node} is too old for koffi (needs >= 16)`, resolved);

  const roll = next();
  const slow = loader === 'node' ? 180 : loader === 'cffi' || loader === 'ctypes' ? 90 : 30;
  const cell: CellResult = {
    ...base,
    resolved,
    outcome: 'loaded',
    modules: [{ name: 'numpy', ok: true, version: install.numpy }],
    verdict: 'pass',
    durationMs: Math.round(slow + next() * 250),
    attempts: 1,
    command: command(env, loader, flags, mitigation),
    exitCode: 0,
    output: { stdout: loadedStdout(install), stderr: '' },
  };
  // The node loader binds lazily: with RTLD_LAZY nothing is resolved, and the import succeeds.
  const lazyNode = loader === 'node' && flags.includes('RTLD_LAZY');
  if (broken && !lazyNode) {
    const symbol = byVersion(install.numpy, '1.25') < 0 ? 'PyExc_RecursionError' : 'PyObject_SelfIter';
    const error = `${extensionPath(install)}: undefined symbol: ${symbol}`;
    Object.assign(cell, { outcome: 'undefined-symbol', symbol, reason: error, modules: [{ name: 'numpy', ok: false, error, symbol }], output: { stdout: failedImportStdout(install, error), stderr: '' } });
  }
  if (roll < 0.003) {
    const address = `0x${Math.floor(next() * 2 ** 40).toString(16).padStart(16, '0')}`;
    Object.assign(cell, { outcome: 'crash', signal: 'SIGSEGV', symbol: undefined, modules: undefined, reason: 'the loader was killed by SIGSEGV', exitCode: null, output: { stdout: '', stderr: crashStderr(install, address) } });
  } else if (roll < 0.004) {
    Object.assign(cell, { outcome: 'timeout', symbol: undefined, modules: undefined, reason: 'the loader did not finish in time and was killed (last import started: numpy)', exitCode: null, durationMs: 120_000 + Math.round(next() * 40), output: { stdout: '', stderr: '' } });
  } else if (roll < 0.007) {
    const error = `No module named 'numpy.${install.numpy.startsWith('1.') ? 'core' : '_core'}._multiarray_umath'`;
    Object.assign(cell, { outcome: 'import-error', symbol: undefined, reason: `import numpy: ${error}`, modules: [{ name: 'numpy', ok: false, error }], exitCode: 1, output: { stdout: failedImportStdout(install, error), stderr: '' } });
  }
  cell.verdict = judge(cell.outcome, expected);
  if (cell.verdict === 'pass' && roll > 0.998) {
    cell.verdict = 'flaky';
    cell.attempts = 2;
    cell.previousAttempts = [{ outcome: 'timeout', reason: 'the loader did not finish in time and was killed (last import started: numpy)', exitCode: null }];
  }
  if (loader === 'host-app') {
    const steps = ['loading {lib} with {flags}', 'dlopen ok, calling dlmatrix_probe', `probe returned after ${cell.durationMs - 12} ms`, 'unloading'];
    cell.output.stderr = `${hostProgramLog(clock, 1000 + Math.floor(next() * 60_000), cell.command!.at(-5)!, flags, steps)}${cell.output.stderr}`;
  }
  for (const key of Object.keys(cell) as (keyof CellResult)[]) if (cell[key] === undefined) delete cell[key];
  return cell;
}

export interface GeneratedRun {
  results: RunResults;
  /** The same run as its journal (results.jsonl) would hold it, line by line. */
  journal(): Generator<JournalLine>;
}

export interface GenerateOptions {
  /** Only these loaders' columns (default: all six): fewer columns, so more environments. */
  loaders?: string[];
}

/** A finished run of exactly `cells` cells (seeded: the same arguments give the same run). */
export function generateResults(cells: number, seed = 1, options: GenerateOptions = {}): GeneratedRun {
  const next = random(seed);
  const started = Date.parse('2026-11-25T14:08:41.417Z');
  const columns = GENERATED_COLUMNS.filter((column) => !options.loaders || options.loaders.includes(column.loader));
  const environments = chooseEnvironments(Math.ceil(cells / columns.length), next);
  const all: CellResult[] = [];
  let elapsed = 0;
  for (const env of environments) {
    for (const column of columns) {
      if (all.length === cells) break;
      const cell = makeCell(env, column, next, new Date(started + elapsed));
      elapsed += cell.durationMs / 2;
      all.push(cell);
    }
  }
  const present = new Set(all.map((cell) => cell.environment));
  const used = environments.filter((env) => present.has(env.info.key)).map((env) => env.info);
  const header: RunHeader = {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    tool: { name: 'dlmatrix', version: '0.1.0' },
    matrixFile: 'examples/large/matrix.yaml',
    startedAt: new Date(started).toISOString(),
    host: { hostname: 'ci-runner-7', platform: 'linux-x64', docker: '28.5.2 (API 1.51)' },
  };
  const finishedAt = new Date(started + Math.round(elapsed)).toISOString();
  const results: RunResults = {
    ...header,
    finishedAt,
    durationMs: Math.round(elapsed),
    interrupted: false,
    environments: used,
    cells: all,
    summary: summarize(all),
    findings: computeFindings(all),
  };
  function* journal(): Generator<JournalLine> {
    yield { type: 'begin', header, planned: all.map(({ id, axes, environment, expected }) => ({ id, axes, environment, expected })) };
    for (const environment of used) yield { type: 'environment', environment };
    for (const cell of all) yield { type: 'cell', cell };
    yield { type: 'end', finishedAt };
  }
  return { results, journal };
}
