// The machine-readable line each built-in loader prints (see fixtures/loaders/c/result_line.h):
//   @@dlmatrix {"stage":"probe","report":{...}}                 the dlmatrix probe ran
//   @@dlmatrix {"stage":"entry","entry":"f","returned":N}       a user entry ran (N for int f(void))
//   @@dlmatrix {"stage":"dlopen"|"dlsym"|"flags","error":"..."}   the library or entry could not be reached
// A user's own host program prints whatever it likes; this line is then simply absent.

export const RESULT_LINE_PREFIX = '@@dlmatrix ';

export interface ExceptionLink {
  type: string;
  message: string;
}

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
  modules?: ModuleReport[];
  /** The interpreter itself failed before any import. */
  fatal?: string;
}

export type ResultLine =
  | { stage: 'probe'; report: ProbeReport }
  | { stage: 'entry'; entry?: string; returned?: number }
  | { stage: 'dlopen' | 'dlsym' | 'flags'; error: string };

/** The last well-formed result line in stdout, if any; lines of the wrong shape are ignored. */
export function parseResultLine(stdout: string): ResultLine | undefined {
  const lines = stdout.split('\n').filter((line) => line.startsWith(RESULT_LINE_PREFIX));
  for (const line of lines.reverse()) {
    let value: unknown;
    try {
      value = JSON.parse(line.slice(RESULT_LINE_PREFIX.length));
    } catch {
      continue; // truncated or garbled: look for an earlier one
    }
    if (isResultLine(value)) return value;
  }
  return undefined;
}

function isResultLine(value: unknown): value is ResultLine {
  if (typeof value !== 'object' || value === null) return false;
  const line = value as Record<string, unknown>;
  switch (line.stage) {
    case 'probe':
      return typeof line.report === 'object' && line.report !== null && (!('modules' in line.report) || Array.isArray((line.report as ProbeReport).modules));
    case 'entry':
      return line.returned === undefined || typeof line.returned === 'number';
    case 'dlopen':
    case 'dlsym':
    case 'flags':
      return typeof line.error === 'string';
    default:
      return false;
  }
}
