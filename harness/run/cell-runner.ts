// Runs one cell in its environment's session: the invocation, the runner's reply, the one
// classification path, the verdict, and retries of a cell that missed its expectation.
import { keptOutput } from '../results/cell-output.ts';
import { couldNotRun } from '../results/not-run.ts';
import type { AttemptSummary, CellResult } from '../results/run-results.ts';
import { judge } from '../results/verdicts.ts';
import { classify, type LoaderRun } from '../verdict/classify.ts';
import type { PlannedCell } from '../plan/plan.ts';
import type { EnvironmentSession } from './environment-session.ts';
import { invocation, type InvocationContext } from './invocation.ts';
import type { RunnerError, RunnerResult } from '../image/runner-protocol.ts';
import { parseTraceEvents } from '../image/trace-events.ts';

export interface CellSettings {
  timeoutSeconds: number;
  /** Extra attempts for a cell that misses its expectation (a later pass is `flaky`). */
  retries: number;
  context: InvocationContext;
  /** True once the run is stopping: no more retries. */
  stopping: () => boolean;
}

/** Rejects only when the session itself fails (ChannelClosedError): that is not the cell's outcome. */
export async function runCell(cell: PlannedCell, session: EnvironmentSession, settings: CellSettings): Promise<CellResult> {
  const { manifest } = session;
  const resolved = { python: manifest.python.version, numpy: manifest.numpy.version };
  const call = invocation(cell, manifest, settings.context);
  if ('skip' in call) return couldNotRun(cell, 'skipped', call.skip, resolved);
  if ('buildError' in call) return { ...couldNotRun(cell, 'build-error', call.buildError, resolved), output: keptOutput({ stdout: '', stderr: call.output }) };
  const started = Date.now();
  const previousAttempts: AttemptSummary[] = [];
  for (let attempt = 1; ; attempt++) {
    const reply = await session.run({
      ...call.request,
      id: `${cell.id}#${attempt}`,
      timeout: settings.timeoutSeconds,
      watch: settings.context.imports,
    });
    if (reply.type === 'error' && reply.kind === 'runner') {
      // dlmatrix's own failure, not the program's: never a verdict on the library.
      return { ...couldNotRun(cell, 'harness-error', reply.message, resolved), command: call.command };
    }
    const run = loaderRun(reply);
    const found = classify(run, settings.context.imports);
    let verdict = judge(found.outcome, cell.expected, found.signal);
    if (verdict === 'fail' && attempt <= settings.retries && !settings.stopping()) {
      const { outcome, symbol, signal, reason } = found;
      previousAttempts.push({ outcome, symbol, signal, reason, exitCode: run.exitCode });
      continue;
    }
    if (verdict === 'pass' && previousAttempts.length > 0) verdict = 'flaky';
    return {
      id: cell.id,
      axes: cell.axes,
      environment: cell.environment,
      resolved: { python: found.resolved.python ?? resolved.python, numpy: found.resolved.numpy ?? resolved.numpy },
      outcome: found.outcome,
      ...(found.symbol && { symbol: found.symbol }),
      ...(found.missing && { missing: found.missing }),
      ...(found.signal && { signal: found.signal }),
      ...(found.reason && { reason: found.reason }),
      ...(found.modules.length > 0 && {
        modules: found.modules.map(({ name, ok, version, error, symbol, traceback }) => ({
          name,
          ok,
          ...(version && { version }),
          ...(error && { error }),
          ...(symbol && { symbol }),
          ...(traceback && { traceback }),
        })),
      }),
      expected: cell.expected,
      verdict,
      durationMs: Date.now() - started,
      attempts: attempt,
      ...(previousAttempts.length > 0 && { previousAttempts }),
      command: call.command,
      exitCode: run.exitCode,
      output: keptOutput({ stdout: run.stdout, stderr: run.stderr }),
    };
  }
}

/** A program that could not start at all ends like a shell's "command not found" (127). */
function loaderRun(reply: RunnerResult | RunnerError): LoaderRun {
  if (reply.type === 'error') return { stdout: '', stderr: reply.message, exitCode: 127, timedOut: false, trace: [] };
  return {
    stdout: reply.stdout,
    stderr: reply.stderr,
    exitCode: reply.exitCode,
    ...(reply.signal && { signal: reply.signal }),
    timedOut: reply.timedOut,
    ...(reply.outOfMemory && { outOfMemory: true }),
    // Each event checked against the contract; one of the wrong shape is kept as `garbled`.
    trace: parseTraceEvents(reply.trace),
  };
}
