// plan -> images -> cells -> results. Environments are built (a few at a time) and each gets one
// long-lived container; its cells run as execs in it, in parallel under one global limit, so the
// cells of a ready environment run while other images are still building.
import pLimit from 'p-limit';
import { BuildFailedError, type ContainerClient } from '../docker/container-client.ts';
import { LABELS } from '../docker/labels.ts';
import type { BuiltImage } from '../docker/images.ts';
import type { PlannedCell, PlannedEnvironment, Plan } from '../plan/plan.ts';
import type { Reporter } from '../report/reporter.ts';
import type { AttemptSummary, CellResult, EnvironmentInfo } from '../results/types.ts';
import { classify } from '../verdict/classify.ts';
import { judge } from '../verdict/judge.ts';
import { notRunResult } from './cell-result.ts';
import { readEnvironmentFacts, type EnvironmentFacts } from './environment-facts.ts';
import { loaderCommand, TIMEOUT_EXIT_CODE, withTimeout } from './loader-command.ts';

export interface ImageProvider {
  environment(distro: string, python: string, numpy: string): Promise<BuiltImage>;
}

export interface RunSettings {
  runId: string;
  imports: string[];
  /** Cells running at once. */
  jobs: number;
  timeoutSeconds: number;
  /** Extra attempts for a cell that misses its expectation (a later pass is `flaky`). */
  retries: number;
  failFast: boolean;
  signal: AbortSignal;
}

export interface RunOutcome {
  cells: CellResult[];
  environments: EnvironmentInfo[];
  interrupted: boolean;
}

const BUILD_LOG_TAIL_CHARS = 4000;

