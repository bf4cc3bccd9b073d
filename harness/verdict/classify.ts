// Classifies one loader run by its root cause, the same way for every program (the built-in
// loaders and the probe, or a user's own host program and library). Evidence is read in a fixed
// order, strongest first:
//   1. the import trace: a watched import that failed names its root cause, whatever the program
//      printed and even when it exited 0 (NumPy 2 hides the unresolved symbol behind "do not import
//      numpy from its source directory"; a host may print only "error: ..." and carry on);
//   2. how the process ended: killed at the timeout, or by a signal;
//   3. its output text: ld.so's "symbol lookup error" (lazy binding), musl's "Error relocating",
//      a built-in loader's dlopen/dlsym error line, a Python traceback;
//   4. success needs proof: every watched module imported AND the process ended well.
import { constants } from 'node:os';
import type { Outcome } from '../results/run-results.ts';
import { parseResultLine } from './loader-output.ts';
import { importEvidence, undefinedSymbol, type ModuleStatus, type TraceEvent } from './trace.ts';

export interface LoaderRun {
  stdout: string;
  stderr: string;
  /** null when the process was killed by a signal (see `signal`) or the engine lost it. */
  exitCode: number | null;
  /** e.g. SIGSEGV, when the process was killed by a signal. */
  signal?: string;
  /** The runner killed it at the cell timeout. */
  timedOut: boolean;
  /** The import trace's events (empty when Python never started, or ran isolated). */
  trace: TraceEvent[];
}

export interface Classification {
  outcome: Outcome;
  symbol?: string;
  signal?: string;
  /** The root-cause message in one or a few lines. */
  reason?: string;
  resolved: { python?: string; numpy?: string };
  /** Each watched module the run tried to import. */
  modules: ModuleStatus[];
}

const MUSL_RELOCATION = /Error relocating [^:]*: ([A-Za-z_$.@][\w$.@]*): symbol not found/;
const PYTHON_IMPORT_ERROR = /\b(ImportError|ModuleNotFoundError): .*$/m;

export function classify(run: LoaderRun, watched: readonly string[]): Classification {
  const evidence = importEvidence(run.trace, run.stdout, watched);
  const numpy = evidence.modules.find((m) => m.name === 'numpy' && m.ok)?.version;
  const base = { resolved: { ...(evidence.python && { python: evidence.python }), ...(numpy && { numpy }) }, modules: evidence.modules };
  const failed = evidence.modules.find((m) => !m.ok);
  const signal = run.signal ?? signalName(run.exitCode);

  if (run.timedOut) {
    const progress = failed ? `; import ${failed.name} had failed: ${failed.error}` : '';
    return { ...base, outcome: 'timeout', reason: `the loader did not finish in time and was killed${progress}` };
  }
  // 1. The trace.
  if (failed) {
    if (failed.symbol) return { ...base, outcome: 'undefined-symbol', symbol: failed.symbol, reason: failed.error };
    return { ...base, outcome: 'import-error', reason: `import ${failed.name}: ${failed.error}` };
  }
  // 2. How it ended.
  if (signal) return { ...base, outcome: 'crash', signal, reason: `the loader was killed by ${signal}` };
  // 3. Its output.
  const fromText = classifyOutput(run);
  if (fromText) return { ...base, ...fromText };
  // 4. Success needs every watched module imported, and a clean end.
  const imported = watched.every((name) => evidence.modules.some((m) => m.name === name && m.ok));
  const line = parseResultLine(run.stdout);
  if (line?.stage === 'probe' && line.report.fatal) return { ...base, outcome: 'import-error', reason: line.report.fatal };
  const returned = line?.stage === 'entry' && line.returned !== undefined && line.returned !== 0 ? line.returned : undefined;
  if (imported) {
    if (run.exitCode === 0 && returned === undefined) return { ...base, outcome: 'loaded' };
    const how = returned !== undefined ? `its entry ${line?.stage === 'entry' && line.entry ? `${line.entry}() ` : ''}returned ${returned}` : `it exited with code ${run.exitCode ?? 'unknown'}`;
    return { ...base, outcome: 'crash', reason: `every watched import succeeded, but ${how}${lastLine(run)}` };
  }
  const missing = watched.filter((name) => !evidence.modules.some((m) => m.name === name)).join(', ');
  if (run.exitCode === 0 && returned === undefined) {
    return {
      ...base,
      outcome: 'no-import',
      reason: `the program ended well but never imported ${missing}: was the entry called, and does its Python honour PYTHONPATH (not -I or -S)?`,
    };
  }
  return { ...base, outcome: 'crash', reason: `the loader exited with code ${run.exitCode ?? 'unknown'} before importing ${missing}${lastLine(run)}` };
}

/** What the output says when the trace could not: lazy binding, dlopen errors, tracebacks. */
function classifyOutput(run: LoaderRun): Pick<Classification, 'outcome' | 'symbol' | 'reason'> | undefined {
  const text = `${run.stderr}\n${run.stdout}`;
  // Split once: a loader may print megabytes.
  const lines = text.split('\n');
  // ld.so kills a process whose lazily bound symbol is missing (exit 127).
  const lookup = lines.find((l) => /symbol lookup error/.test(l) && undefinedSymbol(l));
  if (lookup) return { outcome: 'undefined-symbol', symbol: undefinedSymbol(lookup), reason: lookup.trim() };
  const musl = MUSL_RELOCATION.exec(text);
  if (musl) return { outcome: 'undefined-symbol', symbol: musl[1], reason: musl[0] };
  const line = parseResultLine(run.stdout);
  if (line && (line.stage === 'dlopen' || line.stage === 'dlsym' || line.stage === 'flags')) {
    const symbol = undefinedSymbol(line.error);
    if (symbol) return { outcome: 'undefined-symbol', symbol, reason: line.error };
    return { outcome: 'dlopen-error', reason: `${line.stage}: ${line.error}` };
  }
  const unopened = lines.find((l) => /cannot open shared object file/.test(l));
  if (unopened) return { outcome: 'dlopen-error', reason: unopened.trim() };
  // A program that prints Python's error itself, where the trace saw nothing (Python run isolated).
  const printed = lines.find((l) => undefinedSymbol(l) && !l.startsWith('@@dlmatrix '));
  if (printed) return { outcome: 'undefined-symbol', symbol: undefinedSymbol(printed), reason: printed.trim() };
  const importError = PYTHON_IMPORT_ERROR.exec(text);
  if (importError) return { outcome: 'import-error', reason: importError[0].trim() };
  return undefined;
}

function lastLine(run: LoaderRun): string {
  const line = `${run.stderr}\n${run.stdout}`.trim().split('\n').filter((l) => !l.startsWith('@@dlmatrix ')).at(-1)?.trim();
  return line ? `: ${line}` : '';
}

/** Shells and docker report a death by signal N as exit code 128+N. */
export function signalName(exitCode: number | null): string | undefined {
  if (exitCode === null || exitCode <= 128 || exitCode > 128 + 64) return undefined;
  const number = exitCode - 128;
  return Object.entries(constants.signals).find(([, value]) => value === number)?.[0] ?? `signal ${number}`;
}
