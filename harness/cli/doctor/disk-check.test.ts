import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GB } from './check.ts';
import { diskCheck, freeBytesOnDisk } from './disk-check.ts';
import type { EngineState } from './engine.ts';

const engine = (rootDir: string): EngineState => ({ ok: true, info: { version: '20.10', apiVersion: '1.41', rootDir, registries: [] } });

describe('disk check', () => {
  it('measures where the engine keeps images (DockerRootDir), warns under 10 GB, fails under 1 GB', async () => {
    const asked: string[] = [];
    const at = (free: number) => diskCheck({ state: async () => engine('/srv/docker'), freeBytes: (path) => (asked.push(path), free), env: {} }).run();
    expect(await at(50 * GB)).toEqual({ status: 'ok', what: '50.0 GB free in /srv/docker (where Docker keeps images)' });
    expect(asked).toEqual(['/srv/docker']);
    const low = await at(6.5 * GB);
    expect(low.status).toBe('warn');
    expect(low.what).toMatch(/^only 6\.5 GB free in \/srv\/docker.*about 10 GB/);
    expect(low.fix).toMatch(/prune/);
    expect((await at(0.5 * GB)).status).toBe('fail');
  });

  it('falls back to /var/lib/docker when the engine does not answer; does not guess for a remote engine', async () => {
    const asked: string[] = [];
    await diskCheck({ state: async () => ({ ok: false, error: new Error('down') }), freeBytes: (p) => (asked.push(p), 99 * GB), env: {} }).run();
    expect(asked).toEqual(['/var/lib/docker']);
    const remote = await diskCheck({ state: async () => engine('/var/lib/docker'), freeBytes: () => 0, env: { DOCKER_HOST: 'ssh://me@box' } }).run();
    expect(remote.status).toBe('warn');
  });

  it('measures a folder that does not exist yet on the filesystem that would hold it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'disk-'));
    // Same filesystem: the same free space, give or take what other processes write meanwhile.
    const nested = freeBytesOnDisk(join(dir, 'not', 'yet'));
    const there = freeBytesOnDisk(dir);
    expect(there).toBeGreaterThan(0);
    expect(Math.abs(nested - there)).toBeLessThan(256 * 1024 * 1024);
  });
});
