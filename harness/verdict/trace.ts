// The import trace (docker/runtime/trace/sitecustomize.py) and the built-in probe's report, read
// into one status per watched module: did it import, which version, and if not, the root error.
import type { ResultLine } from '../image/result-line.ts';
import type { ExceptionLink, TraceEvent } from '../image/trace-events.ts';

export interface ModuleStatus {
  name: string;
  ok: boolean;
  version?: string;
  /** For a failed import: the root error, e.g. the dynamic loader's message. */
  error?: string;
  /** For a failed import whose root cause is an unresolved symbol. */
  symbol?: string;
  /** Where the status was read: the trace (any program), or the dlmatrix probe's own report. */
  source: 'trace' | 'probe';
  /** For a failed import: the traceback as Python printed it, when known. */
  traceback?: string;
}

export interface ImportEvidence {
  /** The interpreter's version, when Python started at all. */
  python?: string;
  /** One entry per watched module that the process tried to import, in watch order. */
  modules: ModuleStatus[];
}

const UNDEFINED_SYMBOL = /undefined symbol: ([A-Za-z_$.@][\w$.@]*)/;

export function undefinedSymbol(text: string): string | undefined {
  return UNDEFINED_SYMBOL.exec(text)?.[1];
}

/** The statuses of the watched modules, from the trace where it saw them, else from the probe report. */
export function importEvidence(trace: readonly TraceEvent[], resultLine: ResultLine | undefined, watched: readonly string[]): ImportEvidence {
  const fromTrace = traceStatuses(trace, watched);
  const probe = probeStatuses(resultLine);
  const modules = watched.flatMap((name) => {
    const status = fromTrace.get(name) ?? probe.modules.get(name);
    return status ? [status] : [];
  });
  const start = trace.find((e) => e.event === 'start') as Extract<TraceEvent, { event: 'start' }> | undefined;
  return { python: start?.python ?? probe.python, modules };
}

function traceStatuses(trace: readonly TraceEvent[], watched: readonly string[]): Map<string, ModuleStatus> {
  const statuses = new Map<string, ModuleStatus>();
  // Extension modules that failed while each watched import was running (imports nest).
  const running: Array<{ name: string; failures: string[] }> = [];
  const failuresOf = new Map<string, string[]>();
  for (const event of trace) {
    if (event.event === 'import-start' && watched.includes(event.module)) {
      running.push({ name: event.module, failures: [] });
    } else if (event.event === 'extension-failed') {
      for (const frame of running) frame.failures.push(event.error);
      for (const name of watched) {
        if (event.module.startsWith(`${name}.`) && !running.some((f) => f.name === name)) {
          failuresOf.set(name, [...(failuresOf.get(name) ?? []), event.error]);
        }
      }
    } else if (event.event === 'import' && watched.includes(event.module)) {
      const index = running.map((f) => f.name).lastIndexOf(event.module);
      const frame = index >= 0 ? running.splice(index, 1)[0] : undefined;
      const failures = [...(failuresOf.get(event.module) ?? []), ...(frame?.failures ?? [])];
      const previous = statuses.get(event.module);
      if (event.ok) {
        statuses.set(event.module, { name: event.module, ok: true, version: event.version || undefined, source: 'trace' });
      } else if (!previous || previous.ok) {
        // The first failure names the root cause; a retry in the same process only says
        // "cannot load this module twice".
        statuses.set(event.module, failedStatus(event.module, failures, event.chain ?? [], 'trace', event.traceback));
      }
    }
  }
  return statuses;
}

function probeStatuses(line: ResultLine | undefined): { python?: string; modules: Map<string, ModuleStatus> } {
  const modules = new Map<string, ModuleStatus>();
  if (line?.stage !== 'probe') return { modules };
  for (const module of line.report.modules ?? []) {
    if (typeof module?.name !== 'string') continue;
    modules.set(
      module.name,
      module.ok ? { name: module.name, ok: true, version: module.version || undefined, source: 'probe' } : failedStatus(module.name, [], module.chain ?? [], 'probe', module.traceback),
    );
  }
  return { python: typeof line.report.python === 'string' ? line.report.python : undefined, modules };
}

/**
 * The root cause of a failed import: the dynamic loader's message about an unresolved symbol
 * wherever it shows (an extension that failed to load, or deep in the exception chain, which
 * NumPy wraps in advice), else the deepest link of the chain.
 */
function failedStatus(name: string, extensionErrors: string[], chain: ExceptionLink[], source: ModuleStatus['source'], traceback: string | undefined): ModuleStatus {
  const candidates = [...extensionErrors, ...[...chain].reverse().map((link) => link.message ?? '')];
  const withSymbol = candidates.find((text) => undefinedSymbol(text));
  const shown = traceback ? { traceback } : {};
  if (withSymbol) {
    const symbol = undefinedSymbol(withSymbol)!;
    const line = withSymbol.split('\n').find((l) => l.includes(`undefined symbol: ${symbol}`))?.trim() ?? withSymbol.trim();
    return { name, ok: false, error: line, symbol, source, ...shown };
  }
  const root = extensionErrors[0] ?? (chain.length ? `${chain.at(-1)!.type}: ${(chain.at(-1)!.message ?? '').trim()}` : `import ${name} failed`);
  return { name, ok: false, error: root, source, ...shown };
}
