// How matrix-file problems are reported: compiler style (`file:line:col: error: message`), which
// editors and terminals turn into clickable locations, with the fix on an indented hint line.
import path from 'node:path';
import type { MatrixDiagnostic, SourcePos } from './types.ts';

/** Every error found in a matrix file (never just the first): users fix them in one pass. */
export class MatrixFileError extends Error {
  readonly diagnostics: MatrixDiagnostic[];
  constructor(diagnostics: MatrixDiagnostic[]) {
    const sorted = sortDiagnostics(diagnostics);
    const count = sorted.filter((d) => d.severity === 'error').length;
    const file = sorted[0]?.at.file ?? 'matrix file';
    // The message alone is enough to act on, even when printed by an uncaught-error handler.
    super(
      `${displayPath(file)}: ${count} error${count === 1 ? '' : 's'}\n` +
        sorted.map((d) => formatDiagnostic(d)).join('\n'),
    );
    this.name = 'MatrixFileError';
    this.diagnostics = sorted;
  }
}

/** The path as given, or relative to `cwd` when that is shorter to read. */
export function displayPath(file: string, cwd: string = process.cwd()): string {
  if (!path.isAbsolute(file)) return file;
  const relative = path.relative(cwd, file);
  return relative !== '' && relative.length < file.length ? relative : file;
}

/** `FILE:LINE:COL: error: MESSAGE`, then `  hint: …` on its own line when there is a hint. */
export function formatDiagnostic(d: MatrixDiagnostic, cwd: string = process.cwd()): string {
  const head = `${displayPath(d.at.file, cwd)}:${d.at.line}:${d.at.col}: ${d.severity}: ${d.message}`;
  return d.hint === undefined ? head : `${head}\n    hint: ${d.hint}`;
}

function comparePos(a: SourcePos, b: SourcePos): number {
  return (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || a.col - b.col;
}

/** In file order, so the report reads top to bottom like the file (stable for equal positions). */
export function sortDiagnostics(diagnostics: readonly MatrixDiagnostic[]): MatrixDiagnostic[] {
  return [...diagnostics].sort((a, b) => comparePos(a.at, b.at));
}
