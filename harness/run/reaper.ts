// Containers that outlived their run. A run's containers go when it dies (their runner's stdin
// closes), but some cannot: one created and never started (the harness died in between). At
// start, a run removes those of dead runs on this engine: only containers dlmatrix created itself
// (the `container` label, which no image carries: a container someone else starts from a
// dlmatrix image inherits `managed`, not that), whose owner label (host:pid) names a harness that
// is gone. A live one's, a concurrent run's, another host's, are left alone.
import type { Containers } from '../docker/container-client.ts';
import { LABELS } from '../docker/labels.ts';

export interface Owner {
  host: string;
  pid: number;
}

export const ownerLabel = (owner: Owner) => `${owner.host}:${owner.pid}`;

/** Removes the dlmatrix containers whose harness is gone; returns their ids. */
export async function reapDeadRuns(client: Containers, self: Owner, alive: (pid: number) => boolean = processAlive): Promise<string[]> {
  const removed: string[] = [];
  for (const container of await client.listContainers({ [LABELS.managed]: 'true' })) {
    if (!container.labels[LABELS.container] || !isOrphan(container.labels[LABELS.owner], self, alive)) continue;
    await client.removeContainer(container.id);
    removed.push(container.id);
  }
  return removed;
}

function isOrphan(owner: string | undefined, self: Owner, alive: (pid: number) => boolean): boolean {
  if (owner === undefined) return false;
  const colon = owner.lastIndexOf(':');
  const host = owner.slice(0, colon);
  const pid = Number(owner.slice(colon + 1));
  // Another machine's harness on a shared engine cannot be checked from here: leave it.
  if (host !== self.host || !Number.isInteger(pid)) return false;
  return pid !== self.pid && !alive(pid);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, someone else's
  }
}
