// The cache registry on an engine double: names, credentials from `docker login`, and what is
// pulled, pushed or shared.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ImageStore } from './container-client.ts';
import { registryAuth, registryHost, RegistryCache } from './registry-cache.ts';

function engine(inRegistry: string[] = [], failing?: string) {
  const calls: string[] = [];
  const client = {
    pullImageWithAuth: async (ref: string) => {
      calls.push(`pull ${ref}`);
      if (failing) throw new Error(failing);
      if (!inRegistry.includes(ref)) throw new Error(`manifest unknown: ${ref}`);
    },
    tagImage: async (from: string, to: string) => void calls.push(`tag ${from} ${to}`),
    pushImage: async (ref: string) => {
      calls.push(`push ${ref}`);
      if (failing) throw new Error(failing);
    },
    registryHasImage: async (ref: string) => inRegistry.includes(ref),
  } as unknown as ImageStore;
  return { client, calls };
}

describe('cache registry', () => {
  it('keeps dlmatrix/KIND:TAG as REPOSITORY/KIND:TAG', () => {
    const cache = new RegistryCache(engine().client, 'ghcr.io/me/cache/', () => {}, '/nonexistent');
    expect(cache.remote('dlmatrix/env:bookworm-pysystem-np2.2.6-0123')).toBe('ghcr.io/me/cache/env:bookworm-pysystem-np2.2.6-0123');
    expect(registryHost('ghcr.io/me/cache')).toBe('ghcr.io');
    expect(registryHost('localhost:5000/x')).toBe('localhost:5000');
    expect(registryHost('me/cache')).toBe('docker.io');
  });

  it('pulls under the local name when the registry has the image, and says no when it has not', async () => {
    const { client, calls } = engine(['reg/x/env:a']);
    const cache = new RegistryCache(client, 'reg/x', () => {}, '/nonexistent');
    expect(await cache.pull('dlmatrix/env:a')).toBe(true);
    expect(await cache.pull('dlmatrix/env:b')).toBe(false);
    expect(calls).toEqual(['pull reg/x/env:a', 'tag reg/x/env:a dlmatrix/env:a', 'pull reg/x/env:b']);
  });

  it('shares an image it already had only when the registry lacks it', async () => {
    const { client, calls } = engine(['reg/x/toolchain:t']);
    const cache = new RegistryCache(client, 'reg/x', () => {}, '/nonexistent');
    await cache.share('dlmatrix/toolchain:t');
    await cache.share('dlmatrix/base:bookworm-slim2');
    expect(calls).toEqual(['tag dlmatrix/base:bookworm-slim2 reg/x/base:bookworm-slim2', 'push reg/x/base:bookworm-slim2']);
  });

  it('gives up with one warning when the registry cannot be reached, and the run goes on', async () => {
    const log: string[] = [];
    const { client, calls } = engine([], 'connect ECONNREFUSED 127.0.0.1:5000');
    const cache = new RegistryCache(client, 'localhost:5000/x', (line) => log.push(line), '/nonexistent');
    expect(await cache.pull('dlmatrix/env:a')).toBe(false);
    await cache.push('dlmatrix/env:a');
    expect(await cache.pull('dlmatrix/env:b')).toBe(false);
    expect(calls).toEqual(['pull localhost:5000/x/env:a']);
    expect(log).toEqual([expect.stringMatching(/^warning: the cache registry localhost:5000\/x cannot be used \(connect ECONNREFUSED/)]);
  });

  it('reads the credentials `docker login` stored for the registry host', () => {
    const config = join(mkdtempSync(join(tmpdir(), 'docker-config-')), 'config.json');
    writeFileSync(config, JSON.stringify({ auths: { 'https://ghcr.io': { auth: Buffer.from('me:s3cr:et').toString('base64') } } }));
    expect(registryAuth('ghcr.io', config)).toEqual({ username: 'me', password: 's3cr:et', serveraddress: 'ghcr.io' });
    expect(registryAuth('quay.io', config)).toBeUndefined();
  });
});
