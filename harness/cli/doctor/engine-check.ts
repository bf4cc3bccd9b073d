// The Docker engine answers (at DOCKER_HOST, else the local socket), we may use it, and its API is
// not older than what dlmatrix is tested with. --fix installs docker.io and starts dockerd.
import type { EngineInfo } from '../../docker/dockerode-client.ts';
import type { Check, CheckResult } from './check.ts';
import { engineAddress, type EngineState } from './engine.ts';
import { aptInstall, type System } from './system.ts';

/** Docker 19.03; dlmatrix is tested on 20.10 (API 1.41). */
export const MIN_API_VERSION = '1.40';
export const DOCKERD_LOG = '/var/log/dockerd.log';
const START_HINT = `sudo systemctl start docker, or without systemd: sudo dockerd > ${DOCKERD_LOG} 2>&1 &`;

export interface EngineCheckDeps {
  state: () => Promise<EngineState>;
  /** A fresh probe, not the pass's memoized answer: --fix waits on it until the engine answers. */
  probe: () => Promise<EngineInfo>;
  system: System;
  env?: NodeJS.ProcessEnv;
  /** How long --fix waits for a started engine. */
  startTimeoutMs?: number;
}

export function engineCheck(deps: EngineCheckDeps): Check {
  const address = engineAddress(deps.env);
  const check: Check = {
    name: 'docker-engine',
    async run(): Promise<CheckResult> {
      const state = await deps.state();
      if (state.ok) {
        const { version, apiVersion } = state.info;
        const what = `Docker engine ${version} answers at ${address.where} (API ${apiVersion})`;
        return compareVersions(apiVersion, MIN_API_VERSION) >= 0
          ? { status: 'ok', what }
          : { status: 'warn', what: `${what}: older than API ${MIN_API_VERSION} (Docker 19.03), which dlmatrix needs at least`, fix: 'upgrade Docker' };
      }
      const code = state.error.code;
      if (code === 'EACCES' || code === 'EPERM') {
        return {
          status: 'fail',
          what: `permission denied on the Docker socket ${address.where}`,
          fix: 'add your user to the docker group: sudo usermod -aG docker "$USER" and log in again; or run dlmatrix with sudo',
        };
      }
      const what = `no Docker engine answers at ${address.where} (${code ?? state.error.message})`;
      if (!address.local) return { status: 'fail', what, fix: 'check DOCKER_HOST and that the engine it names is running' };
      const fix = deps.system.has('dockerd')
        ? `start it: ${START_HINT}; or run \`sudo npx dlmatrix doctor --fix\``
        : 'install and start it: sudo apt-get install -y docker.io; or run `sudo npx dlmatrix doctor --fix`';
      return { status: 'fail', what, fix };
    },
  };
  // Only an engine on this machine can be installed or started from here.
  if (address.local) check.fix = (log) => startEngine(deps, log);
  return check;
}

async function startEngine(deps: EngineCheckDeps, log: (line: string) => void): Promise<void> {
  const { system } = deps;
  if (!system.isRoot()) throw new Error('starting the Docker engine needs root: run `sudo npx dlmatrix doctor --fix`');
  if (!system.has('dockerd')) await aptInstall(system, ['docker.io'], log);
  // Installing docker.io starts it where systemd runs; otherwise start it ourselves.
  if (await answers(deps)) return;
  if (system.hasSystemd()) {
    log('systemctl start docker');
    if ((await system.run('systemctl', ['start', 'docker'], log)) !== 0) throw new Error('systemctl start docker failed (see `journalctl -u docker`)');
  } else {
    log(`dockerd in the background, its log in ${DOCKERD_LOG}`);
    system.startDaemon('dockerd', [], DOCKERD_LOG);
  }
  const deadline = Date.now() + (deps.startTimeoutMs ?? 60_000);
  while (!(await answers(deps))) {
    if (Date.now() > deadline) throw new Error(`the Docker engine did not answer within ${Math.round((deps.startTimeoutMs ?? 60_000) / 1000)} s; see ${DOCKERD_LOG}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  log('the Docker engine answers');
}

const answers = (deps: EngineCheckDeps) => deps.probe().then(() => true, () => false);

/** Compares dotted versions numerically: "1.41" > "1.9". */
export function compareVersions(a: string, b: string): number {
  const [pa, pb] = [a.split('.').map(Number), b.split('.').map(Number)];
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d) return Math.sign(d);
  }
  return 0;
}
