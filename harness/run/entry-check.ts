// Right after a build, the library's exports say whether the matrix names its entry point: a
// wrong `entry:` (myplugin_int for myplugin_init) must never run cells that then fail in dlsym,
// let alone pass as "undefined symbol". It is the matrix's mistake: an error at `entry:`, with the
// exports nearest to what was written.
import type { EnvironmentManifest } from '../image/manifest.ts';
import { closest } from '../matrix/suggest.ts';
import type { MatrixDiagnostic, SourcePos } from '../matrix/types.ts';

/** Undefined when the library exports the entry, or when no cell calls it. */
export function entryProblem(manifest: EnvironmentManifest, entry: string, at: SourcePos | undefined, called: boolean): MatrixDiagnostic | undefined {
  const { exports } = manifest.variants.plain;
  if (!called || !at || exports.includes(entry)) return undefined;
  const guess = closest(entry, exports);
  const shown = exports.length > 12 ? `${exports.slice(0, 12).join(', ')}, ...` : exports.join(', ');
  return {
    severity: 'error',
    at,
    message: `the library exports no function \`${entry}\` (${manifest.variants.plain.library.replace(/^.*\//, '')} was built, then read with nm)`,
    hint: `${guess ? `did you mean \`${guess}\`? ` : ''}${exports.length ? `its exports: ${shown}` : 'it exports no function at all: is the entry `#[no_mangle] pub extern "C" fn`?'}`,
  };
}
