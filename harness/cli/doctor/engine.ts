// Which engine dlmatrix talks to (DOCKER_HOST, as the docker CLI and dockerode read it) and what
// it said, asked once per doctor pass and shared by the checks that need it.
import type { EngineInfo } from '../../docker/dockerode-client.ts';

export type EngineState = { ok: true; info: EngineInfo } | { ok: false; error: Error & { code?: string } };

export interface EngineAddress {
  /** For messages: the socket path or the DOCKER_HOST URL. */
  where: string;
  /** A unix socket on this machine (so this machine's disk, cgroups and dockerd matter). */
  local: boolean;
}

export function engineAddress(env: NodeJS.ProcessEnv = process.env): EngineAddress {
  const host = env.DOCKER_HOST;
  if (!host) return { where: '/var/run/docker.sock', local: true };
  if (host.startsWith('unix://')) return { where: host.slice('unix://'.length), local: true };
  return { where: `DOCKER_HOST=${host}`, local: false };
}

/** Memoizes one probe of the engine: every check of a pass sees the same answer. */
export function engineState(probe: () => Promise<EngineInfo>): () => Promise<EngineState> {
  let state: Promise<EngineState> | undefined;
  return () =>
    (state ??= probe().then(
      (info): EngineState => ({ ok: true, info }),
      (error): EngineState => ({ ok: false, error }),
    ));
}
