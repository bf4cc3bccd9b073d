// Content-addressed image builds on an engine double: what is cached is never rebuilt, what
// changed is, each stage's tag covers exactly what that stage uses, and a NumPy variant reuses
// its toolchain build.
import { existsSync, mkdtempSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LAYOUT } from '../image/layout.ts';
import type { BaseImageResolver } from './base-image.ts';
import type { ProjectBuildPlan } from '../plan/project-build.ts';
import type { Manifest } from '../image/manifest.ts';
import { BuildFailedError, type BuildRequest, type ContainerClient, type ContainerSpec, type ImageInfo } from './container-client.ts';
import { ImageBuilder, type CpythonReleases, type EnvironmentImage, type ImageBuilderOptions, type NumpyResolver } from './images.ts';
import type { RegistryCache } from './registry-cache.ts';
import { distroToolchain } from '../test-support/make-manifests.ts';

const TOOLCHAIN = distroToolchain({ codename: 'bookworm', release: '12', glibc: '2.36', python: '3.11.2', rustc: '1.63.0', cargo: '1.65.0' });
const variant = { library: `${LAYOUT.root}/variants/plain/src/f/target/release/libf.so`, project: `${LAYOUT.root}/variants/plain/src/f`, exports: ['dlmatrix_probe'], linked: {}, hosts: [] };

/** The image of a ready environment (what the scheduler runs). */
function ready(result: EnvironmentImage) {
  if (result.status !== 'ready') throw new Error(`skipped: ${result.reason}`);
  return result.image;
}

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
  /** What a toolchain image says about itself (its manifest). */
  toolchainManifest: Manifest = TOOLCHAIN;
  removed: string[] = [];
  private containers = new Map<string, string>();
  client = {
    inspectImage: async (ref: string) => this.images.get(ref),
    createContainer: async (spec: ContainerSpec) => {
      const id = `manifest-reader-${this.containers.size + 1}`;
      this.containers.set(id, spec.image);
      return id;
    },
    readFile: async (id: string) => {
      const image = this.containers.get(id)!;
      const manifest = image.startsWith('dlmatrix/toolchain:')
        ? this.toolchainManifest
        : { ...TOOLCHAIN, stage: 'environment', numpy: { request: 'system', version: '1.24.2', source: 'distro' }, node: 'v18.19.0', loaders: {}, variants: { plain: variant } };
      return Buffer.from(JSON.stringify(manifest));
    },
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

const env = (distro: string, numpy: string, python = 'system') => ({ distro, python, pythonBuild: 'distro' as const, numpy });

const bases = { resolve: async (suite: string) => ({ ref: `debian:${suite}-slim`, id: `sha256:base-${suite}`, source: 'local' }) } as unknown as BaseImageResolver;

function builder(engine: Engine, build: ProjectBuildPlan, numpy?: NumpyResolver, extra: Partial<ImageBuilderOptions> = {}) {
  const workDir = mkdtempSync(join(tmpdir(), 'work-'));
  return new ImageBuilder(engine.client, { project: build, numpy, workDir, logDir: join(workDir, 'logs'), buildJobs: 2, log: () => {}, ...extra }, bases);
}

/** A verified CPython tarball, as harness/cpython/ hands it over. */
function cpythonReleases(): CpythonReleases & { asked: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'cpython-'));
  const tarball = join(dir, 'Python-3.13.5.tar.xz');
  writeFileSync(tarball, 'release tarball');
  const asked: string[] = [];
  return {
    asked,
    release: async (distro, request) => {
      asked.push(`${distro} ${request}`);
      return { version: '3.13.5', tarball, sha256: 'a'.repeat(64), url: 'https://www.python.org/ftp/python/3.13.5/Python-3.13.5.tar.xz' };
    },
    version: async () => '3.13.5',
  };
}

