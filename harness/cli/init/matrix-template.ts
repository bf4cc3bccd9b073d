// The matrix.yaml `dlmatrix init` writes: the `project:` mapping form, every choice explained
// in a comment so the file reads as documentation of the project's test matrix.
import type { InitPlan } from './init-plan.ts';

const FLAGS = ['RTLD_LOCAL|RTLD_NOW', 'RTLD_GLOBAL|RTLD_NOW'];
const COMMENT_COLUMN = 44;
const q = (s: string) => JSON.stringify(s);
const list = (items: string[]) => `[${items.map((s) => (/^[\w.-]+$/.test(s) ? s : q(s))).join(', ')}]`;

export function renderMatrix(plan: InitPlan, version: string): string {
  const { library, project } = plan;
  const out: string[] = [];
  const line = (text = '') => out.push(text);
  const comment = (text: string, indent = '') => line(`${indent}# ${text}`);

  comment(`dlmatrix matrix for the Cargo ${project.isWorkspace ? 'workspace' : 'package'} in this folder, written by \`dlmatrix init\` (dlmatrix ${version}).`);
  comment('Every combination of the `matrix:` axes is one cell: the library is built in Docker for each');
  comment('distro, opened with dlopen() by each loader under each flag combination, and its entry must');
  comment('import everything in `imports`. `npx dlmatrix plan` lists the cells, `npx dlmatrix run` runs them.');
  for (const note of plan.notes) comment(`NOTE: ${note}`);
  line('project:');
  line(noted('  path: .', `the Cargo ${project.isWorkspace ? 'workspace' : 'package'}, relative to this file`));
  line(noted(`  build: ${plan.build}`, 'run in a copy of the project'));
  line(noted(`  library: ${plan.libraryPath}`, `the cdylib of package ${library.name}`));
  if (plan.otherCdylibs.length) comment(`other cdylibs in the workspace, not tested here: ${plan.otherCdylibs.join(', ')}`, '  ');
  const [entry] = plan.entries;
  if (plan.entries.length) {
    comment('exported `extern "C"` functions without arguments (entry candidates; the first is used):', '  ');
    for (const e of plan.entries) comment(`  ${e.name}${e.returnsInt ? ' -> int' : ''}  (${e.file}:${e.line})`, '  ');
    line(noted(`  entry: ${entry.name}`, `called as \`${entry.returnsInt ? 'int' : 'void'} ${entry.name}(void)\` by the built-in loaders`));
    if (entry.returnsInt) line(noted('  entry-returns: int', 'non-zero means failure'));
  } else {
    comment('entry: my_entry   # none found: export `#[no_mangle] pub extern "C" fn my_entry()` that runs your Python code', '  ');
  }
  if (plan.promoteFeature) {
    line(noted(`  promote-feature: ${plan.promoteFeature}`, "cargo feature with the library's own fix (mitigation: promote)"));
  } else {
    const features = plan.features.length ? ` (its features: ${plan.features.join(', ')})` : '';
    comment(`promote-feature: my-fix   # no cargo feature of ${library.name} looks like an in-library fix${features};`, '  ');
    comment('name one that makes the library promote libpython to RTLD_GLOBAL, and add `promote` to `mitigation`', '  ');
  }
  line('imports: [numpy]');

  const loaders = plan.hosts.filter((h) => h.how !== 'linked');
  if (loaders.length) {
    comment('Host programs of this project that open the library at run time. Uncomment to test them as');
    comment('values of matrix.loader; adapt `run` to how each takes the library path and the flags.');
    comment('loaders:');
    for (const host of loaders) {
      line(noted(`# ${'  '}${host.name}:`, `${host.path} uses ${host.how}`));
      comment(`    build: cargo build --release -p ${host.package} --bin ${host.name}`);
      comment(`    run: [./target/release/${host.name}, "{library}", "{flags}"]`);
    }
  }
  for (const host of plan.hosts.filter((h) => h.how === 'linked')) {
    comment(`${host.name} (${host.path}) links ${library.name} at build time: not a dlopen() loader (linking never shows the bug)`);
  }

  line('matrix:');
  const supported = plan.distros.filter((d) => d.supported);
  const range = plan.range ? `supports CPython ${plan.range.min} to ${plan.range.max}` : 'is not a release dlmatrix knows';
  if (plan.pyo3) comment(`PyO3 ${plan.pyo3.version} (from ${plan.pyo3.from}) ${range}; Debian's python3:`, '  ');
  comment(plan.distros.map((d) => `${d.distro} ${d.python}${d.supported ? '' : ' (left out)'}`).join(', '), '  ');
  line(`  distro: ${list(supported.map((d) => d.distro))}`);
  line(noted('  python: [system]', 'the distro\'s python3; or a version like "3.12"'));
  line(noted('  numpy: [system, latest]', 'the distro\'s python3-numpy, and the newest wheel on PyPI'));
  line(loaders.length ? noted('  loader: [c, rust]', `add ${loaders.map((h) => h.name).join(', ')} with its \`loaders:\` entry`) : '  loader: [c, rust]');
  line(`  flags: ${list(FLAGS)}`);
  line(`  mitigation: ${list(['none', 'preload', ...(plan.promoteFeature ? ['promote'] : [])])}`);
  line(noted('expect:', 'the first rule whose `when` matches a cell wins'));
  comment('RTLD_LOCAL keeps libpython\'s symbols out of the global scope: NumPy\'s C extensions cannot find them.', '  ');
  line(`  - when: {flags: ${q('RTLD_LOCAL*')}, mitigation: none}`);
  line('    outcome: undefined-symbol');
  line('  - outcome: loaded');
  return `${out.join('\n')}\n`;
}

/** A line with a trailing comment, comments lined up in one column (at least two spaces after the code). */
function noted(code: string, note: string): string {
  return `${code}${' '.repeat(Math.max(2, COMMENT_COLUMN - code.length))}# ${note}`;
}
