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

const container = (id: string, owner?: string, role: string | null = 'cell-runner'): ContainerInfo => ({
  id,
  state: 'running',
  labels: { 'dev.dlmatrix.managed': 'true', ...(role && { 'dev.dlmatrix.container': role }), ...(owner && { 'dev.dlmatrix.owner': owner }) },
});

describe('reaping containers of dead runs', () => {
  it("removes a dead run's containers, and leaves live runs', other hosts' and unowned ones alone", async () => {
    const { client, removed } = engine([
      container('dead', 'ci-1:4242'),
      container('dead-reader', 'ci-1:4243', 'manifest-reader'),
      container('unowned'),
      container('live', 'ci-1:777'),
      container('mine', 'ci-1:100'),
      container('elsewhere', 'laptop:4242'),
    ]);
    const alive = (pid: number) => pid === 777 || pid === 100;
    expect(await reapDeadRuns(client, { host: 'ci-1', pid: 100 }, alive)).toEqual(['dead', 'dead-reader']);
    expect(removed).toEqual(['dead', 'dead-reader']);
  });

  it("never touches a container someone else started from a dlmatrix image: it inherited `managed`, not dlmatrix's own container label", async () => {
    // Even one whose (inherited or copied) owner names a dead harness.
    const { client, removed } = engine([container('other-tool', undefined, null), container('copied-owner', 'ci-1:4242', null)]);
    expect(await reapDeadRuns(client, { host: 'ci-1', pid: 100 }, () => false)).toEqual([]);
    expect(removed).toEqual([]);
  });
});
