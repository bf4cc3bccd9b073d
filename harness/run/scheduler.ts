// plan -> images -> cells -> results. Every environment's image is requested up front (the image
// builder queues builds under its own limit); as soon as one is ready, its environment gets a
// session (one container running the cell runner) and its cells run there, all environments'
// cells under one limit (--jobs). One stop signal (RunStop) ends everything: Ctrl-C, --fail-fast,
// the engine going away. Every planned cell ends with a result, and no reporter event comes after
// runPlan returns.
import pLimit from 'p-limit';
import { BuildFailedError, type Containers, type Engine, type Sandbox } from '../docker/container-client.ts';
import type { EnvironmentImage, EnvironmentRequest } from '../docker/images.ts';
import type { EnvironmentManifest } from '../image/manifest.ts';
import { containerLabels, LABELS } from '../docker/labels.ts';
import type { PlannedEnvironment, Plan } from '../plan/plan.ts';
import type { Reporter } from '../report/reporter.ts';
import { couldNotRun, stoppedBeforeRun } from '../results/not-run.ts';
import type { CellResult, EnvironmentInfo } from '../results/run-results.ts';
import { buildErrorCause, buildErrorPointer, buildErrorText } from './build-error-text.ts';
import { runCell, type CellSettings } from './cell-runner.ts';
import { entryProblem } from './entry-check.ts';
import { EnvironmentSession } from './environment-session.ts';
import type { InvocationContext } from './invocation.ts';
import type { RunStop, StopReason } from './run-stop.ts';

export interface ImageProvider {
  environment(request: EnvironmentRequest): Promise<EnvironmentImage>;
}

export interface RunSettings {
  runId: string;
  /** `host:pid` of this harness, on its containers, so a later run can tell dead runs from live ones. */
  owner: string;
  /** Cells running at once. */
  jobs: number;
  timeoutSeconds: number;
  retries: number;
  failFast: boolean;
  /** How each environment's container is contained (no network, memory and process limits). */
  sandbox: Sandbox;
  context: InvocationContext;
  stop: RunStop;
}

export interface RunOutcome {
  cells: CellResult[];
  environments: EnvironmentInfo[];
  /** Why the run stopped early, if it did. */
  stopReason?: StopReason;
}

const ENGINE_CHECK_MS = 5000;

