// The machine-readable line each loader prints (see fixtures/loaders/c/result_line.h):
//   @@dlmatrix {"stage":"probe","report":{...}}        the fixture ran
//   @@dlmatrix {"stage":"dlopen"|"dlsym"|"flags","error":"..."}   it could not be reached

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
  | { stage: 'dlopen' | 'dlsym' | 'flags'; error: string };

/** The last well-formed result line in stdout, if any. */
export function parseResultLine(stdout: string): ResultLine | undefined {
  const lines = stdout.split('\n').filter((line) => line.startsWith(RESULT_LINE_PREFIX));
  for (const line of lines.reverse()) {
    try {
      const value = JSON.parse(line.slice(RESULT_LINE_PREFIX.length)) as ResultLine;
      if (value && typeof value === 'object' && typeof value.stage === 'string') return value;
    } catch {
      // A truncated or garbled line: look for an earlier one.
    }
  }
  return undefined;
}
