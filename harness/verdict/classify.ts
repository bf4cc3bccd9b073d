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
// How the process ended is always kept: an import that failed and then a crash is the import's
// outcome with `signal` set ("then crashed (SIGSEGV)"), and judge() lets only an expectation that
// names `crash` pass it.
import { constants } from 'node:os';
import { findResultLine, RESULT_LINE_PREFIX, type ResultLine } from '../image/result-line.ts';
import type { TraceEvent } from '../image/trace-events.ts';
import type { Outcome } from '../results/run-results.ts';
import { importEvidence, undefinedSymbol, type ModuleStatus } from './trace.ts';

export interface LoaderRun {
  stdout: string;
  stderr: string;
  /** null when the process was killed by a signal (see `signal`) or the engine lost it. */
  exitCode: number | null;
  /** e.g. SIGSEGV, when the process was killed by a signal. */
  signal?: string;
  /** The runner killed it at the cell timeout. */
  timedOut: boolean;
  /** The kernel killed it for memory (the environment container's cell-memory limit). */
  outOfMemory?: boolean;
  /** The import trace's events (empty when Python never started, or ran isolated). */
  trace: TraceEvent[];
}

export interface Classification {
  outcome: Outcome;
  symbol?: string;
  /** For missing-library: the shared library the dynamic loader searched for and did not find. */
  missing?: string;
  /** The signal that ended the process, whatever the outcome (SIGSEGV after a failed import). */
  signal?: string;
  /** The root-cause message in one or a few lines. */
  reason?: string;
  resolved: { python?: string; numpy?: string };
  /** Each watched module the run tried to import. */
  modules: ModuleStatus[];
}

const MUSL_RELOCATION = /Error relocating [^:]*: ([A-Za-z_$.@][\w$.@]*): symbol not found/;
const PYTHON_IMPORT_ERROR = /\b(ImportError|ModuleNotFoundError): .*$/;

export function classify(run: LoaderRun, watched: readonly string[]): Classification {
  // The output is split once and its result line read once: a loader may print megabytes.
  const output = { stdoutLines: run.stdout.split('\n'), lines: `${run.stderr}\n${run.stdout}`.split('\n') };
  const resultLine = findResultLine(output.stdoutLines);
  const evidence = importEvidence(run.trace, resultLine, watched);
  const numpy = evidence.modules.find((m) => m.name === 'numpy' && m.ok)?.version;
  const signal = run.signal ?? signalName(run.exitCode);
  const base = {
    resolved: { ...(evidence.python && { python: evidence.python }), ...(numpy && { numpy }) },
    modules: evidence.modules,
    ...(signal && { signal }),
  };
  const failed = evidence.modules.find((m) => !m.ok);
  const thenCrashed = signal ? `; then crashed (${signal})` : '';

  if (run.timedOut) {
    const progress = failed ? `; import ${failed.name} had failed: ${failed.error}` : '';
    return { ...base, outcome: 'timeout', reason: `the loader did not finish in time and was killed${progress}` };
  }
  // 1. The trace.
  if (failed) {
    if (failed.symbol) return { ...base, outcome: 'undefined-symbol', symbol: failed.symbol, reason: `${failed.error}${thenCrashed}` };
    return { ...base, outcome: 'import-error', reason: `import ${failed.name}: ${failed.error}${thenCrashed}` };
  }
  // 2. How it ended.
  if (signal && run.outOfMemory) return { ...base, outcome: 'crash', reason: `the loader was killed by the kernel for memory (${signal}): it reached options.cell-memory${lastLine(output.lines)}` };
  if (signal) return { ...base, outcome: 'crash', reason: `the loader was killed by ${signal}${lastLine(output.lines)}` };
  // 3. Its output.
  const fromText = classifyOutput(output.lines, resultLine);
  if (fromText) return { ...base, ...fromText };
  // 4. Success needs every watched module imported, and a clean end.
  const imported = watched.every((name) => evidence.modules.some((m) => m.name === name && m.ok));
  if (resultLine?.stage === 'probe' && resultLine.report.fatal) return { ...base, outcome: 'import-error', reason: resultLine.report.fatal };
  const returned = resultLine?.stage === 'entry' && resultLine.returned !== undefined && resultLine.returned !== 0 ? resultLine.returned : undefined;
  if (imported) {
    if (run.exitCode === 0 && returned === undefined) return { ...base, outcome: 'loaded' };
    const how = returned !== undefined ? `its entry ${resultLine?.stage === 'entry' ? `${resultLine.entry}() ` : ''}returned ${returned}` : `it exited with code ${run.exitCode ?? 'unknown'}`;
    return { ...base, outcome: 'crash', reason: `every watched import succeeded, but ${how}${lastLine(output.lines)}` };
  }
  const missing = watched.filter((name) => !evidence.modules.some((m) => m.name === name)).join(', ');
  if (run.exitCode === 0 && returned === undefined) {
    return {
      ...base,
      outcome: 'no-import',
      reason: `the program ended well but never imported ${missing}: was the entry called, and does its Python honour PYTHONPATH (not -I or -S)?`,
    };
  }
  return { ...base, outcome: 'crash', reason: `the loader exited with code ${run.exitCode ?? 'unknown'} before importing ${missing}${lastLine(output.lines)}` };
}

