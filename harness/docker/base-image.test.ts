// The order in which a base image is found, on a container-engine double (the real path,
// debootstrap and import included, runs in the Docker tests on machines without a registry).
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BaseImageResolver, bootstrappedImage, decisiveLine } from './base-image.ts';
import type { ImageInfo, ImageStore } from './container-client.ts';

class Engine {
  images = new Map<string, ImageInfo>();
  pulls: string[] = [];
  imports: Array<{ ref: string; labels: Record<string, string> }> = [];
  registryAnswers = false;
  beforeImport = () => {};
  client = {
    inspectImage: async (ref: string) => this.images.get(ref),
    pullImage: async (ref: string) => {
      this.pulls.push(ref);
      if (!this.registryAnswers) throw new Error('lookup registry-1.docker.io: no such host');
      this.images.set(ref, { id: `sha256:pulled-${ref}`, labels: {} });
    },
    importImage: async (tar: Readable, ref: string, labels: Record<string, string>) => {
      this.beforeImport();
      tar.resume();
      this.imports.push({ ref, labels });
      this.images.set(ref, { id: `sha256:imported-${ref}`, labels });
    },
  } as unknown as ImageStore;
}

const noBootstrap = async () => {
  throw new Error('must not bootstrap');
};

describe('BaseImageResolver', () => {
  it('uses a local debian:SUITE-slim first, without pulling', async () => {
    const engine = new Engine();
    engine.images.set('debian:bookworm-slim', { id: 'sha256:local', labels: {} });
    expect(await new BaseImageResolver(engine.client, () => {}, undefined, noBootstrap).resolve('bookworm')).toEqual({
      ref: 'debian:bookworm-slim',
      id: 'sha256:local',
      source: 'local',
    });
    expect(engine.pulls).toEqual([]);
  });

  it('reuses an image it bootstrapped before', async () => {
    const engine = new Engine();
    engine.images.set(bootstrappedImage('trixie'), { id: 'sha256:earlier', labels: {} });
    expect((await new BaseImageResolver(engine.client, () => {}, undefined, noBootstrap).resolve('trixie')).source).toBe('local');
  });

  it('pulls debian:SUITE-slim where a registry answers', async () => {
    const engine = new Engine();
    engine.registryAnswers = true;
    const base = await new BaseImageResolver(engine.client, () => {}, undefined, noBootstrap).resolve('bookworm');
    expect(base).toMatchObject({ ref: 'debian:bookworm-slim', source: 'pulled' });
  });

  it('bootstraps and imports, labelled, when no registry answers, once per suite', async () => {
    const engine = new Engine();
    const bootstrapped: string[] = [];
    const log: string[] = [];
    const resolver = new BaseImageResolver(engine.client, (line) => log.push(line), undefined, async (suite, dir) => {
      bootstrapped.push(suite);
      // What debootstrap leaves that a slim image does not carry.
      for (const path of ['var/cache/apt/archives', 'var/lib/apt/lists', 'usr/share/doc/bash', 'usr/bin']) mkdirSync(join(dir, path), { recursive: true });
      writeFileSync(join(dir, 'var/cache/apt/archives/bash_5.2.deb'), 'x');
      writeFileSync(join(dir, 'var/lib/apt/lists/main_Packages'), 'x');
      writeFileSync(join(dir, 'usr/share/doc/bash/README'), 'x');
      writeFileSync(join(dir, 'usr/bin/bash'), 'x');
      roots.push(dir);
    });
    const roots: string[] = [];
    let kept: string[] = [];
    const written = ['var/cache/apt/archives/bash_5.2.deb', 'var/lib/apt/lists/main_Packages', 'usr/share/doc/bash/README', 'usr/bin/bash'];
    engine.beforeImport = () => (kept = written.filter((p) => existsSync(join(roots[0], p))));
    const [a, b] = await Promise.all([resolver.resolve('forky'), resolver.resolve('forky')]);
    expect(a).toEqual(b);
    expect(a).toMatchObject({ ref: bootstrappedImage('forky'), source: 'bootstrapped' });
    // Imported slim: the packages' files stay, the downloads, lists and docs go.
    expect(kept).toEqual(['usr/bin/bash']);
    expect(existsSync(roots[0])).toBe(false);
    expect(bootstrapped).toEqual(['forky']);
    expect(engine.imports[0].labels).toMatchObject({ 'dev.dlmatrix.managed': 'true', 'dev.dlmatrix.stage': 'base' });
    expect(log.join('\n')).toMatch(/pull of debian:forky-slim failed .*bootstrapping forky from the host's Debian mirror/);
  });

  it('stops a bootstrap with the run and removes its root filesystem', async () => {
    const engine = new Engine();
    const stop = new AbortController();
    let root = '';
    const resolver = new BaseImageResolver(
      engine.client,
      () => {},
      undefined,
      (_suite, dir, _log, signal) =>
        new Promise<void>((_resolve, reject) => {
          root = dir;
          mkdirSync(join(dir, 'usr/bin'), { recursive: true });
          signal!.addEventListener('abort', () => reject(new Error('debootstrap was stopped')));
          setTimeout(() => stop.abort(), 5);
        }),
      undefined,
      stop.signal,
    );
    await expect(resolver.resolve('trixie')).rejects.toThrow('debootstrap was stopped');
    expect(root).not.toBe('');
    expect(existsSync(root)).toBe(false);
    expect(engine.imports).toEqual([]);
  });

  it("names debootstrap's own error line first, not a guess", () => {
    // Real output of `debootstrap --variant=minbase bookwrom DIR MIRROR` (the mirror's address replaced).
    const bookwrom = ['I: Target architecture can be executed', 'I: Retrieving InRelease ', 'I: Retrieving Release ', 'E: Failed getting release file http://mirror.example/debian/dists/bookwrom/Release'];
    expect(decisiveLine(bookwrom)).toBe('Failed getting release file http://mirror.example/debian/dists/bookwrom/Release');
    expect(decisiveLine(['E: debootstrap can only run as root'])).toBe('debootstrap can only run as root');
    expect(decisiveLine(['I: Retrieving Release', 'something else went wrong'])).toBe('something else went wrong');
  });
});