export async function runPlan(
  plan: Plan,
  deps: { client: Engine & Containers; images: ImageProvider; reporter: Reporter },
  settings: RunSettings,
): Promise<RunOutcome> {
  const { client, reporter } = deps;
  const { stop } = settings;
  const results = new Map<string, CellResult>();
  const environments = new Map<string, EnvironmentInfo>();
  const sessions = new Set<EnvironmentSession>();
  const cellLimit = pLimit(Math.max(1, settings.jobs));
  // Containers up at once: enough to keep every job busy while one environment drains.
  const environmentLimit = pLimit(Math.max(2, settings.jobs));
  const whenStopped = new Promise<'stopped'>((resolve) => {
    if (stop.stopped) resolve('stopped');
    stop.signal.addEventListener('abort', () => resolve('stopped'), { once: true });
  });
  // Closing a session kills the loaders running in it.
  const closeAll = () => sessions.forEach((session) => void session.close());
  stop.signal.addEventListener('abort', closeAll, { once: true });

  const cellSettings: CellSettings = {
    timeoutSeconds: settings.timeoutSeconds,
    retries: settings.retries,
    context: settings.context,
    stopping: () => stop.stopped,
  };

  const record = async (result: CellResult) => {
    results.set(result.id, result);
    await reporter.onCellEnd?.(result);
    if (result.verdict === 'fail' && settings.failFast) stop.stop({ kind: 'fail-fast', message: 'not run: --fail-fast stopped the run after a failure' });
  };

  /** After an engine call failed: is the engine itself gone? Then the whole run stops (exit 3). */
  const engineLost = async (error: unknown): Promise<boolean> => {
    const alive = await Promise.race([
      client.ping().then(() => true, () => false),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ENGINE_CHECK_MS).unref()),
    ]);
    if (alive) return false;
    stop.stop({ kind: 'engine-lost', message: `not run: the Docker engine stopped answering (${firstLine(error)})` });
    return true;
  };

  const images = new Map(
    plan.environments.map((environment) => {
      const { distro, python, pythonBuild, numpy } = environment;
      const pending = deps.images.environment({ distro, python, pythonBuild, numpy });
      pending.catch(() => {}); // handled where awaited
      return [environment.key, pending] as const;
    }),
  );

  const runEnvironment = async (environment: PlannedEnvironment) => {
    const { distro, python, pythonBuild, numpy } = environment;
    const info: EnvironmentInfo = { key: environment.key, distro, python, ...(pythonBuild !== 'distro' && { pythonBuild }), numpy, resolved: {} };
    environments.set(environment.key, info);
    let ready: EnvironmentImage;
    try {
      const settled = await Promise.race([images.get(environment.key)!, whenStopped]);
      if (settled === 'stopped') return;
      ready = settled;
    } catch (error) {
      if (stop.stopped || (!(error instanceof BuildFailedError) && (await engineLost(error)))) return;
      info.buildError = buildErrorText(error);
      info.buildCause = buildErrorCause(error);
      if (error instanceof BuildFailedError && error.logFile) info.buildLog = error.logFile;
      await reporter.onEnvironmentReady?.(info);
      const pointer = buildErrorPointer(environment.key, info.buildError);
      for (const cell of environment.cells) await record(couldNotRun(cell, 'build-error', pointer));
      return;
    }
    if (ready.status === 'skipped') {
      // The environment cannot exist: the distro has no such Python, PyPI no such wheel, the
      // distro's NumPy is for another Python (the image's manifest, or the index, says so).
      Object.assign(info, { skipReason: ready.reason, resolved: { python: ready.python } });
      await reporter.onEnvironmentReady?.(info);
      for (const cell of environment.cells) await record(couldNotRun(cell, 'skipped', ready.reason, { python: ready.python }));
      return;
    }
    Object.assign(info, { image: ready.image.ref, imageId: ready.image.id, buildMs: ready.image.buildMs, resolved: resolvedVersions(ready.manifest) });
    const { context } = settings;
    const called = environment.cells.some((cell) => !context.loaders[cell.axes.loader] || context.loaders[cell.axes.loader]!.run.some((arg) => arg.includes('{entry}')));
    const wrongEntry = entryProblem(ready.manifest, context.entry, context.entryAt, called);
    if (wrongEntry) {
      stop.stop({ kind: 'matrix-error', message: `not run: ${wrongEntry.message}`, diagnostics: [wrongEntry] });
      await reporter.onEnvironmentReady?.(info);
      return;
    }
    // A slot is taken only once the image is ready: ready environments never wait behind builds.
    await environmentLimit(() => runInSession(environment, info, { ref: ready.image.ref, manifest: ready.manifest }));
  };

  const runInSession = async (environment: PlannedEnvironment, info: EnvironmentInfo, image: { ref: string; manifest: EnvironmentManifest }) => {
    if (stop.stopped) return;
    let session: EnvironmentSession;
    try {
      const labels = containerLabels('cell-runner', settings.owner, { [LABELS.run]: settings.runId, [LABELS.environment]: environment.key });
      // The runner's own failures (its tracebacks on stderr) reach the log, not the void.
      session = await EnvironmentSession.open(client, image, labels, settings.sandbox, (line) => void reporter.onLog?.(`${environment.key}: ${line}`));
    } catch (error) {
      if (stop.stopped || (await engineLost(error))) return;
      info.engineError = `the environment's container did not start: ${firstLine(error)}`;
      await reporter.onEnvironmentReady?.(info);
      for (const cell of environment.cells) await record(couldNotRun(cell, 'engine-error', info.engineError));
      return;
    }
    sessions.add(session);
    if (stop.stopped) void session.close();
    try {
      await reporter.onEnvironmentReady?.(info);
      await Promise.all(
        environment.cells.map((cell) =>
          cellLimit(async () => {
            if (stop.stopped) return;
            await reporter.onCellBegin?.(cell.id);
            let result: CellResult;
            try {
              result = await runCell(cell, session, cellSettings);
            } catch (error) {
              // The session failed under this cell: it has no result of its own. Its siblings
              // still settle one by one; the container is removed only after all of them.
              if (stop.stopped || (await engineLost(error))) return;
              result = couldNotRun(cell, 'engine-error', `the environment's container failed while the cell ran: ${firstLine(error)}`);
            }
            await record(result);
          }),
        ),
      );
    } finally {
      sessions.delete(session);
      await session.close();
    }
  };

  try {
    await Promise.all(plan.environments.map(runEnvironment));
  } finally {
    stop.signal.removeEventListener('abort', closeAll);
    await Promise.all([...sessions].map((session) => session.close()));
  }

  const stopReason = stop.reason;
  // Nothing is silently dropped: every planned cell has a result, in plan order.
  const cells = plan.cells.map((cell) => results.get(cell.id) ?? stoppedBeforeRun(cell, stopReason?.message ?? 'not run'));
  const infos = plan.environments.map((e) => environments.get(e.key)!);
  return { cells, environments: infos, ...(stopReason && { stopReason }) };
}

/** What the environment really has, as reports show it. */
function resolvedVersions(manifest: EnvironmentManifest): EnvironmentInfo['resolved'] {
  return {
    python: manifest.python.version,
    numpy: manifest.numpy.version,
    ...(manifest.node && { node: manifest.node }),
    rustc: manifest.rustc,
    os: manifest.distro.name,
  };
}

function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error).split('\n')[0];
}
