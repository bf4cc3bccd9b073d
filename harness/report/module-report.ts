// The watched imports of a cell in words, for the reports' detail views: each module ok with its
// version, or failed with the traceback Python printed (when the run recorded it) or its root
// error. Read from CellResult.modules, never by parsing the loader's output again: verdicts and
// reports see the same facts.
import type { CellResult } from '../results/run-results.ts';

/** Readable text of the cell's watched imports, or undefined when it has none. */
export function moduleReport(cell: Pick<CellResult, 'modules'>): string | undefined {
  if (!cell.modules?.length) return undefined;
  const parts = cell.modules.map((module) => {
    if (module.ok) return `import ${module.name}: ok${module.version ? ` (${module.version})` : ''}`;
    const detail = module.traceback?.trimEnd() || module.error;
    return `import ${module.name}: failed${detail ? `\n${detail}` : ''}`;
  });
  return `${parts.join('\n\n')}\n`;
}
