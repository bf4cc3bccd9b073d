// The --out folder of `run`, `report` and `merge`: made ready before anything runs, and held by one
// command at a time. Two runs into one folder would each take the other's journal for a killed
// run's and interleave their reports; so a command holds OUT/.dlmatrix.lock (host, pid) while it
// writes there, and a second one refuses (exit 2) or, with --wait, waits. A lock whose owner is a
// dead process on this host is stale and taken over, as the reaper judges containers; one held
// from another host cannot be checked and is left alone, with how to remove it.
import { existsSync, linkSync, mkdirSync, readFileSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { ownerGone, processAlive } from '../run/harness-owner.ts';
import { dirname, join, resolve } from 'node:path';
import { describeCause } from '../results/atomic-file.ts';
import { UsageError } from './args.ts';
import { EXIT } from './exit-codes.ts';

export const LOCK_FILE = '.dlmatrix.lock';

/** The folder cannot be made or written: a read-only file system, no permission, a full disk (exit 4). */
export class OutDirError extends Error {}

interface LockOwner {
  host: string;
  pid: number;
  command: string;
  since: string;
}

export interface OutDirLock {
  release(): void;
}

export interface LockOptions {
  command: string;
  /** Wait for a live holder to finish instead of refusing. */
  wait?: boolean;
  /** Told once when waiting starts. */
  onWait?: (line: string) => void;
  pollMs?: number;
  alive?: (pid: number) => boolean;
}

/** Makes `dir` (and checks it is a folder one can write in), then locks it. */
export async function lockOutDir(dir: string, shownAs: string, options: LockOptions): Promise<OutDirLock> {
  prepareOutDir(dir, shownAs);
  const path = join(dir, LOCK_FILE);
  const self: LockOwner = { host: hostname(), pid: process.pid, command: options.command, since: new Date().toISOString() };
  const alive = options.alive ?? processAlive;
  let told = false;
  for (;;) {
    if (tryCreate(path, self, shownAs)) break;
    const holder = readHolder(path);
    if (holder && ownerGone(holder, self, alive)) {
      rmSync(path, { force: true }); // stale: its run was killed
      continue;
    }
    const who = holder ? `dlmatrix ${holder.command} (pid ${holder.pid} on ${holder.host}, since ${holder.since})` : 'another dlmatrix command';
    if (!options.wait) {
      const remote = !holder || holder.host !== self.host ? `; if that run is gone, remove ${join(shownAs, LOCK_FILE)}` : '';
      throw new UsageError(`--out ${shownAs} is in use by ${who}: wait for it (--wait), or give another --out${remote}`);
    }
    if (!told) options.onWait?.(`dlmatrix: waiting for ${who} to finish with ${shownAs}`);
    told = true;
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 1000));
  }
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      if (readHolder(path)?.pid === self.pid) rmSync(path, { force: true });
    },
  };
}

/** `dir` exists as a folder one can write in, or a clear error: a file in the way is a usage error. */
export function prepareOutDir(dir: string, shownAs: string): void {
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new UsageError(`--out ${shownAs} is a file, not a folder: give a folder (it is made if missing)`);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTDIR') throw new UsageError(`--out ${shownAs}: a file is in the way of the folder (${code}): give a folder`);
    throw new OutDirError(`cannot make the --out folder ${shownAs}: ${describeCause(realCause(dir, error))}`);
  }
}

/**
 * A recursive mkdir on a read-only file system fails with ENOENT; making the first missing
 * folder alone gives the real reason (EROFS, EACCES).
 */
function realCause(dir: string, error: unknown): unknown {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return error;
  let missing = dir;
  while (!existsSync(dirname(missing)) && dirname(missing) !== missing) missing = dirname(missing);
  try {
    mkdirSync(missing);
    rmdirSync(missing);
  } catch (cause) {
    return cause;
  }
  return error;
}

/** Writes the lock whole, then links it into place: it appears complete or not at all. */
function tryCreate(path: string, self: LockOwner, shownAs: string): boolean {
  const temp = `${path}.${process.pid}`;
  try {
    writeFileSync(temp, `${JSON.stringify(self)}\n`);
    linkSync(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new OutDirError(`cannot write in the --out folder ${shownAs}: ${describeCause(error)}`);
  } finally {
    rmSync(temp, { force: true });
  }
}

function readHolder(path: string): LockOwner | undefined {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockOwner>;
    if (typeof value.host === 'string' && Number.isInteger(value.pid)) return value as LockOwner;
  } catch {
    // Gone in between, or not ours: treated as held by someone unknown.
  }
  return undefined;
}

/**
 * Runs `body` with --out made ready and locked, and unlocks it after. A folder that cannot be
 * written is said in one line and gives exit 4; a file in the way or a busy folder is a usage error.
 */
export async function withOutDir(shownAs: string, options: LockOptions & { warn: (line: string) => void }, body: (dir: string) => Promise<number>): Promise<number> {
  const dir = resolve(shownAs);
  let lock: OutDirLock;
  try {
    lock = await lockOutDir(dir, shownAs, options);
  } catch (error) {
    if (!(error instanceof OutDirError)) throw error;
    options.warn(`dlmatrix ${options.command}: ${error.message}`);
    return EXIT.reports;
  }
  try {
    return await body(dir);
  } finally {
    lock.release();
  }
}
