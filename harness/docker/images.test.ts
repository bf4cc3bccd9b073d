// Content-addressed image builds on an engine double: what is cached is never rebuilt, what
// changed is, each stage's tag covers exactly what that stage uses, and a NumPy variant reuses
// its toolchain build.
import { existsSync, mkdtempSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BaseImageResolver } from './base-image.ts';
import type { ProjectBuildPlan } from '../plan/project-build.ts';
import { BuildFailedError, type BuildRequest, type ContainerClient, type ImageInfo } from './container-client.ts';
import { EnvironmentSkipped, ImageBuilder, type NumpyResolver } from './images.ts';

function project(source: string): ProjectBuildPlan {
  const dir = mkdtempSync(join(tmpdir(), 'fixture-'));
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'Cargo.toml'), '[package]\nname = "f"\n');
  writeFileSync(join(dir, 'src', 'lib.rs'), source);
  mkdirSync(join(dir, 'target'));
  writeFileSync(join(dir, 'target', 'junk'), String(Math.random())); // build outputs never count
  return { dir, build: 'cargo build --release', entry: 'dlmatrix_probe', entryKind: 'probe', variants: [{ name: 'plain' }], linked: ['c'], loaders: [] };
}

class Engine {
  images = new Map<string, ImageInfo>();
  builds: BuildRequest[] = [];
  failProjectStage = false;
  /** What a toolchain image says about itself (/opt/dlmatrix/facts). */
  toolchainFacts: Record<string, string> = { python: '3.11.2', glibc: '2.36', arch: 'x86_64' };
  removed: string[] = [];
  client = {
    inspectImage: async (ref: string) => this.images.get(ref),
    createContainer: async () => 'facts-reader',
    readFiles: async () => new Map(Object.entries(this.toolchainFacts).map(([k, v]) => [k, Buffer.from(v)])),
    removeContainer: async (id: string) => void this.removed.push(id),
    buildImage: async (request: BuildRequest, onLine: (line: string) => void) => {
      this.builds.push(request);
      onLine(`#1 [internal] load build definition from ${request.dockerfile}`);
      if (this.failProjectStage && request.dockerfile === 'environment.Dockerfile') {
        throw new BuildFailedError(`build of ${request.tag} failed`, 'error: PyO3 says no', '[project 5/5] RUN sh build-project.sh');
      }
      this.images.set(request.tag, { id: `sha256:${request.tag}`, labels: request.labels });
    },
  } as unknown as ContainerClient;
}

const bases = { resolve: async (suite: string) => ({ ref: `debian:${suite}-slim`, id: `sha256:base-${suite}`, source: 'local' }) } as unknown as BaseImageResolver;

function builder(engine: Engine, build: ProjectBuildPlan, numpy?: NumpyResolver) {
  const workDir = mkdtempSync(join(tmpdir(), 'work-'));
  return new ImageBuilder(engine.client, { project: build, numpy, workDir, logDir: join(workDir, 'logs'), buildJobs: 2, log: () => {} }, bases);
}

