// `dlmatrix run`: matrix -> plan -> images -> cells -> results -> reports.
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { koffiMinimumNode } from '../docker/build-context.ts';
import type { ContainerClient } from '../docker/container-client.ts';
import { DockerodeClient } from '../docker/dockerode-client.ts';
import { ImageBuilder } from '../docker/images.ts';
import { RegistryCache } from '../docker/registry-cache.ts';
import { MatrixFileError } from '../matrix/diagnostics.ts';
import type { MatrixConfig } from '../matrix/types.ts';
import { projectBuildPlan } from '../plan/project-build.ts';
import type { NumpyReleases } from '../pypi/numpy-releases.ts';
import { defaultCacheDir, PackageIndexError } from '../pypi/package-index.ts';
import { JournalReporter } from '../report/journal-reporter.ts';
import { Multiplexer } from '../report/multiplexer.ts';
import { createReporters, reporterNames, REPORTER_NAMES } from '../report/reporter-names.ts';
import { describeCause } from '../results/atomic-file.ts';
import { assembleResults, type RunRecord } from '../results/assemble.ts';
import { JOURNAL_FILE } from '../results/journal.ts';
import { readResultsFile } from '../results/results-file.ts';
import { RESULTS_SCHEMA_VERSION, type RunHeader } from '../results/run-results.ts';
import { missedCount } from '../results/summary.ts';
import { ownerLabel, reapDeadRuns } from '../run/reaper.ts';
import { RunStop } from '../run/run-stop.ts';
import { runPlan } from '../run/scheduler.ts';
import { nonNegativeInteger, parseCommandArgs, positiveInteger, UsageError } from './args.ts';
import { EXIT } from './exit-codes.ts';
import { requireEngine } from './require-engine.ts';
import { hostCaBundle } from './host-ca.ts';
import { readLastFailed } from './last-failed.ts';
import { loadPlan } from './load-plan.ts';
import { findMatrixFile } from './matrix-file.ts';
import { NumpyIndex } from './numpy-index.ts';
import { hasNumpyPins, numpyPinProblems } from './numpy-pins.ts';
import { cpythonSources, cpythonVersionProblems } from './cpython-versions.ts';
import { keepInterruptedRun } from './interrupted-runs.ts';
import { withOutDir } from './out-dir.ts';
import { reportWriteFailures, writtenReportFiles } from './report-failures.ts';
import { dlmatrixVersion } from './version.ts';

