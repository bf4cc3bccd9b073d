// The machine doctor --fix changes: root, apt-get, systemd or a background dockerd. Behind an
// interface so the checks' fixes are tested with doubles.
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';

export interface System {
  isRoot(): boolean;
  /** The command is on PATH (or in an sbin folder, where root's tools live). */
  has(command: string): boolean;
  /** systemd is the init system (so `systemctl start` works). */
  hasSystemd(): boolean;
  /** Runs a command to its end, its output lines to `log`; resolves to its exit code. */
  run(command: string, args: string[], log: (line: string) => void, env?: NodeJS.ProcessEnv): Promise<number>;
  /** Starts a daemon that outlives dlmatrix, its output appended to logFile. */
  startDaemon(command: string, args: string[], logFile: string): void;
}

export const realSystem: System = {
  isRoot: () => process.getuid?.() === 0,
  has(command) {
    try {
      execFileSync('sh', ['-c', `command -v "$1"`, 'sh', command], { stdio: 'ignore', env: { ...process.env, PATH: `${process.env.PATH}:/usr/sbin:/sbin` } });
      return true;
    } catch {
      return false;
    }
  },
  hasSystemd: () => existsSync('/run/systemd/system'),
  run(command, args, log, env) {
    return new Promise((resolve, reject) => {
      const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
      const lines = (chunk: Buffer) => chunk.toString().split('\n').filter(Boolean).forEach(log);
      child.stdout.on('data', lines);
      child.stderr.on('data', lines);
      child.on('error', reject);
      child.on('close', (code) => resolve(code ?? 1));
    });
  },
  startDaemon(command, args, logFile) {
    const fd = openSync(logFile, 'a');
    try {
      spawn(command, args, { detached: true, stdio: ['ignore', fd, fd] }).unref();
    } finally {
      closeSync(fd);
    }
  },
};

/** `apt-get update` then `apt-get install -y PACKAGES`, as root on Debian/Ubuntu; throws with what to do. */
export async function aptInstall(system: System, packages: string[], log: (line: string) => void): Promise<void> {
  if (!system.isRoot()) throw new Error(`installing ${packages.join(' ')} needs root: run \`sudo npx dlmatrix doctor --fix\``);
  if (!system.has('apt-get')) throw new Error(`no apt-get here (not Debian/Ubuntu): install ${packages.join(' ')} with your system's package manager`);
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  log(`apt-get update`);
  if ((await system.run('apt-get', ['update'], log, env)) !== 0) throw new Error('apt-get update failed (see the lines above)');
  log(`apt-get install -y ${packages.join(' ')}`);
  if ((await system.run('apt-get', ['install', '-y', ...packages], log, env)) !== 0) {
    throw new Error(`apt-get install -y ${packages.join(' ')} failed (see the lines above)`);
  }
}
