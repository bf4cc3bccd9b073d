// Containers need cgroups: v2 (one cgroup2 mount) or v1 (one mount per controller). The engine's
// own answer (docker info CgroupVersion) is shown too; for a remote engine it is all we know.
import type { Check, CheckResult } from './check.ts';
import { engineAddress, type EngineState } from './engine.ts';
import type { System } from './system.ts';

export interface CgroupsCheckDeps {
  state: () => Promise<EngineState>;
  /** The text of /proc/mounts. */
  mounts: () => string;
  system: System;
  env?: NodeJS.ProcessEnv;
}

export function cgroupsCheck(deps: CgroupsCheckDeps): Check {
  const address = engineAddress(deps.env);
  return {
    name: 'cgroups',
    async run(): Promise<CheckResult> {
      const state = await deps.state();
      const engineSays = state.ok && state.info.cgroupVersion ? `; the engine uses cgroup v${state.info.cgroupVersion}` : '';
      if (!address.local) {
        return state.ok && state.info.cgroupVersion
          ? { status: 'ok', what: `cgroup v${state.info.cgroupVersion} on the remote engine` }
          : { status: 'warn', what: 'cgroups of the remote engine unknown (it did not answer)', fix: 'see the docker-engine line' };
      }
      const found = mountedCgroups(deps.mounts());
      if (found.v2) return { status: 'ok', what: `cgroup v2 mounted at ${found.v2}${engineSays}` };
      if (found.v1.length > 0) {
        return { status: 'ok', what: `cgroup v1 mounted (${found.v1.length} hierarchies: ${found.v1.slice(0, 4).join(', ')}${found.v1.length > 4 ? ', …' : ''})${engineSays}` };
      }
      return {
        status: 'fail',
        what: 'no cgroup filesystem is mounted: Docker cannot start containers',
        fix: 'mount one: sudo mount -t cgroup2 none /sys/fs/cgroup (systemd does this at boot); or run `sudo npx dlmatrix doctor --fix`',
      };
    },
    async fix(log) {
      if (!deps.system.isRoot()) throw new Error('mounting cgroups needs root: run `sudo npx dlmatrix doctor --fix`');
      log('mount -t cgroup2 none /sys/fs/cgroup');
      if ((await deps.system.run('mount', ['-t', 'cgroup2', 'none', '/sys/fs/cgroup'], log)) !== 0) throw new Error('mounting cgroup2 failed');
    },
  };
}

const MOUNT_OPTIONS = new Set(['rw', 'ro', 'nosuid', 'nodev', 'noexec', 'relatime', 'noatime', 'xattr']);

/** From /proc/mounts: where cgroup2 is mounted, and the v1 hierarchies (by their options). */
export function mountedCgroups(procMounts: string): { v2?: string; v1: string[] } {
  const result: { v2?: string; v1: string[] } = { v1: [] };
  for (const line of procMounts.split('\n')) {
    const [, mountPoint, type, options] = line.split(' ');
    if (type === 'cgroup2') result.v2 ??= mountPoint;
    else if (type === 'cgroup') {
      const controllers = (options ?? '').split(',').filter((o) => !MOUNT_OPTIONS.has(o) && !o.includes('_agent'));
      result.v1.push(controllers.map((c) => c.replace(/^name=/, '')).join(',') || mountPoint);
    }
  }
  // A v1 machine with systemd also mounts an empty "unified" cgroup2; the v1 hierarchies are what counts there.
  if (result.v2 && result.v1.length > 0 && result.v2 !== '/sys/fs/cgroup') result.v2 = undefined;
  return result;
}