export async function runPlan(
  plan: Plan,
  deps: { client: ContainerClient; images: ImageProvider; reporter: Reporter },
  settings: RunSettings,
): Promise<RunOutcome> {
  const results = new Map<string, CellResult>();
  const environments = new Map<string, EnvironmentInfo>();
  const containers = new Set<string>();
  const cellLimit = pLimit(Math.max(1, settings.jobs));
  // Environments whose container is up at once: enough to keep every job busy while one
  // environment drains, few enough not to park a container per environment.
  const environmentLimit = pLimit(Math.max(2, settings.jobs));
  let stopped = false;
  let stopReason = '';
  let resolveStopped: (value: 'stopped') => void = () => {};
  const whenStopped = new Promise<'stopped'>((resolve) => (resolveStopped = resolve));
  const stop = (reason: string) => {
    if (!stopped) [stopped, stopReason] = [true, reason];
    resolveStopped('stopped');
  };
  const onAbort = () => {
    stop('not run: the run was interrupted');
    // Removing the containers kills the loaders still running in them.
    for (const id of containers) void deps.client.removeContainer(id).catch(() => {});
  };
  settings.signal.addEventListener('abort', onAbort, { once: true });
  if (settings.signal.aborted) onAbort();

  const record = async (result: CellResult) => {
    results.set(result.id, result);
    await deps.reporter.onCellEnd?.(result);
    if (result.verdict === 'fail' && settings.failFast) stop('not run: --fail-fast stopped the run after a failure');
  };

  // Images are requested for every environment up front: the builder queues the builds under
  // its own limit, toolchains first, so building never waits for cells to drain.
  const images = new Map(
    plan.environments.map((environment) => {
      const pending = deps.images.environment(environment.distro, environment.python, environment.numpy);
      pending.catch(() => {}); // handled where awaited; avoids an unhandled rejection meanwhile
      return [environment.key, pending] as const;
    }),
  );

  const runEnvironment = async (environment: PlannedEnvironment) => {
    const info: EnvironmentInfo = {
      key: environment.key,
      distro: environment.distro,
      python: environment.python,
      numpy: environment.numpy,
      resolved: {},
    };
    environments.set(environment.key, info);
    if (stopped) return;

    let image: BuiltImage;
    try {
      const ready = await Promise.race([images.get(environment.key)!, whenStopped]);
      if (ready === 'stopped') return;
      image = ready;
      Object.assign(info, { image: image.ref, imageId: image.id, buildMs: image.buildMs });
    } catch (err) {
      info.buildError = buildErrorText(err);
      await deps.reporter.onEnvironmentReady?.(info);
      for (const cell of environment.cells) await record(notRunResult(cell, 'build-error', info.buildError));
      return;
    }
    // A slot is taken only once the image is ready, so ready environments never wait behind
    // ones still building.
    if (!stopped) await environmentLimit(() => runInContainer(environment, info, image));
  };

  const runInContainer = async (environment: PlannedEnvironment, info: EnvironmentInfo, image: BuiltImage) => {
    if (stopped) return;
    let containerId = '';
    try {
      containerId = await deps.client.startContainer(image.ref, {
        [LABELS.managed]: 'true',
        [LABELS.run]: settings.runId,
        [LABELS.environment]: environment.key,
      });
      containers.add(containerId);
      const facts = await readEnvironmentFacts(deps.client, containerId);
      info.resolved = { python: facts.python, numpy: facts.numpy, node: facts.node, rustc: facts.rustc, os: facts.os };
      info.skipReason = facts.skip;
      await deps.reporter.onEnvironmentReady?.(info);
      if (facts.skip) {
        for (const cell of environment.cells) await record(notRunResult(cell, 'skipped', facts.skip, resolvedOf(facts)));
        return;
      }
      await Promise.all(
        environment.cells.map((cell) =>
          cellLimit(async () => {
            if (stopped) return;
            await deps.reporter.onCellBegin?.(cell.id);
            const result = await runCell(cell, containerId, facts);
            // After Ctrl-C the container is gone: what the exec saw is not the cell's result.
            if (!settings.signal.aborted) await record(result);
          }),
        ),
      );
    } catch (err) {
      if (settings.signal.aborted) return;
      // The engine failed under this environment (container start, exec): its remaining cells
      // cannot run, the other environments still do.
      const reason = `the environment's container failed: ${(err as Error)?.message ?? err}`;
      info.buildError ??= reason;
      for (const cell of environment.cells) if (!results.has(cell.id)) await record(notRunResult(cell, 'build-error', reason));
    } finally {
      if (containerId) {
        containers.delete(containerId);
        await deps.client.removeContainer(containerId).catch(() => {});
      }
    }
  };

  const runCell = async (cell: PlannedCell, containerId: string, facts: EnvironmentFacts): Promise<CellResult> => {
    const invocation = loaderCommand(cell.axes.loader, cell.mode, settings.imports, facts);
    if ('skip' in invocation) return notRunResult(cell, 'skipped', invocation.skip, resolvedOf(facts));
    const command = withTimeout(invocation.command, settings.timeoutSeconds);
    const started = Date.now();
    let attempts = 0;
    const previousAttempts: AttemptSummary[] = [];
    for (;;) {
      attempts += 1;
      const exec = await deps.client.exec(containerId, {
        cmd: command,
        // The in-container `timeout` normally fires first; this is the backstop.
        timeoutMs: (settings.timeoutSeconds + 15) * 1000,
      });
      const timedOut = exec.hostTimedOut || exec.exitCode === TIMEOUT_EXIT_CODE;
      const verdictOf = classify({ ...exec, timedOut });
      let verdict = judge(verdictOf.outcome, cell.expected);
      if (verdict === 'fail' && attempts <= settings.retries && !stopped) {
        const { outcome, symbol, signal, reason } = verdictOf;
        previousAttempts.push({ outcome, symbol, signal, reason, exitCode: exec.exitCode });
        continue;
      }
      if (verdict === 'pass' && previousAttempts.length > 0) verdict = 'flaky';
      return {
        id: cell.id,
        axes: cell.axes,
        environment: cell.environment,
        resolved: { python: verdictOf.resolved.python ?? facts.python, numpy: verdictOf.resolved.numpy ?? facts.numpy },
        outcome: verdictOf.outcome,
        ...(verdictOf.symbol && { symbol: verdictOf.symbol }),
        ...(verdictOf.signal && { signal: verdictOf.signal }),
        ...(verdictOf.reason && { reason: verdictOf.reason }),
        expected: cell.expected,
        verdict,
        durationMs: Date.now() - started,
        attempts,
        ...(previousAttempts.length > 0 && { previousAttempts }),
        command,
        exitCode: exec.exitCode,
        output: { stdout: exec.stdout, stderr: exec.stderr },
      };
    }
  };

  try {
    await Promise.all(plan.environments.map(runEnvironment));
  } finally {
    settings.signal.removeEventListener('abort', onAbort);
    await Promise.all([...containers].map((id) => deps.client.removeContainer(id).catch(() => {})));
  }

  // Nothing is silently dropped: every planned cell has a result, in plan order.
  const cells = plan.cells.map((cell) => results.get(cell.id) ?? notRunResult(cell, 'skipped', stopReason || 'not run'));
  const infos = plan.environments.map((e) => environments.get(e.key) ?? { key: e.key, distro: e.distro, python: e.python, numpy: e.numpy, resolved: {} });
  return { cells, environments: infos, interrupted: stopped };
}

function resolvedOf(facts: EnvironmentFacts): CellResult['resolved'] {
  return { python: facts.python, numpy: facts.numpy };
}

function buildErrorText(err: unknown): string {
  const message = (err as Error)?.message ?? String(err);
  const tail = err instanceof BuildFailedError ? `\n--- last lines of the build log ---\n${err.logTail}` : '';
  const text = `${message}${tail}`;
  return text.length > BUILD_LOG_TAIL_CHARS ? `…${text.slice(-BUILD_LOG_TAIL_CHARS)}` : text;
}
