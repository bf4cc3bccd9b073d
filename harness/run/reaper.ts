// Containers that outlived their run. A run's containers go when it dies (their runner's stdin
// closes), but some cannot: one created and never started (the harness died in between). At
// start, a run removes those of dead runs on this engine: only containers dlmatrix created itself
// (the `container` label, which no image carries: a container someone else starts from a
// dlmatrix image inherits `managed`, not that), whose owner label (host:pid) names a harness that
// is gone. A live one's, a concurrent run's, another host's, are left alone.
import type { Containers } from '../docker/container-client.ts';
import { LABELS } from '../docker/labels.ts';
import { ownerGone, parseOwnerLabel, processAlive, type Owner } from './harness-owner.ts';

export { ownerLabel, type Owner } from './harness-owner.ts';

/** Removes the dlmatrix containers whose harness is gone; returns their ids. */
export async function reapDeadRuns(client: Containers, self: Owner, alive: (pid: number) => boolean = processAlive): Promise<string[]> {
  const removed: string[] = [];
  for (const container of await client.listContainers({ [LABELS.managed]: 'true' })) {
    const owner = parseOwnerLabel(container.labels[LABELS.owner]);
    if (!container.labels[LABELS.container] || !owner || !ownerGone(owner, self, alive)) continue;
    await client.removeContainer(container.id);
    removed.push(container.id);
  }
  return removed;
}