describe('ImageBuilder', () => {
  it('builds a toolchain once for all NumPy variants, then one image per variant, labelled without a run id', async () => {
    const engine = new Engine();
    const images = builder(engine, project('// v1'));
    const [a, b] = (await Promise.all([images.environment(env('bookworm', 'system')), images.environment(env('bookworm', '2.2.6'))])).map(ready);
    expect(engine.builds.map((b) => b.dockerfile)).toEqual(['toolchain.Dockerfile', 'environment.Dockerfile', 'environment.Dockerfile']);
    expect(a.ref).toMatch(/^dlmatrix\/env:bookworm-pysystem-npsystem-[0-9a-f]{16}$/);
    expect(b.ref).toMatch(/^dlmatrix\/env:bookworm-pysystem-np2\.2\.6-[0-9a-f]{16}$/);
    expect(engine.builds[0].labels).toEqual({
      'dev.dlmatrix.managed': 'true',
      'dev.dlmatrix.stage': 'toolchain',
      'dev.dlmatrix.distro': 'bookworm',
      'dev.dlmatrix.python': 'system',
      'dev.dlmatrix.python-build': 'distro',
      'dev.dlmatrix.content-hash': expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    // The distro's Python: the CPython stage is the base itself (its glob copies nothing).
    expect(engine.builds[0].buildArgs).toMatchObject({ BASE_IMAGE: 'debian:bookworm-slim', PYTHON_IMAGE: 'debian:bookworm-slim', PYTHON: 'system', PYTHON_BUILD: 'distro', DLMATRIX_ROOT: LAYOUT.root });
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
    const first = ready(await builder(engine, build).environment(env('trixie', 'system', 'system')));
    const count = engine.builds.length;
    const second = ready(await builder(engine, build).environment(env('trixie', 'system', 'system')));
    expect(engine.builds.length).toBe(count);
    expect(second).toMatchObject({ ref: first.ref, built: false, buildMs: 0 });
  });

  it('rebuilds the environment, not the toolchain, when the project changes (its target/ folder never counts)', async () => {
    const engine = new Engine();
    const first = ready(await builder(engine, project('// v1')).environment(env('trixie', 'system', 'system')));
    const same = ready(await builder(engine, project('// v1')).environment(env('trixie', 'system', 'system')));
    const changed = ready(await builder(engine, project('// v2')).environment(env('trixie', 'system', 'system')));
    expect(same.ref).toBe(first.ref);
    expect(changed.ref).not.toBe(first.ref);
    expect(engine.builds.filter((b) => b.dockerfile === 'toolchain.Dockerfile')).toHaveLength(1);
  });

  it('gives each stage only what it uses: no project or NumPy script in the toolchain context', async () => {
    const engine = new Engine();
    await builder(engine, project('// v1')).environment(env('trixie', 'system', 'system'));
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
    const results = await Promise.allSettled(['system', '2.2.6', '1.26.4'].map((numpy) => images.environment(env('forky', numpy, 'system'))));
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
    const latest = ready(await images.environment(env('bookworm', 'latest', 'system')));
    expect(latest.ref).toMatch(/^dlmatrix\/env:bookworm-pysystem-np2\.4\.6-/);
    expect(engine.builds.at(-1)!.buildArgs.NUMPY).toBe('2.4.6');
    expect(asked[0]).toEqual(['latest', { python: '3.11.2', glibc: '2.36', arch: 'x86_64' }]);
    const builds = engine.builds.length;
    expect(await images.environment(env('bookworm', '1.19.5', 'system'))).toEqual({ status: 'skipped', reason: 'PyPI has no NumPy 1.19.5 wheel for CPython 3.11', python: '3.11.2' });
    expect(engine.builds.length).toBe(builds);
    // The toolchain's manifest was read once (one container, removed), the environment's once.
    expect(engine.removed).toEqual(['manifest-reader-1', 'manifest-reader-2']);
  });

  it('fails with the field named when an image\'s manifest breaks the contract', async () => {
    const engine = new Engine();
    engine.toolchainManifest = { ...TOOLCHAIN, glibc: '' } as Manifest;
    await expect(builder(engine, project('// v1')).environment(env('bookworm', 'system'))).rejects.toThrow(/manifest\.json of dlmatrix\/toolchain:bookworm-pysystem-[0-9a-f]+: glibc: must match/);
  });

  it('skips every environment of a toolchain that says it cannot exist, without building it', async () => {
    const engine = new Engine();
    engine.toolchainManifest = { schema: 1, stage: 'toolchain', status: 'skipped', skipReason: 'this distro has no Python 3.13 package (python3.13)' };
    const result = await builder(engine, project('// v1')).environment(env('bookworm', 'system', '3.13'));
    expect(result).toEqual({ status: 'skipped', reason: 'this distro has no Python 3.13 package (python3.13)', python: undefined });
    expect(engine.builds.map((b) => b.dockerfile)).toEqual(['toolchain.Dockerfile']);
  });

  it('builds a source layout on its own CPython image (tagged by release, layout and tarball), shared by the toolchain and the runtime', async () => {
    const engine = new Engine();
    const cpython = cpythonReleases();
    const images = builder(engine, project('// v1'), undefined, { cpython });
    const [a, b] = await Promise.all([images.environment({ distro: 'trixie', python: '3.13', pythonBuild: 'standalone', numpy: '2.3.2' }), images.environment({ distro: 'trixie', python: '3.13', pythonBuild: 'standalone', numpy: '2.2.6' })]);
    expect(engine.builds.map((b) => b.dockerfile)).toEqual(['cpython.Dockerfile', 'toolchain.Dockerfile', 'environment.Dockerfile', 'environment.Dockerfile']);
    const [cpythonBuild, toolchain, environment] = engine.builds;
    expect(cpythonBuild!.tag).toMatch(/^dlmatrix\/cpython:trixie-3\.13\.5-standalone-[0-9a-f]{16}$/);
    expect(cpythonBuild!.buildArgs).toMatchObject({ VERSION: '3.13.5', BUILD: 'standalone', TARBALL: 'Python-3.13.5.tar.xz', SHA256: 'a'.repeat(64) });
    expect(readdirSync(join(cpythonBuild!.contextDir, 'cpython'))).toEqual(['Python-3.13.5.tar.xz']);
    expect(toolchain!.buildArgs).toMatchObject({ PYTHON_IMAGE: cpythonBuild!.tag, PYTHON: '3.13', PYTHON_BUILD: 'standalone' });
    expect(toolchain!.tag).toMatch(/^dlmatrix\/toolchain:trixie-py3\.13-standalone-/);
    expect(environment!.buildArgs).toMatchObject({ PYTHON_IMAGE: cpythonBuild!.tag, PYTHON_BUILD: 'standalone', NUMPY: expect.stringMatching(/^2\./) });
    expect([a.status, b.status]).toEqual(['ready', 'ready']);
    expect(cpython.asked).toEqual(['trixie 3.13']);
  });

  it('takes a CPython image from the cache registry instead of building it', async () => {
    const engine = new Engine();
    const pulled: string[] = [];
    const cache = {
      share: async () => {},
      push: async () => {},
      pull: async (ref: string) => {
        if (!ref.startsWith('dlmatrix/cpython:')) return false;
        pulled.push(ref);
        engine.images.set(ref, { id: `sha256:${ref}`, labels: {} });
        return true;
      },
    } as unknown as RegistryCache;
    await builder(engine, project('// v1'), undefined, { cpython: cpythonReleases(), cache }).environment({ distro: 'trixie', python: 'system', pythonBuild: 'shared', numpy: '2.3.2' });
    expect(pulled).toEqual([expect.stringMatching(/^dlmatrix\/cpython:trixie-3\.13\.5-shared-/)]);
    expect(engine.builds.map((b) => b.dockerfile)).toEqual(['toolchain.Dockerfile', 'environment.Dockerfile']);
  });
});