export const RUN_HELP = `Usage: dlmatrix run [options]

Builds the project under test (the dlmatrix probe crate, or your own library and host programs) in
Docker for every environment of the matrix, loads it with every loader, flag combination and
mitigation, and writes results.json, junit.xml and index.html (and what --reporter asks for).

Options:
  --config FILE      matrix file (default: matrix.yaml here or in the nearest folder above)
  --out DIR          where reports go (default: reports)
  --jobs N           cells running at once (default: CPU count + 1)
  --build-jobs N     environments building at once (default: 2)
  --timeout SEC      per-cell timeout (default: the matrix's options.timeout, else 60)
  --retries N        re-run a cell that misses its expectation up to N times; a later pass is
                     reported "flaky", never "pass" (default: 0)
  --fail-fast        stop scheduling cells after the first failure
  --only AXIS=GLOB   run only cells whose axis matches (repeatable, ANDed); a value is matched
                     whole (RTLD_LOCAL* for a prefix)
  --cell ID          run only this cell (repeatable); ids are listed by \`dlmatrix plan\`.
                     A selection that matches no cell is an error (exit 2): nothing runs
  --last-failed      rerun only the cells that failed in the last run into --out (its
                     results.json), like pytest --lf; every cell when none failed
  --shard I/N        run the I-th of N deterministic shards (merge them with \`dlmatrix merge\`);
                     auto: GitLab's parallel jobs (CI_NODE_INDEX of CI_NODE_TOTAL)
  --baseline FILE    an earlier results.json: mark cells whose outcome changed
  --cache-registry REPO  look every image up in this registry repository by its content tag
                     before building it, and push it there after (e.g. localhost:5000/dlmatrix);
                     credentials from \`docker login\` (default: the matrix's options.cache-registry)
  --refresh          read NumPy's releases from the package index now, not from the day-old cache
                     (what \`latest\` and \`oldest\` resolve to)
  --no-host-ca       do not copy the host's CA certificates (SSL_CERT_FILE) into the images
  --reporter LIST    comma-separated, repeatable: ${REPORTER_NAMES.join(', ')}.
                     Terminal: line (live status line), list (a line per cell), dot (a
                     character per cell); files in --out: json (results.json), junit
                     (junit.xml), html (index.html), ctrf (ctrf.json); github (job summary and
                     ::error annotations). Default: line on a terminal, list in CI or without
                     a TTY, plus json, junit, html, and github when GITHUB_ACTIONS=true.
                     results.json is always written: merge, diff and --baseline read it
  --wait             when another dlmatrix run is using --out, wait for it to finish
                     (default: refuse, exit 2)
  --quiet            print only failures and the summary
  --verbose          print every build step and cell
  -h, --help         show this help

Exit codes: 0 every cell met its expectation, 1 some did not (or should have run and did not),
2 bad matrix file or arguments (also a selection of no cell, or --out in use by another run),
3 no Docker engine answering (also when it goes away mid-run), 4 a report could not be written
(or --out cannot be: the message says which file and why), 130 interrupted by Ctrl-C, 143 by
SIGTERM, 129 by SIGHUP (results gathered so far are still written).

Examples:
  npx dlmatrix run
  npx dlmatrix run --only distro=trixie --only 'flags=RTLD_LOCAL*'
  npx dlmatrix run --cell 'bookworm/py-system/np-2.2.6/c/RTLD_LOCAL|RTLD_NOW'
  npx dlmatrix run --shard 1/4 --out reports/shard-1
`;

