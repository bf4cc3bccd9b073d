// The cache registry on an engine double: names, credentials from `docker login` and credential helpers, and what is
// pulled, pushed or shared.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
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

  describe('credential helpers (a real helper program on PATH, speaking docker-credential-helpers\' protocol)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'docker-config-'));
    const config = join(dir, 'config.json');
    // Answers for two servers, a token for a third, "not found" for the rest; logs what it was asked.
    writeFileSync(
      join(dir, 'docker-credential-fake'),
      `#!/bin/sh
read server
echo "$1 $server" >> ${dir}/asked
case "$server" in
  123.dkr.ecr.eu-west-1.amazonaws.com) echo '{"ServerURL":"x","Username":"AWS","Secret":"ecr-pass"}' ;;
  https://index.docker.io/v1/) echo '{"ServerURL":"x","Username":"hubber","Secret":"hub-pass"}' ;;
  gcr.io) echo '{"ServerURL":"x","Username":"<token>","Secret":"id-token"}' ;;
  *) echo "credentials not found in native keychain"; exit 1 ;;
esac
`,
      { mode: 0o755 },
    );
    writeFileSync(join(dir, 'docker-credential-broken'), '#!/bin/sh\necho "error getting credentials - err: exit status 255"\nexit 1\n', { mode: 0o755 });
    beforeEach(() => vi.stubEnv('PATH', `${dir}:${process.env.PATH}`));
    afterEach(() => vi.unstubAllEnvs());

    it("asks the host's helper (credHelpers) before anything else, and the config's store (credsStore) for the others", () => {
      writeFileSync(config, JSON.stringify({ credHelpers: { '123.dkr.ecr.eu-west-1.amazonaws.com': 'fake' }, credsStore: 'fake', auths: { '123.dkr.ecr.eu-west-1.amazonaws.com': { auth: Buffer.from('stale:stale').toString('base64') } } }));
      expect(registryAuth('123.dkr.ecr.eu-west-1.amazonaws.com', config)).toEqual({ username: 'AWS', password: 'ecr-pass', serveraddress: '123.dkr.ecr.eu-west-1.amazonaws.com' });
      expect(registryAuth('docker.io', config)).toEqual({ username: 'hubber', password: 'hub-pass', serveraddress: 'docker.io' });
      expect(registryAuth('gcr.io', config)).toEqual({ identitytoken: 'id-token', serveraddress: 'gcr.io' });
      expect(readFileSync(join(dir, 'asked'), 'utf8')).toContain('get https://index.docker.io/v1/');
    });

    it('a helper with nothing for the host means no credentials, quietly; a failing or missing helper is a warning, not the run', () => {
      const warnings: string[] = [];
      writeFileSync(config, JSON.stringify({ credsStore: 'fake' }));
      expect(registryAuth('quay.io', config, (line) => warnings.push(line))).toBeUndefined();
      expect(warnings).toEqual([]);
      writeFileSync(config, JSON.stringify({ credHelpers: { 'quay.io': 'broken', 'ghcr.io': 'absent' } }));
      expect(registryAuth('quay.io', config, (line) => warnings.push(line))).toBeUndefined();
      expect(registryAuth('ghcr.io', config, (line) => warnings.push(line))).toBeUndefined();
      expect(warnings).toEqual([
        'warning: the credential helper docker-credential-broken gave no credentials for quay.io (error getting credentials - err: exit status 255); trying the cache registry without them',
        expect.stringMatching(/^warning: the credential helper docker-credential-absent gave no credentials for ghcr\.io \(spawnSync docker-credential-absent ENOENT\)/),
      ]);
    });
  });
});
