import { describe, expect, it } from 'vitest';
import type { ContainerInfo, Containers } from '../docker/container-client.ts';
import { reapDeadRuns } from './reaper.ts';

function engine(containers: ContainerInfo[]) {
  const removed: string[] = [];
  const client = {
    listContainers: async () => containers,
    removeContainer: async (id: string) => void removed.push(id),
  } as unknown as Containers;
  return { client, removed };
}

const container = (id: string, owner?: string): ContainerInfo => ({
  id,
  state: 'running',
  labels: { 'dev.dlmatrix.managed': 'true', ...(owner && { 'dev.dlmatrix.owner': owner }) },
});

describe('reaping containers of dead runs', () => {
  it("removes a dead run's containers and older unowned ones, and leaves live runs' and other hosts' alone", async () => {
    const { client, removed } = engine([
      container('dead', 'ci-1:4242'),
      container('legacy'),
      container('live', 'ci-1:777'),
      container('mine', 'ci-1:100'),
      container('elsewhere', 'laptop:4242'),
    ]);
    const alive = (pid: number) => pid === 777 || pid === 100;
    expect(await reapDeadRuns(client, { host: 'ci-1', pid: 100 }, alive)).toEqual(['dead', 'legacy']);
    expect(removed).toEqual(['dead', 'legacy']);
  });
});
