// The matrix.yaml `dlmatrix init` writes: every choice explained in a comment (what was read from
// where, what was left out and why), so the file reads as documentation of the project's matrix
// and runs as it is.
import type { InitPlan } from './init-plan.ts';

const FLAGS = ['RTLD_LOCAL|RTLD_NOW', 'RTLD_GLOBAL|RTLD_NOW'];
const COMMENT_COLUMN = 44;
const q = (s: string) => JSON.stringify(s);
const scalar = (s: string) => (/^[\w./-]+$/.test(s) ? s : q(s));
const list = (items: string[]) => `[${items.map(scalar).join(', ')}]`;
const oneOrList = (items: string[]) => (items.length === 1 ? scalar(items[0]!) : list(items));

export function renderMatrix(plan: InitPlan, version: string): string {
  const { library, project } = plan;
  const out: string[] = [];
  const line = (text = '') => out.push(text);
  const comment = (text: string, indent = '') => line(`${indent}# ${text}`);
  const what = project.isWorkspace ? 'workspace' : 'package';

  comment(`dlmatrix matrix for the Cargo ${what} in this folder, written by \`dlmatrix init\` (dlmatrix ${version}).`);
  comment('Every combination of the `matrix:` axes is one cell: the library is built in Docker for each');
  comment('distro, opened by each loader (under each flag combination for the built-in ones), and its entry');
  comment('must import everything in `imports`. `npx dlmatrix plan` lists the cells, `npx dlmatrix run` runs them.');
  for (const note of plan.notes) comment(`NOTE: ${note}`);

  line('project:');
  line(noted('  path: .', `the Cargo ${what}, relative to this file`));
  const debugWhy = plan.profile === 'debug' ? `; a debug build: ${debugReason(plan)}` : '';
  line(noted(`  build: ${plan.build}`, `run in a copy of the project${debugWhy}`));
  line(noted(`  library: ${plan.libraryPath}`, `the cdylib of package ${library.name}`));
  if (plan.otherCdylibs.length) comment(`other cdylibs in the workspace, not tested here: ${plan.otherCdylibs.join(', ')}`, '  ');
  const [entry] = plan.entries;
  if (entry) {
    comment('exported `extern "C"` functions without arguments (entry candidates; the first is used):', '  ');
    for (const e of plan.entries) comment(`  ${e.name}${e.returnsInt ? ' -> int' : ''}  (${e.file}:${e.line})`, '  ');
    line(noted(`  entry: ${entry.name}`, `called as \`${entry.returnsInt ? 'int' : 'void'} ${entry.name}(void)\` by the built-in loaders`));
    if (entry.returnsInt) line(noted('  entry-returns: int', 'non-zero means failure'));
  } else {
    comment('entry: my_entry   # none found: export `#[no_mangle] pub extern "C" fn my_entry()` that runs your Python code', '  ');
  }
  if (plan.promote?.ready) {
    line(noted(`  promote-feature: ${plan.promote.feature}`, "cargo feature with the library's own fix (mitigation: promote)"));
  } else if (plan.promote) {
    comment(`promote-feature: ${plan.promote.feature}   # the fix is a dependency, but ${library.name}'s code does not call`, '  ');
    comment('promote_libpython::promote_libpython() yet: call it before Python starts, then uncomment this and add `promote` to `mitigation`', '  ');
  } else {
    const features = plan.features.length ? ` (its features: ${plan.features.join(', ')})` : '';
    comment(`promote-feature: my-fix   # no cargo feature of ${library.name} turns on an in-library fix${features};`, '  ');
    comment('`npx dlmatrix init --with-fix` adds the promote-libpython crate and a feature for it', '  ');
  }
  line('imports: [numpy]');

  if (plan.loaders.length) {
    line(noted('loaders:', "the project's own programs that load the library"));
    for (const loader of plan.loaders) {
      line(noted(`  ${loader.name}:`, `${loader.host.source} ${loader.what}`));
      line(`    build: ${loader.build}`);
      line(`    run: ${list(loader.run)}`);
      if (loader.env) line(`    env: {${Object.entries(loader.env).map(([k, v]) => `${k}: ${scalar(v)}`).join(', ')}}`);
    }
  }
  for (const { host, reason } of plan.leftOutHosts) comment(`${host.name} (${host.source}) loads the library but is not a loader here: ${reason}`);
  if (plan.cHosts.length) {
    comment('C programs in the project that call dlopen(): add them under `loaders:` with the build your CI uses, e.g.');
    comment('loaders:');
    for (const host of plan.cHosts) {
      const name = host.source.replace(/\.\w+$/, '').replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[^A-Za-z]+/, '') || 'c-host';
      comment(`  ${name}:`.padEnd(COMMENT_COLUMN - 2) + `# ${host.source} calls dlopen()`);
      comment(`    build: cc -o ${name} ${host.source} -ldl`);
      comment(`    run: [./${name}, "{library}", "{flags}"]   # as it takes the library's path and the flags`);
    }
  }

  line('matrix:');
  if (plan.pyo3) {
    const range = plan.pyo3.range ? `builds against CPython ${plan.pyo3.range.min} to ${plan.pyo3.range.max}` : 'has a CPython range dlmatrix could not read';
    comment(`PyO3 ${plan.pyo3.version}${plan.pyo3.ffi ? ` (pyo3-ffi ${plan.pyo3.ffi}, from Cargo.lock)` : ''} ${range}. Each distro's toolchain:`, '  ');
  } else comment("Each distro's toolchain:", '  ');
  for (const d of plan.distros) {
    const facts = d.python ? `Python ${d.python}, cargo ${d.cargo}` : 'not read';
    comment(`  ${d.distro}: ${facts}${d.reason ? `; ${d.chosen ? '' : 'left out: '}${d.reason}` : ''}`, '  ');
  }
  line(`  distro: ${list(plan.distros.filter((d) => d.chosen).map((d) => d.distro))}`);
  line(noted('  python: [system]', 'the distro\'s python3; or a version like "3.12"'));
  line(noted('  numpy: [system, latest]', 'the distro\'s python3-numpy, and the newest wheel on PyPI'));
  const loaderNames = [...plan.builtinLoaders, ...plan.loaders.map((l) => l.name)];
  line(`  loader: ${list(loaderNames.length ? loaderNames : ['c', 'rust'])}`);
  const ownFlags = plan.loaders.filter((l) => !l.run.includes('{flags}')).map((l) => l.name);
  const takesFlags = plan.builtinLoaders.length > 0 || ownFlags.length < plan.loaders.length || plan.loaders.length === 0;
  if (takesFlags) {
    const forWhom = ownFlags.length ? `; ${ownFlags.join(', ')} open${ownFlags.length === 1 ? 's' : ''} the library ${ownFlags.length === 1 ? 'its' : 'their'} own way (flags: own)` : '';
    line(noted(`  flags: ${list(FLAGS)}`, `dlopen flags for the loaders that take them${forWhom}`));
  }
  line(`  mitigation: ${list(['none', 'preload', ...(plan.promote?.ready ? ['promote'] : [])])}`);

  line(noted('expect:', 'the first rule whose `when` matches a cell wins'));
  const loads = plan.loaders.filter((l) => l.loadsWithoutFix && !l.run.includes('{flags}')).map((l) => l.name);
  const local = plan.loaders.filter((l) => !l.loadsWithoutFix && !l.run.includes('{flags}')).map((l) => l.name);
  if (loads.length) {
    comment('Linking the library, or opening it with RTLD_GLOBAL, puts libpython in the global scope.', '  ');
    line(`  - when: {loader: ${oneOrList(loads)}}`);
    line('    outcome: loaded');
  }
  comment('RTLD_LOCAL keeps libpython\'s symbols out of the global scope: NumPy\'s C extensions cannot find them.', '  ');
  if (local.length) {
    line(`  - when: {loader: ${oneOrList(local)}, mitigation: none}`);
    line('    outcome: undefined-symbol');
  }
  if (takesFlags) {
    line(`  - when: {flags: ${q('RTLD_LOCAL*')}, mitigation: none}`);
    line('    outcome: undefined-symbol');
  }
  line('  - outcome: loaded');
  return `${out.join('\n')}\n`;
}

function debugReason(plan: InitPlan): string {
  const host = plan.loaders.find((l) => (l.host.kind === 'dlopen' ? l.host.library.from === 'code' : l.host.profile === 'debug'));
  return host ? `${host.name} looks for the library in target/debug` : 'the host programs use it';
}

/** A line with a trailing comment, comments lined up in one column (at least two spaces after the code). */
function noted(code: string, note: string): string {
  return `${code}${' '.repeat(Math.max(2, COMMENT_COLUMN - code.length))}# ${note}`;
}
