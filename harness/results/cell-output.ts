// How much of a loader's output a result keeps. The runner hands back up to 1 MiB of each stream
// (its head and tail), enough to classify the run; a result keeps up to KEPT_OUTPUT characters
// of each, its head and its tail, with a line saying how much was left out where. Tracebacks and
// the loader's result line are at the end and survive. This keeps a run's results, its journal
// and every report proportional to the number of cells, not to what the loaders printed: 560 cells
// printing a megabyte each no longer make a journal too big to read back.
import type { CellResult } from './run-results.ts';

/** Characters kept of each of stdout and stderr. */
export const KEPT_OUTPUT = 64 * 1024;
const HEAD = KEPT_OUTPUT / 4;
// Room for the marker line, so that keeping a kept output again changes nothing.
const TAIL = KEPT_OUTPUT - HEAD - 200;

/** `output` as a result keeps it. Idempotent: output already kept is returned as it is. */
export function keptOutput(output: CellResult['output']): CellResult['output'] {
  const stdout = keptStream(output.stdout);
  const stderr = keptStream(output.stderr);
  return stdout === output.stdout && stderr === output.stderr ? output : { ...output, stdout, stderr };
}

function keptStream(text: string): string {
  if (text.length <= KEPT_OUTPUT) return text;
  const left = text.length - HEAD - TAIL;
  return `${text.slice(0, HEAD)}\n[dlmatrix: ${left} characters of output left out here]\n${text.slice(text.length - TAIL)}`;
}
