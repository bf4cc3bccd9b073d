// Content-addressed image builds on an engine double: what is cached is never rebuilt, what
// changed is, and a NumPy variant reuses its toolchain build.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BaseImageResolver } from './base-image.ts';
import type { BuildRequest, ContainerClient, ImageInfo } from './container-client.ts';
import { ImageBuilder } from './images.ts';

function fixtureCrate(source: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'fixture-'));
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'Cargo.toml'), '[package]\nname = "f"\n');
  writeFileSync(join(dir, 'src', 'lib.rs'), source);
  mkdirSync(join(dir, 'target'));
  writeFileSync(join(dir, 'target', 'junk'), String(Math.random())); // build outputs never count
  return dir;
}

class Engine {
  images = new Map<string, ImageInfo>();
  builds: BuildRequest[] = [];
  client = {
    inspectImage: async (ref: string) => this.images.get(ref),
    buildImage: async (request: BuildRequest, onLine: (line: string) => void) => {
      this.builds.push(request);
      onLine(`Step 1/1 : FROM ${request.buildArgs.BASE_IMAGE ?? request.buildArgs.TOOLCHAIN_IMAGE}`);
      this.images.set(request.tag, { id: `sha256:${request.tag}`, labels: request.labels });
    },
  } as unknown as ContainerClient;
}

const bases = { resolve: async (suite: string) => ({ ref: `debian:${suite}-slim`, id: `sha256:base-${suite}`, source: 'local' }) } as unknown as BaseImageResolver;

function builder(engine: Engine, fixtureDir: string) {
  const workDir = mkdtempSync(join(tmpdir(), 'work-'));
  return new ImageBuilder(engine.client, { fixtureDir, workDir, logDir: join(workDir, 'logs'), runId: 'r1', buildJobs: 2, log: () => {} }, bases);
}

describe('ImageBuilder', () => {
  it('builds a toolchain once for all NumPy variants, then one image per variant, labelled', async () => {
    const engine = new Engine();
    const images = builder(engine, fixtureCrate('// v1'));
    const [a, b] = await Promise.all([images.environment('bookworm', 'system', 'system'), images.environment('bookworm', 'system', '2.2.6')]);
    expect(engine.builds.map((b) => b.dockerfile)).toEqual(['toolchain.Dockerfile', 'environment.Dockerfile', 'environment.Dockerfile']);
    expect(a.ref).toMatch(/^dlmatrix\/env:bookworm-pysystem-npsystem-[0-9a-f]{16}$/);
    expect(b.ref).toMatch(/^dlmatrix\/env:bookworm-pysystem-np2\.2\.6-[0-9a-f]{16}$/);
    expect(engine.builds[0].labels).toMatchObject({ 'dev.dlmatrix.managed': 'true', 'dev.dlmatrix.run': 'r1', 'dev.dlmatrix.stage': 'toolchain' });
    expect(engine.builds[0].buildArgs).toMatchObject({ BASE_IMAGE: 'debian:bookworm-slim', PYTHON: 'system' });
    expect(a.built).toBe(true);
  });

  it('rebuilds nothing on a second run with the same inputs', async () => {
    const engine = new Engine();
    const fixture = fixtureCrate('// v1');
    const first = await builder(engine, fixture).environment('trixie', 'system', 'system');
    const count = engine.builds.length;
    const second = await builder(engine, fixture).environment('trixie', 'system', 'system');
    expect(engine.builds.length).toBe(count);
    expect(second).toMatchObject({ ref: first.ref, built: false, buildMs: 0 });
  });

  it('rebuilds when the fixture source changes, ignoring its target/ folder', async () => {
    const engine = new Engine();
    const first = await builder(engine, fixtureCrate('// v1')).environment('trixie', 'system', 'system');
    const same = await builder(engine, fixtureCrate('// v1')).environment('trixie', 'system', 'system');
    const changed = await builder(engine, fixtureCrate('// v2')).environment('trixie', 'system', 'system');
    expect(same.ref).toBe(first.ref);
    expect(changed.ref).not.toBe(first.ref);
  });
});
