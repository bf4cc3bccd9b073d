// Free space where the engine keeps images (docker info DockerRootDir): a cold run of the default
// matrix builds 4 toolchain and 12 NumPy images, several GB.
import { existsSync, statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import { GB, type Check, type CheckResult } from './check.ts';
import { engineAddress, type EngineState } from './engine.ts';

export const WARN_BELOW_BYTES = 10 * GB;
export const FAIL_BELOW_BYTES = 1 * GB;
const DEFAULT_ROOT = '/var/lib/docker';

export interface DiskCheckDeps {
  state: () => Promise<EngineState>;
  /** Bytes an unprivileged write may still use on the filesystem holding `path`. */
  freeBytes?: (path: string) => number;
  env?: NodeJS.ProcessEnv;
}

export function diskCheck(deps: DiskCheckDeps): Check {
  const freeBytes = deps.freeBytes ?? freeBytesOnDisk;
  return {
    name: 'disk',
    async run(): Promise<CheckResult> {
      const state = await deps.state();
      if (!engineAddress(deps.env).local) {
        return { status: 'warn', what: 'free disk of the remote engine not measured', fix: 'make sure it has 10 GB free where it keeps images' };
      }
      // Without an answer from the engine, its default place.
      const root = (state.ok && state.info.rootDir) || DEFAULT_ROOT;
      const free = freeBytes(root);
      const what = `${(free / GB).toFixed(1)} GB free in ${root} (where Docker keeps images)`;
      const fix = 'free some: docker image prune -a, or `docker rmi` old dlmatrix images (label dev.dlmatrix.managed); or move Docker\'s data-root';
      if (free < FAIL_BELOW_BYTES) return { status: 'fail', what, fix };
      if (free < WARN_BELOW_BYTES) return { status: 'warn', what: `only ${what}; a cold run of the default matrix needs about 10 GB`, fix };
      return { status: 'ok', what };
    },
  };
}

/** statfs of the path, or of its nearest existing parent (the root dir may not exist yet). */
export function freeBytesOnDisk(path: string): number {
  let dir = path;
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  const stats = statfsSync(dir);
  return stats.bavail * stats.bsize;
}
