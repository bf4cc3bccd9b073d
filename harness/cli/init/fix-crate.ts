// `dlmatrix init --with-fix`: the in-library fix for a package user. A path dependency on
// node_modules/dlmatrix/crates/promote-libpython cannot build (node_modules is not copied into
// the build, and a CI checkout may not have it), so the crate is copied into the project, the
// library's Cargo.toml gets the optional dependency and a feature for it, and the one call to add
// to the code is printed. Cargo.toml is edited as text, so its comments and layout stay.
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'smol-toml';
import { table, type CargoPackage } from '../../cargo/cargo-project.ts';
import { HARNESS_ROOT } from '../../docker/build-context.ts';
import { InitError, type LocatedEntry } from './init-plan.ts';

export const FIX_CRATE = 'promote-libpython';
export const FIX_FEATURE = 'promote-libpython';
const SHIPPED = join(HARNESS_ROOT, 'crates', FIX_CRATE);

export interface AddedFix {
  /** The crate's folder in the project, relative to the project root. */
  crateDir: string;
  /** The lines added to the library's Cargo.toml, by section ([] when they were there already). */
  added: { dependencies: string[]; features: string[] };
  manifest: string;
}

/** Copies the fix crate into `root` (once) and wires it into `library`'s Cargo.toml. */
export function addFix(root: string, library: CargoPackage): AddedFix {
  const crateDir = join(root, FIX_CRATE);
  if (existsSync(crateDir)) {
    const name = existsSync(join(crateDir, 'Cargo.toml')) ? table((parse(readFileSync(join(crateDir, 'Cargo.toml'), 'utf8')) as Record<string, unknown>).package)?.name : undefined;
    if (name !== FIX_CRATE) throw new InitError(`${crateDir} exists and is not the ${FIX_CRATE} crate: move it, then run \`dlmatrix init --with-fix\` again`);
  } else {
    cpSync(SHIPPED, crateDir, { recursive: true, filter: (source) => !/(^|\/)target(\/|$)/.test(relative(SHIPPED, source)) });
  }
  const path = relative(join(root, library.dir), crateDir) || '.';
  const dependency = `${FIX_CRATE} = { path = "${path}", optional = true }`;
  const feature = `${FIX_FEATURE} = ["dep:${FIX_CRATE}"]`;
  const before = readFileSync(library.manifest, 'utf8');
  const manifest = table(parse(before) as Record<string, unknown>);
  const hasDependency = Boolean(table(manifest?.dependencies)?.[FIX_CRATE]);
  const hasFeature = Boolean(table(manifest?.features)?.[FIX_FEATURE]);
  let text = before;
  if (!hasDependency) text = addToSection(text, 'dependencies', dependency);
  if (!hasFeature) text = addToSection(text, 'features', feature);
  if (text !== before) {
    const after = tryParse(text);
    if (!table(after?.dependencies)?.[FIX_CRATE] || !table(after?.features)?.[FIX_FEATURE]) {
      throw new InitError(`could not add the fix to ${library.manifest} safely; add these lines yourself:\n  [dependencies]\n  ${dependency}\n  [features]\n  ${feature}`);
    }
    writeFileSync(library.manifest, text);
  }
  return {
    crateDir: relative(root, crateDir),
    added: { dependencies: hasDependency ? [] : [dependency], features: hasFeature ? [] : [feature] },
    manifest: relative(root, library.manifest),
  };
}

/** The line after a `[section]` header, or a new section at the end. */
function addToSection(text: string, section: string, entry: string): string {
  const header = new RegExp(`^\\[${section}\\][ \\t]*(#[^\\n]*)?$`, 'm').exec(text);
  if (!header) return `${text.replace(/\n*$/, '\n')}\n[${section}]\n${entry}\n`;
  const end = header.index + header[0].length;
  return `${text.slice(0, end)}\n${entry}${text.slice(end)}`;
}

function tryParse(text: string): Record<string, unknown> | undefined {
  try {
    return parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** What to print after --with-fix: the lines added, and the call to add to the code. */
export function describeFix(fix: AddedFix, entry: LocatedEntry | undefined, ready: boolean): string {
  const lines = [`added the in-library fix: ${fix.crateDir}/ (a copy of dlmatrix's ${FIX_CRATE} crate: no dependencies, any PyO3 version)`];
  if (fix.added.dependencies.length || fix.added.features.length) {
    lines.push(`and to ${fix.manifest}:`);
    if (fix.added.dependencies.length) lines.push('    [dependencies]', ...fix.added.dependencies.map((l) => `    ${l}`));
    if (fix.added.features.length) lines.push('    [features]', ...fix.added.features.map((l) => `    ${l}`));
  }
  if (!ready) {
    const where = entry ? `at the top of \`${entry.name}\` (${entry.file}:${entry.line})` : 'at the top of the function that starts Python';
    lines.push(
      `now call it ${where}, before Python starts:`,
      `    #[cfg(feature = "${FIX_FEATURE}")]`,
      `    if let Err(error) = ${FIX_CRATE.replace(/-/g, '_')}::promote_libpython() {`,
      '        eprintln!("promote_libpython: {error}");',
      '    }',
      'then `npx dlmatrix init --force` adds `promote` to the mitigation axis',
    );
  }
  return `${lines.join('\n')}\n`;
}
