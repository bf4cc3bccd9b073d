import { describe, expect, it } from 'vitest';
import type { EngineInfo } from '../../docker/dockerode-client.ts';
import { cgroupsCheck, mountedCgroups } from './cgroups-check.ts';
import type { EngineState } from './engine.ts';
import type { System } from './system.ts';

const V2 = 'cgroup2 /sys/fs/cgroup cgroup2 rw,nosuid,nodev,noexec,relatime,nsdelegate,memory_recursiveprot 0 0\n';
// A systemd machine on cgroup v1 ("hybrid"): an empty unified cgroup2 beside the v1 hierarchies.
const HYBRID = [
  'tmpfs /sys/fs/cgroup tmpfs rw,relatime,mode=755 0 0',
  'cgroup /sys/fs/cgroup/cpu cgroup rw,relatime,cpu 0 0',
  'cgroup /sys/fs/cgroup/memory cgroup rw,relatime,memory 0 0',
  'cgroup /sys/fs/cgroup/systemd cgroup rw,relatime,xattr,release_agent=/x,name=systemd 0 0',
  'cgroup2 /sys/fs/cgroup/unified cgroup2 rw,relatime 0 0',
].join('\n');
const NONE = 'proc /proc proc rw 0 0\nsysfs /sys sysfs rw 0 0\n';

const engine = (cgroupVersion?: string): EngineState => ({
  ok: true,
  info: { version: '20.10', apiVersion: '1.41', cgroupVersion, registries: [] } satisfies EngineInfo,
});
const system = (root = true, ran: string[] = []): System => ({
  isRoot: () => root,
  has: () => true,
  hasSystemd: () => false,
  run: async (command, args) => (ran.push([command, ...args].join(' ')), 0),
  startDaemon: () => {},
});

describe('cgroups check', () => {
  it('reads v2, v1 and hybrid mounts from /proc/mounts', () => {
    expect(mountedCgroups(V2)).toEqual({ v2: '/sys/fs/cgroup', v1: [] });
    expect(mountedCgroups(HYBRID)).toEqual({ v1: ['cpu', 'memory', 'systemd'] });
    expect(mountedCgroups(NONE)).toEqual({ v1: [] });
  });

  it('ok for v2 or v1, with what the engine uses', async () => {
    const v2 = await cgroupsCheck({ state: async () => engine('2'), mounts: () => V2, system: system() }).run();
    expect(v2).toEqual({ status: 'ok', what: 'cgroup v2 mounted at /sys/fs/cgroup; the engine uses cgroup v2' });
    const v1 = await cgroupsCheck({ state: async () => engine('1'), mounts: () => HYBRID, system: system() }).run();
    expect(v1.status).toBe('ok');
    expect(v1.what).toMatch(/^cgroup v1 mounted \(3 hierarchies: cpu, memory, systemd\); the engine uses cgroup v1$/);
  });

  it('fails with how to mount when none is mounted; --fix mounts cgroup2 as root only', async () => {
    const ran: string[] = [];
    const check = cgroupsCheck({ state: async () => ({ ok: false, error: new Error('x') }), mounts: () => NONE, system: system(true, ran) });
    const result = await check.run();
    expect(result.status).toBe('fail');
    expect(result.fix).toContain('mount -t cgroup2 none /sys/fs/cgroup');
    await check.fix!(() => {});
    expect(ran).toEqual(['mount -t cgroup2 none /sys/fs/cgroup']);
    const notRoot = cgroupsCheck({ state: async () => engine(), mounts: () => NONE, system: system(false) });
    await expect(notRoot.fix!(() => {})).rejects.toThrow(/needs root/);
  });

  it('for a remote engine trusts the engine, not this machine', async () => {
    const env = { DOCKER_HOST: 'tcp://builder:2375' };
    expect(await cgroupsCheck({ state: async () => engine('2'), mounts: () => NONE, system: system(), env }).run()).toEqual({
      status: 'ok',
      what: 'cgroup v2 on the remote engine',
    });
  });
});
