// `dlmatrix clean`: removes what dlmatrix left on the engine and no current matrix needs: the
// containers of runs that are no longer running, and the images the matrix file does not use
// (every dlmatrix image with --all). Says what it freed.
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import type { ContainerClient } from '../docker/container-client.ts';
import { DockerodeClient } from '../docker/dockerode-client.ts';
import { reapDeadRuns } from '../run/reaper.ts';
import { parseCommandArgs, UsageError } from './args.ts';
import { formatBytes, imageInventory } from './current-images.ts';
import { EXIT } from './exit-codes.ts';
import { requireEngine } from './require-engine.ts';
import { loadPlan } from './load-plan.ts';
import { findMatrixFile } from './matrix-file.ts';

export const CLEAN_HELP = `Usage: dlmatrix clean [options]

Removes the containers of dlmatrix runs that are no longer running (never a live run's), and the
images dlmatrix made that the matrix file does not use: older builds of its toolchains and
environments, other projects' images, bases of distros it does not name. Prints what it freed.

Options:
  --config FILE      the matrix whose images are kept (default: matrix.yaml here or in the
                     nearest folder above)
  --all              remove every image dlmatrix made, bases included
  --project-only     remove only the matrix's project's environment images it no longer uses
                     (older builds of it), nothing shared with other matrices
  --dry-run          say what would be removed, remove nothing
  --no-host-ca       the matrix runs with --no-host-ca (it changes the images' content tags)
  -h, --help         show this help

BuildKit's build cache (layers, cargo's registry and target folders) is not touched:
\`docker builder prune\` frees it.

Exit codes: 0 done, 2 bad arguments or matrix file, 3 no Docker engine answering.

Examples:
  npx dlmatrix clean
  npx dlmatrix clean --all --dry-run
`;

export async function cleanCommand(argv: string[], client: ContainerClient = new DockerodeClient()): Promise<number> {
  const { values } = parseCommandArgs('clean', argv, {
    config: { type: 'string' },
    all: { type: 'boolean', default: false },
    'dry-run': { type: 'boolean', default: false },
    'project-only': { type: 'boolean', default: false },
    'no-host-ca': { type: 'boolean', default: false },
  });
  if (values.help) {
    process.stdout.write(CLEAN_HELP);
    return EXIT.ok;
  }
  if (values.all && values['project-only']) throw new UsageError('--all and --project-only contradict each other: choose one');
  if (!values.all && values.config !== undefined && !existsSync(values.config)) {
    throw new UsageError(`${values.config}: no matrix file to keep the images of; give --config FILE, or --all to remove every dlmatrix image`);
  }
  const loaded = values.all ? undefined : loadPlan({ configPath: findMatrixFile(values.config), only: [], cellIds: [] }, (line) => process.stderr.write(`${line}\n`));
  const noEngine = await requireEngine(client);
  if (noEngine !== undefined) return noEngine;
  const dryRun = values['dry-run']!;
  const say = (line: string) => process.stdout.write(`${line}\n`);

  const containers = dryRun ? [] : await reapDeadRuns(client, { host: hostname(), pid: process.pid });
  const { all, current, project } = await imageInventory(client, loaded?.config, loaded?.full, values['no-host-ca']);
  const keep = new Set(current.map((image) => image.id));
  const unused = (values['project-only'] ? project : all).filter((image) => !keep.has(image.id));
  const before = await client.imagesDiskUsage();
  const removed: string[] = [];
  const inUse: string[] = [];
  for (const image of unused) {
    const name = image.tags[0] ?? image.id.slice(7, 19);
    if (dryRun) {
      say(`would remove ${name} (${formatBytes(image.size)})`);
      continue;
    }
    try {
      await client.removeImage(image.id);
      removed.push(name);
      say(`removed ${name}`);
    } catch (error) {
      // A live run's container uses it: left for later.
      inUse.push(name);
      say(`kept ${name}: ${String((error as Error)?.message ?? error).split('\n')[0]}`);
    }
  }
  const freed = dryRun ? unused.reduce((sum, image) => sum + image.size, 0) : before - (await client.imagesDiskUsage());
  say(
    `${dryRun ? 'would remove' : 'removed'} ${containers.length} container${containers.length === 1 ? '' : 's'} of dead runs and ` +
      `${dryRun ? unused.length : removed.length} image${(dryRun ? unused.length : removed.length) === 1 ? '' : 's'}; ` +
      `kept ${current.length} the matrix uses${inUse.length ? ` and ${inUse.length} in use` : ''}; ` +
      `${dryRun ? 'at most' : 'freed'} ${formatBytes(Math.max(0, freed))}`,
  );
  return EXIT.ok;
}
