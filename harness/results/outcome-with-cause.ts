// An outcome with its root cause, as every report and finding names it.
import type { CellResult } from './run-results.ts';

/** `undefined-symbol PyObject_SelfIter`, `missing-library libpython3.13.so.1.0`, `crash SIGSEGV`, `loaded`. */
export function outcomeWithCause(cell: Pick<CellResult, 'outcome' | 'symbol' | 'signal' | 'missing'>): string {
  const cause =
    cell.outcome === 'undefined-symbol' ? cell.symbol : cell.outcome === 'missing-library' ? cell.missing : cell.outcome === 'crash' ? cell.signal : undefined;
  return cause ? `${cell.outcome} ${cause}` : cell.outcome;
}