export async function runCommand(argv: string[], client: ContainerClient = new DockerodeClient()): Promise<number> {
  const { values } = parseCommandArgs('run', argv, {
    config: { type: 'string' },
    out: { type: 'string', default: 'reports' },
    jobs: { type: 'string' },
    'build-jobs': { type: 'string' },
    timeout: { type: 'string' },
    retries: { type: 'string' },
    'fail-fast': { type: 'boolean', default: false },
    only: { type: 'string', multiple: true, default: [] },
    cell: { type: 'string', multiple: true, default: [] },
    'last-failed': { type: 'boolean', default: false },
    shard: { type: 'string' },
    baseline: { type: 'string' },
    'no-host-ca': { type: 'boolean', default: false },
    quiet: { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
    reporter: { type: 'string', multiple: true, default: [] },
    refresh: { type: 'boolean', default: false },
    'cache-registry': { type: 'string' },
    wait: { type: 'boolean', default: false },
  });
  if (values.help) {
    process.stdout.write(RUN_HELP);
    return EXIT.ok;
  }
  // One more than the cores: a loader waiting on the page cache or on process start-up leaves a
  // core idle otherwise (measured: about 8% faster on the default matrix with 2 cores).
  const jobs = positiveInteger('jobs', values.jobs, availableParallelism() + 1);
  const buildJobs = positiveInteger('build-jobs', values['build-jobs'], 2);
  const retries = nonNegativeInteger('retries', values.retries, 0);
  const warn = (line: string) => process.stderr.write(`${line}\n`);

  const configPath = findMatrixFile(values.config);
  if (values['last-failed'] && values.cell!.length > 0) throw new UsageError('--last-failed and --cell both choose the cells: give one of them');
  const lastFailed = values['last-failed'] ? readLastFailed(resolve(values.out!)) : undefined;
  const { config, full, plan, shard, cellIds } = loadPlan(
    { configPath, only: values.only!, cellIds: values.cell!, shard: values.shard, ...(lastFailed && { lastFailed }) },
    warn,
  );
  if (shard && plan.cells.length === 0) {
    warn(`dlmatrix: shard ${shard.index}/${shard.count} has no cells (the selected cells went to the other shards); writing empty reports for \`dlmatrix merge\``);
  }
  const cacheRegistry = values['cache-registry'] ?? config.options.cacheRegistry;
  const timeoutSeconds = values.timeout === undefined ? config.options.timeoutSeconds : positiveInteger('timeout', values.timeout, 60);
  const baseline = values.baseline ? readResultsFile(values.baseline) : undefined;
  const reporters = reporterNames(values.reporter!, { interactive: Boolean(process.stderr.isTTY) && !process.env.CI, env: process.env });
  const numpy = new NumpyIndex(values.refresh!);
  await checkNumpyPins(config, numpy, warn);
  const cpython = cpythonSources(config, full, values.refresh!, warn);
  if (cpython) {
    const problems = await cpythonVersionProblems(config, full, cpython);
    if (problems.length > 0) throw new MatrixFileError(problems);
  }

  // The --out folder before anything is built: a file in the way or a folder in use by another
  // run is exit 2, one that cannot be written (read-only, no permission, full) exit 4.
  return withOutDir(values.out!, { command: 'run', wait: values.wait, onWait: warn, warn }, async (outDir) => {
    const noEngine = await requireEngine(client);
    if (noEngine !== undefined) return noEngine;

    const owner = { host: hostname(), pid: process.pid };
    const reaped = await reapDeadRuns(client, owner);
    if (reaped.length > 0) warn(`dlmatrix: removed ${reaped.length} container${reaped.length === 1 ? '' : 's'} left by dlmatrix runs that are no longer running`);

    // Kept, never overwritten: the journal of a run into this folder that was killed (or whose
    // reports failed) moves to OUT/interrupted-run[-N]/ with its reports.
    await keepInterruptedRun(outDir, values.out!, warn);
    const startedAt = new Date();
    const header: RunHeader = {
      schemaVersion: RESULTS_SCHEMA_VERSION,
      tool: { name: 'dlmatrix', version: dlmatrixVersion() },
      matrixFile: configPath,
      startedAt: startedAt.toISOString(),
      host: { hostname: hostname(), platform: `${process.platform}-${process.arch}`, docker: await client.engineVersion().catch(() => undefined) },
      ...(shard && { shard: `${shard.index}/${shard.count}` }),
      ...((values.only!.length > 0 || cellIds.length > 0) && { selection: { only: values.only!, cells: cellIds } }),
    };
    const planned = plan.cells.map(({ id, axes, environment, expected }) => ({ id, axes, environment, expected }));
    const journal = new JournalReporter(join(outDir, JOURNAL_FILE), header, planned);
    const reporter = new Multiplexer([...createReporters(reporters, { outDir, terminal: { quiet: values.quiet, verbose: values.verbose } }), journal]);
    const runId = `${Date.now().toString(36)}-${process.pid}`;
    const workDir = mkdtempSync(join(tmpdir(), 'dlmatrix-'));
    const interrupt = new AbortController();
    const stop = new RunStop(interrupt.signal);
    let exitSignal: NodeJS.Signals | undefined;
    const onSignal = (signal: NodeJS.Signals) => {
      // A second signal quits at once: the engine then closes the containers' stdin, and they go.
      if (exitSignal) process.exit(SIGNAL_EXIT[signal]);
      exitSignal = signal;
      process.stderr.write(`\ndlmatrix: ${signal === 'SIGINT' ? 'interrupted' : `got ${signal}`}; removing containers and writing the results gathered so far (again to quit now)\n`);
      interrupt.abort({ kind: 'interrupted', message: `not run: the run was interrupted (${signal})` });
    };
    // Ctrl-C, a CI job being cancelled, a closed terminal: all stop the run cleanly.
    const signals = Object.keys(SIGNAL_EXIT) as NodeJS.Signals[];
    for (const signal of signals) process.on(signal, onSignal);

    try {
      await reporter.onBegin({ matrixFile: configPath, totalCells: plan.cells.length, environments: plan.environments.length });
      const images = new ImageBuilder(client, {
        project: projectBuildPlan(config, full),
        owner: ownerLabel(owner),
        cache: cacheRegistry ? new RegistryCache(client, cacheRegistry, (line) => void reporter.onLog(line)) : undefined,
        numpy,
        cpython,
        cacheDir: defaultCacheDir(),
        caBundle: hostCaBundle(config.options.hostCaCertificates, values['no-host-ca']),
        workDir,
        logDir: join(outDir, 'logs'),
        buildJobs,
        signal: stop.signal,
        log: (line) => void reporter.onLog(line),
        progress: (status) => void reporter.onProgress(status),
      });
      const outcome = await runPlan(
        plan,
        { client, images, reporter },
        {
          runId,
          owner: ownerLabel(owner),
          jobs,
          timeoutSeconds,
          retries,
          failFast: values['fail-fast']!,
          sandbox: { memoryBytes: config.options.cellMemoryBytes, pids: config.options.cellPids },
          context: {
            entry: config.project.entry,
            entryAt: config.project.entryAt,
            entryKind: config.project.entryKind,
            loaders: config.loaders,
            imports: config.imports,
            koffiMinimumNode: koffiMinimumNode(),
            cellThreads: config.options.cellThreads,
          },
          stop,
        },
      );
      const record: RunRecord = {
        header,
        finishedAt: new Date().toISOString(),
        interrupted: outcome.stopReason !== undefined,
        environments: outcome.environments,
        cells: outcome.cells,
      };
      const journaled = journalStep(() => journal.finish(record), warn);
      const { results, diff } = assembleResults(record, baseline);
      await reporter.onEnd(results, diff);
      const written = writtenReportFiles(reporters, reporter);
      if (written.length > 0) process.stderr.write(`reports in ${values.out}: ${written.join(', ')}\n`);
      const unwritten = reportWriteFailures(reporter);
      // The journal says it was turned into reports only when every report was written: else the
      // next run into this folder keeps it and writes its reports (interrupted-runs.ts).
      if (!unwritten && journaled) journalStep(() => journal.end(), warn);
      if (exitSignal) return SIGNAL_EXIT[exitSignal];
      if (outcome.stopReason?.kind === 'matrix-error') {
        // Found once the library was built (its exports): the matrix's mistake, like any matrix error.
        process.stderr.write(`${new MatrixFileError(outcome.stopReason.diagnostics ?? []).message}\n`);
        return EXIT.usage;
      }
      if (outcome.stopReason?.kind === 'engine-lost') {
        process.stderr.write(`dlmatrix: ${outcome.stopReason.message.replace(/^not run: /, '')}; results gathered so far are written\n`);
        return EXIT.infrastructure;
      }
      if (unwritten) return EXIT.reports;
      return missedCount(results.summary) > 0 ? EXIT.failed : EXIT.ok;
    } finally {
      journal.close();
      for (const signal of signals) process.off(signal, onSignal);
      rmSync(workDir, { recursive: true, force: true });
    }
  });
}

/** A journal write at the end of the run; false (said once) when it failed, e.g. on a full disk. */
function journalStep(step: () => void, warn: (line: string) => void): boolean {
  try {
    step();
    return true;
  } catch (error) {
    warn(`dlmatrix: the journal could not be written: ${describeCause(error)}`);
    return false;
  }
}

/** Pins that do not exist are matrix errors (exit 2), found before anything is built. */
async function checkNumpyPins(config: MatrixConfig, numpy: NumpyIndex, warn: (line: string) => void): Promise<void> {
  if (!hasNumpyPins(config)) return;
  let releases: NumpyReleases;
  try {
    releases = await numpy.load();
  } catch (error) {
    if (!(error instanceof PackageIndexError)) throw error;
    warn(`dlmatrix: cannot check the NumPy pins against the package index (${error.message}); a pin that does not exist will fail its build`);
    return;
  }
  const problems = numpyPinProblems(config, releases);
  if (problems.length > 0) throw new MatrixFileError(problems);
}

/** Exit codes of a run stopped by a signal: 128 + its number, as shells report it. */
const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

