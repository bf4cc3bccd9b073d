import { describe, expect, it } from 'vitest';
import type { EngineInfo } from '../../docker/dockerode-client.ts';
import { compareVersions, DOCKERD_LOG, engineCheck } from './engine-check.ts';
import { engineState } from './engine.ts';
import type { System } from './system.ts';

const INFO: EngineInfo = { version: '20.10.24', apiVersion: '1.41', rootDir: '/var/lib/docker', cgroupVersion: '2', registries: [] };
const errno = (code: string) => Object.assign(new Error(`connect ${code} /var/run/docker.sock`), { code });

/** Records what --fix ran; `installed` and `systemd` describe the machine. */
function fakeSystem(machine: { root?: boolean; installed?: string[]; systemd?: boolean; onRun?: (cmd: string) => void } = {}) {
  const ran: string[] = [];
  const installed = new Set(machine.installed ?? ['apt-get']);
  const system: System = {
    isRoot: () => machine.root ?? true,
    has: (command) => installed.has(command),
    hasSystemd: () => machine.systemd ?? false,
    async run(command, args) {
      ran.push([command, ...args].join(' '));
      if (command === 'apt-get' && args[0] === 'install') for (const p of args.slice(2)) installed.add(p === 'docker.io' ? 'dockerd' : p);
      machine.onRun?.(command);
      return 0;
    },
    startDaemon(command, args, logFile) {
      ran.push(`daemon ${command} > ${logFile}`);
      machine.onRun?.(command);
    },
  };
  return { system, ran };
}

const check = (probe: () => Promise<EngineInfo>, system: System, env: NodeJS.ProcessEnv = {}) =>
  engineCheck({ state: engineState(probe), probe, system, env, startTimeoutMs: 2000 });

describe('docker-engine check', () => {
  it('ok with the version, the API version and where it answered (DOCKER_HOST honoured)', async () => {
    const { system } = fakeSystem();
    expect(await check(async () => INFO, system).run()).toEqual({
      status: 'ok',
      what: 'Docker engine 20.10.24 answers at /var/run/docker.sock (API 1.41)',
    });
    const remote = await check(async () => INFO, system, { DOCKER_HOST: 'tcp://10.0.0.5:2375' }).run();
    expect(remote.what).toContain('answers at DOCKER_HOST=tcp://10.0.0.5:2375');
    expect((await check(async () => INFO, system, { DOCKER_HOST: 'unix:///run/user/1000/docker.sock' }).run()).what).toContain('/run/user/1000/docker.sock');
  });

  it('warns about an engine API older than 1.40', async () => {
    const result = await check(async () => ({ ...INFO, apiVersion: '1.39' }), fakeSystem().system).run();
    expect(result.status).toBe('warn');
    expect(result.fix).toBe('upgrade Docker');
  });

  it('EACCES on the socket: add the user to the docker group or use sudo', async () => {
    const result = await check(() => Promise.reject(errno('EACCES')), fakeSystem().system).run();
    expect(result).toMatchObject({ status: 'fail', what: 'permission denied on the Docker socket /var/run/docker.sock' });
    expect(result.fix).toMatch(/usermod -aG docker .*sudo/);
  });

  it('no engine: start it when dockerd is installed, install docker.io when not', async () => {
    const installed = await check(() => Promise.reject(errno('ECONNREFUSED')), fakeSystem({ installed: ['dockerd'] }).system).run();
    expect(installed.status).toBe('fail');
    expect(installed.what).toContain('(ECONNREFUSED)');
    expect(installed.fix).toMatch(/systemctl start docker.*dockerd > \/var\/log\/dockerd\.log/);
    const missing = await check(() => Promise.reject(errno('ENOENT')), fakeSystem({ installed: [] }).system).run();
    expect(missing.fix).toMatch(/apt-get install -y docker\.io/);
  });

  it('a remote engine that does not answer: no local fix offered', async () => {
    const c = check(() => Promise.reject(errno('ETIMEDOUT')), fakeSystem().system, { DOCKER_HOST: 'tcp://10.0.0.5:2375' });
    expect((await c.run()).fix).toMatch(/check DOCKER_HOST/);
    expect(c.fix).toBeUndefined();
  });

  describe('--fix', () => {
    /** An engine that answers once dockerd (or systemctl) has been started. */
    function engine() {
      let up = false;
      return { probe: () => (up ? Promise.resolve(INFO) : Promise.reject(errno('ENOENT'))), start: (cmd: string) => ['dockerd', 'systemctl'].includes(cmd) && (up = true) };
    }

    it('without systemd: installs docker.io, starts dockerd in the background with its log, waits until it answers', async () => {
      const e = engine();
      const { system, ran } = fakeSystem({ installed: ['apt-get'], onRun: e.start });
      const log: string[] = [];
      await check(e.probe, system).fix!((line) => log.push(line));
      expect(ran).toEqual(['apt-get update', 'apt-get install -y docker.io', `daemon dockerd > ${DOCKERD_LOG}`]);
      expect(log.at(-1)).toBe('the Docker engine answers');
    });

    it('with systemd: systemctl start docker; nothing installed when dockerd is there', async () => {
      const e = engine();
      const { system, ran } = fakeSystem({ installed: ['apt-get', 'dockerd'], systemd: true, onRun: e.start });
      await check(e.probe, system).fix!(() => {});
      expect(ran).toEqual(['systemctl start docker']);
    });

    it('refuses without root, and gives up with the log file when the engine never answers', async () => {
      const never = () => Promise.reject(errno('ENOENT'));
      await expect(check(never, fakeSystem({ root: false }).system).fix!(() => {})).rejects.toThrow(/needs root.*sudo npx dlmatrix doctor --fix/);
      await expect(check(never, fakeSystem({ installed: ['dockerd'] }).system).fix!(() => {})).rejects.toThrow(/did not answer within 2 s; see \/var\/log\/dockerd\.log/);
    });
  });
});

it('compares API versions numerically', () => {
  expect(compareVersions('1.41', '1.40')).toBe(1);
  expect(compareVersions('1.9', '1.40')).toBe(-1);
  expect(compareVersions('1.40', '1.40')).toBe(0);
});