describe('ImageBuilder', () => {
  it('builds a toolchain once for all NumPy variants, then one image per variant, labelled without a run id', async () => {
    const engine = new Engine();
    const images = builder(engine, project('// v1'));
    const [a, b] = await Promise.all([images.environment('bookworm', 'system', 'system'), images.environment('bookworm', 'system', '2.2.6')]);
    expect(engine.builds.map((b) => b.dockerfile)).toEqual(['toolchain.Dockerfile', 'environment.Dockerfile', 'environment.Dockerfile']);
    expect(a.ref).toMatch(/^dlmatrix\/env:bookworm-pysystem-npsystem-[0-9a-f]{16}$/);
    expect(b.ref).toMatch(/^dlmatrix\/env:bookworm-pysystem-np2\.2\.6-[0-9a-f]{16}$/);
    expect(engine.builds[0].labels).toEqual({
      'dev.dlmatrix.managed': 'true',
      'dev.dlmatrix.stage': 'toolchain',
      'dev.dlmatrix.distro': 'bookworm',
      'dev.dlmatrix.python': 'system',
      'dev.dlmatrix.content-hash': expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(engine.builds[0].buildArgs).toMatchObject({ BASE_IMAGE: 'debian:bookworm-slim', PYTHON: 'system' });
    expect(engine.builds[1].buildArgs).toMatchObject({
      TOOLCHAIN_IMAGE: engine.builds[0].tag,
      BASE_IMAGE: 'debian:bookworm-slim',
      NUMPY: 'system',
      CACHE_KEY: expect.stringMatching(/^bookworm-pysystem-[0-9a-f]{12}$/),
    });
    expect(a.built).toBe(true);
  });

  it('rebuilds nothing on a second run with the same inputs', async () => {
    const engine = new Engine();
    const build = project('// v1');
    const first = await builder(engine, build).environment('trixie', 'system', 'system');
    const count = engine.builds.length;
    const second = await builder(engine, build).environment('trixie', 'system', 'system');
    expect(engine.builds.length).toBe(count);
    expect(second).toMatchObject({ ref: first.ref, built: false, buildMs: 0 });
  });

  it('rebuilds the environment, not the toolchain, when the project changes (its target/ folder never counts)', async () => {
    const engine = new Engine();
    const first = await builder(engine, project('// v1')).environment('trixie', 'system', 'system');
    const same = await builder(engine, project('// v1')).environment('trixie', 'system', 'system');
    const changed = await builder(engine, project('// v2')).environment('trixie', 'system', 'system');
    expect(same.ref).toBe(first.ref);
    expect(changed.ref).not.toBe(first.ref);
    expect(engine.builds.filter((b) => b.dockerfile === 'toolchain.Dockerfile')).toHaveLength(1);
  });

  it('gives each stage only what it uses: no project or NumPy script in the toolchain context', async () => {
    const engine = new Engine();
    await builder(engine, project('// v1')).environment('trixie', 'system', 'system');
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)).map((f) => `${e.name}/${f}`) : [e.name]));
    const toolchain = files(engine.builds[0].contextDir);
    expect(toolchain).toContain('scripts/install-toolchain.sh');
    expect(toolchain.some((f) => /install-numpy|install-runtime|build-project|runtime\/|project\//.test(f))).toBe(false);
    const environment = files(engine.builds[1].contextDir);
    expect(environment).toEqual(expect.arrayContaining(['scripts/install-numpy.sh', 'runtime/runner.py', 'project.json', 'project/src/lib.rs']));
    expect(environment.some((f) => /install-toolchain|build-loaders|target\//.test(f))).toBe(false);
    expect(existsSync(join(engine.builds[1].contextDir, 'loaders', 'node', 'node_modules', 'koffi'))).toBe(true);
  });

  it("shares the first environment's project-stage failure with its toolchain's other environments, without building them", async () => {
    const engine = new Engine();
    engine.failProjectStage = true;
    const images = builder(engine, project('// v1'));
    const results = await Promise.allSettled(['system', '2.2.6', '1.26.4'].map((numpy) => images.environment('forky', 'system', numpy)));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(results.map((r) => (r as PromiseRejectedResult).reason.logTail)).toEqual(['error: PyO3 says no', 'error: PyO3 says no', 'error: PyO3 says no']);
    expect(engine.builds.filter((b) => b.dockerfile === 'environment.Dockerfile')).toHaveLength(1);
  });

  it('installs the NumPy release the resolver picks for the toolchain\'s Python, and skips before building when none fits', async () => {
    const engine = new Engine();
    const asked: unknown[] = [];
    const resolver: NumpyResolver = {
      resolve: async (request, target) => {
        asked.push([request, target]);
        return request === 'latest' ? { version: '2.4.6' } : { skip: `PyPI has no NumPy ${request} wheel for CPython 3.11` };
      },
    };
    const images = builder(engine, project('// v1'), resolver);
    const latest = await images.environment('bookworm', 'system', 'latest');
    expect(latest.ref).toMatch(/^dlmatrix\/env:bookworm-pysystem-np2\.4\.6-/);
    expect(engine.builds.at(-1)!.buildArgs.NUMPY).toBe('2.4.6');
    expect(asked[0]).toEqual(['latest', { python: '3.11.2', glibc: '2.36', arch: 'x86_64' }]);
    const builds = engine.builds.length;
    await expect(images.environment('bookworm', 'system', '1.19.5')).rejects.toThrow(EnvironmentSkipped);
    expect(engine.builds.length).toBe(builds);
    expect(engine.removed).toEqual(['facts-reader']);
  });

  it('skips every environment of a toolchain that says it cannot exist, without building it', async () => {
    const engine = new Engine();
    engine.toolchainFacts = { python: '3.11.2', skip: 'this distro has no Python 3.13 package (python3.13)' };
    const error = await builder(engine, project('// v1')).environment('bookworm', '3.13', 'system').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EnvironmentSkipped);
    expect((error as EnvironmentSkipped).reason).toContain('no Python 3.13');
    expect(engine.builds.map((b) => b.dockerfile)).toEqual(['toolchain.Dockerfile']);
  });
});
