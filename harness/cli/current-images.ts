// The images of dlmatrix that a matrix uses now (bases, toolchains, environment images built
// from them with the current project), for `clean` (what to keep) and `images save` (what to save).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Containers, ImageStore, ImageSummary } from '../docker/container-client.ts';
import { ImageBuilder } from '../docker/images.ts';
import { LABELS } from '../docker/labels.ts';
import type { MatrixConfig } from '../matrix/types.ts';
import type { Plan } from '../plan/plan.ts';
import { projectBuildPlan } from '../plan/project-build.ts';
import { hostCaBundle } from './host-ca.ts';
import { cpythonSources } from './cpython-versions.ts';
import { NumpyIndex } from './numpy-index.ts';

export interface ImageInventory {
  /** Every image dlmatrix made on this engine. */
  all: ImageSummary[];
  /** Those the matrix uses. */
  current: ImageSummary[];
  /** The environment images built for the matrix's project (current or not). */
  project: ImageSummary[];
}

export async function imageInventory(client: ImageStore & Containers, config: MatrixConfig | undefined, full: Plan | undefined, noHostCa = false): Promise<ImageInventory> {
  const all = await client.listImages({ [LABELS.managed]: 'true' });
  if (!config || !full) return { all, current: [], project: [] };
  const workDir = mkdtempSync(join(tmpdir(), 'dlmatrix-inventory-'));
  try {
    const builder = new ImageBuilder(client, {
      project: projectBuildPlan(config, full),
      caBundle: hostCaBundle(config.options.hostCaCertificates, noHostCa),
      workDir,
      logDir: join(workDir, 'logs'),
      buildJobs: 1,
      // `latest` and `oldest` as the last run resolved them (the index's cache, no refresh).
      numpy: new NumpyIndex(false),
      // Which release each source build's `python` means (the archive's cached index): its CPython image.
      cpython: cpythonSources(config, full, false, () => {}),
      log: () => {},
    });
    const { refs, project, isCurrentEnvironment } = await builder.currentImages(full.environments);
    const current = all.filter((image) => image.tags.some((tag) => refs.has(tag)) || (image.labels[LABELS.stage] === 'environment' && isCurrentEnvironment(image.labels)));
    return { all, current, project: all.filter((image) => image.labels[LABELS.project] === project) };
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) [value, unit] = [value / 1000, unit + 1];
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}
