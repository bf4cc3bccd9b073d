// Which dlmatrix process (host and pid) owns something it left behind (a container, the lock on
// an --out folder), and whether that process is gone. One rule for both: only an owner on this
// host can be checked, and a pid that answers (even EPERM: someone else's process) is alive.
export interface Owner {
  host: string;
  pid: number;
}

/** `host:pid`, as containers carry it in their owner label. */
export const ownerLabel = (owner: Owner) => `${owner.host}:${owner.pid}`;

export function parseOwnerLabel(label: string | undefined): Owner | undefined {
  if (label === undefined) return undefined;
  const colon = label.lastIndexOf(':');
  const pid = Number(label.slice(colon + 1));
  return colon > 0 && Number.isInteger(pid) ? { host: label.slice(0, colon), pid } : undefined;
}

/** True when `owner` ran on this host and its process no longer exists (never for `self`). */
export function ownerGone(owner: Owner, self: Owner, alive: (pid: number) => boolean = processAlive): boolean {
  // Another machine's harness on a shared engine or folder cannot be checked from here.
  if (owner.host !== self.host) return false;
  return owner.pid !== self.pid && !alive(owner.pid);
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, someone else's
  }
}
