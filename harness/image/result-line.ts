// The machine-readable line each built-in loader prints (see loaders/c/result_line.h):
//   @@dlmatrix {"stage":"probe","report":{...}}                 the dlmatrix probe ran
//   @@dlmatrix {"stage":"entry","entry":"f","returned":N}       a user entry ran (N for int f(void))
//   @@dlmatrix {"stage":"dlopen"|"dlsym"|"flags","error":"..."}   the library or entry could not be reached
// A user's own host program prints whatever it likes; this line is then simply absent.
import { CONTRACT_SCHEMA, definition } from './contract-schema.ts';
import { schemaProblem } from './schema-check.ts';
import type { ExceptionLink } from './trace-events.ts';

export const RESULT_LINE_PREFIX = '@@dlmatrix ';

export interface ModuleReport {
  name: string;
  ok: boolean;
  version?: string;
  /** Outermost exception first, then its __cause__/__context__ down to the original error. */
  chain?: ExceptionLink[];
  traceback?: string;
}

export interface ProbeReport {
  python?: string;
  executable?: string;
  modules?: ModuleReport[];
  /** The interpreter itself failed before any import. */
  fatal?: string;
}

export type ResultLine =
  | { stage: 'probe'; report: ProbeReport }
  | { stage: 'entry'; entry: string; returned?: number }
  | { stage: 'dlopen' | 'dlsym' | 'flags'; error: string };

/** The last well-formed result line among the lines, if any; lines of the wrong shape are ignored. */
export function findResultLine(lines: readonly string[]): ResultLine | undefined {
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!;
    if (!line.startsWith(RESULT_LINE_PREFIX)) continue;
    let value: unknown;
    try {
      value = JSON.parse(line.slice(RESULT_LINE_PREFIX.length));
    } catch {
      continue; // truncated or garbled: look for an earlier one
    }
    if (schemaProblem(value, definition('resultLine'), CONTRACT_SCHEMA) === undefined) return value as ResultLine;
  }
  return undefined;
}