/** What the output says when the trace could not: lazy binding, dlopen errors, tracebacks. */
function classifyOutput(lines: readonly string[], line: ResultLine | undefined): Pick<Classification, 'outcome' | 'symbol' | 'missing' | 'reason'> | undefined {
  // ld.so kills a process whose lazily bound symbol is missing (exit 127).
  const lookup = lines.find((l) => /symbol lookup error/.test(l) && undefinedSymbol(l));
  if (lookup) return { outcome: 'undefined-symbol', symbol: undefinedSymbol(lookup), reason: lookup.trim() };
  const musl = lines.map((l) => MUSL_RELOCATION.exec(l)).find((m) => m);
  if (musl) return { outcome: 'undefined-symbol', symbol: musl[1], reason: musl[0] };
  // The library opened, but has no such entry: the matrix names the wrong function. Never the
  // NumPy root cause, whatever dlerror() says ("undefined symbol: myplugin_int").
  if (line?.stage === 'dlsym') return { outcome: 'no-entry', reason: `the library has no entry point of that name: ${line.error}` };
  if (line && (line.stage === 'dlopen' || line.stage === 'flags')) {
    const symbol = undefinedSymbol(line.error);
    if (symbol) return { outcome: 'undefined-symbol', symbol, reason: line.error };
    const missing = missingLibrary(line.error);
    if (missing) return { outcome: 'missing-library', missing, reason: `${missing} cannot be found: ${line.error}` };
    return { outcome: 'dlopen-error', reason: `${line.stage}: ${line.error}` };
  }
  const unopened = lines.find((l) => /cannot open shared object file/.test(l));
  const missing = unopened && missingLibrary(unopened);
  if (missing) return { outcome: 'missing-library', missing, reason: `${missing} cannot be found: ${unopened!.trim()}` };
  if (unopened) return { outcome: 'dlopen-error', reason: unopened.trim() };
  // A program that prints Python's error itself, where the trace saw nothing (Python run isolated).
  const printed = lines.find((l) => undefinedSymbol(l) && !l.startsWith(RESULT_LINE_PREFIX));
  if (printed) return { outcome: 'undefined-symbol', symbol: undefinedSymbol(printed), reason: printed.trim() };
  const importError = lines.map((l) => PYTHON_IMPORT_ERROR.exec(l)).find((m) => m);
  if (importError) return { outcome: 'import-error', reason: importError[0].trim() };
  return undefined;
}

/**
 * A library the dynamic loader searched for by name and did not find (a dependency such as a
 * standalone Python's libpython3.13.so.1.0, off its search path). A path that does not exist is
 * the library itself being wrong: that stays a dlopen-error.
 */
function missingLibrary(text: string): string | undefined {
  // Host programs quote it (Rust's libloading: `DlOpen { desc: "libpython3.13.so.1.0: cannot ..." }`).
  const name = /(?:^|[\s:"'`(])([^\s:/"'`]+\.so(?:\.[\w.]+)?): cannot open shared object file/.exec(text)?.[1];
  return name;
}

function lastLine(lines: readonly string[]): string {
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!.trim();
    if (line && !line.startsWith(RESULT_LINE_PREFIX.trim())) return `: ${line}`;
  }
  return '';
}

/** Shells and docker report a death by signal N as exit code 128+N. */
export function signalName(exitCode: number | null): string | undefined {
  if (exitCode === null || exitCode <= 128 || exitCode > 128 + 64) return undefined;
  const number = exitCode - 128;
  return Object.entries(constants.signals).find(([, value]) => value === number)?.[0] ?? `signal ${number}`;
}
