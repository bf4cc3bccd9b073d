// Classifies one loader run by its root cause. NumPy wraps the real ImportError in long advice
// (or, for NumPy 2, in a misleading "do not import numpy from its source directory"), so the
// whole exception chain is searched, deepest link first.
import { constants } from 'node:os';
import type { Outcome } from '../results/types.ts';
import { parseResultLine, type ModuleReport } from './loader-output.ts';

export interface LoaderRun {
  stdout: string;
  stderr: string;
  exitCode: number | null;
  timedOut: boolean;
}

export interface Classification {
  outcome: Outcome;
  symbol?: string;
  signal?: string;
  /** The root-cause message in one or a few lines. */
  reason?: string;
  resolved: { python?: string; numpy?: string };
}

const UNDEFINED_SYMBOL = /undefined symbol: ([A-Za-z_$.@][\w$.@]*)/;

export function classify(run: LoaderRun): Classification {
  const result = parseResultLine(run.stdout);
  const resolved: Classification['resolved'] = {};
  if (result?.stage === 'probe') {
    resolved.python = result.report.python;
    const numpy = result.report.modules?.find((m) => m.name === 'numpy' && m.ok);
    if (numpy?.version) resolved.numpy = numpy.version;
  }

  if (run.timedOut) return { outcome: 'timeout', reason: 'the loader did not finish in time and was killed', resolved };

  if (!result) return classifyWithoutResult(run, resolved);

  if (result.stage !== 'probe') {
    const symbol = UNDEFINED_SYMBOL.exec(result.error)?.[1];
    if (symbol) return { outcome: 'undefined-symbol', symbol, reason: result.error, resolved };
    return { outcome: 'dlopen-error', reason: `${result.stage}: ${result.error}`, resolved };
  }

  if (result.report.fatal) return { outcome: 'import-error', reason: result.report.fatal, resolved };
  const failed = result.report.modules?.find((m) => !m.ok);
  if (!failed) return { outcome: 'loaded', resolved };
  return classifyImportFailure(failed, resolved);
}

function classifyImportFailure(module: ModuleReport, resolved: Classification['resolved']): Classification {
  const chain = module.chain ?? [];
  for (const link of [...chain].reverse()) {
    const symbol = UNDEFINED_SYMBOL.exec(link.message)?.[1];
    if (symbol) return { outcome: 'undefined-symbol', symbol, reason: rootLine(link.message, symbol), resolved };
  }
  const root = chain.at(-1);
  const message = root ? `${root.type}: ${root.message.trim()}` : `import ${module.name} failed`;
  return { outcome: 'import-error', reason: `import ${module.name}: ${message}`, resolved };
}

/** No result line: the process died (signal), or ld.so aborted it (lazy binding failure). */
function classifyWithoutResult(run: LoaderRun, resolved: Classification['resolved']): Classification {
  const text = `${run.stderr}\n${run.stdout}`;
  const symbol = /symbol lookup error/.test(text) ? UNDEFINED_SYMBOL.exec(text)?.[1] : undefined;
  if (symbol) return { outcome: 'undefined-symbol', symbol, reason: rootLine(text, symbol), resolved };
  const signal = signalName(run.exitCode);
  if (signal) return { outcome: 'crash', signal, reason: `the loader was killed by ${signal}`, resolved };
  const lastLine = text.trim().split('\n').at(-1) ?? '';
  return {
    outcome: 'crash',
    reason: `the loader exited with code ${run.exitCode ?? 'unknown'} without a result${lastLine ? `: ${lastLine}` : ''}`,
    resolved,
  };
}

/** Shells and docker report a death by signal N as exit code 128+N. */
export function signalName(exitCode: number | null): string | undefined {
  if (exitCode === null || exitCode <= 128 || exitCode > 128 + 64) return undefined;
  const number = exitCode - 128;
  return Object.entries(constants.signals).find(([, value]) => value === number)?.[0] ?? `signal ${number}`;
}

function rootLine(message: string, symbol: string): string {
  return message.split('\n').find((line) => line.includes(`undefined symbol: ${symbol}`))?.trim() ?? message.trim();
}
