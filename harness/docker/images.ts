// Builds the images of an environment, each tagged by the hash of everything that goes into it,
// so a second run finds them and rebuilds nothing:
//   base (distro) -> [cpython (distro, release, layout): CPython built from its verified tarball]
//   -> toolchain (distro, python, python-build: compilers, dlopen loaders)
//   -> environment (+ numpy): the project built in the toolchain, copied into a slim runtime on
//   the base (environment.Dockerfile)
// What each image is and holds comes from its manifest (harness/image/manifest.ts), read once
// (image-manifests.ts); whether an environment can exist is decided here, from it, in one place.
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isReady, type EnvironmentManifest, type Manifest, type PythonBuild, type ToolchainManifest } from '../image/manifest.ts';
import { ContractError } from '../image/contract-error.ts';
import { BaseImageResolver } from './base-image.ts';
import { BuildProgress, lockedPackages } from './build-progress.ts';
import { BuildQueue, type Stage } from './build-queue.ts';
import {
  hashValues,
  LAYOUT_BUILD_ARGS,
  prepareCpythonContext,
  prepareEnvironmentContext,
  prepareToolchainContext,
  type PreparedContext,
} from './build-context.ts';
import { BuildFailedError, type Containers, type ImageStore } from './container-client.ts';
import { ImageManifests } from './image-manifests.ts';
import type { ProjectBuildPlan } from '../plan/project-build.ts';
import { CONTAINER_ONLY_LABELS, LABELS } from './labels.ts';
import type { RegistryCache } from './registry-cache.ts';

/** Picks the NumPy release an environment installs (`latest`, `oldest`, or a pin), or says why none fits. */
export interface NumpyResolver {
  resolve(request: string, target: { python: string; glibc: string; arch: string }): Promise<{ version: string } | { skip: string }>;
}

/** A CPython release tarball, downloaded and verified against a signed or pinned hash. */
export interface CpythonRelease {
  version: string;
  /** The verified tarball on this host. */
  tarball: string;
  sha256: string;
  /** Where it came from. */
  url: string;
}

/** Finds the CPython release a `python` axis value means on a distro (`system`: the distro's version). */
export interface CpythonReleases {
  /** The release, its tarball downloaded and verified. */
  release(distro: string, request: string): Promise<CpythonRelease>;
  /** Only which X.Y.Z it means, nothing downloaded. */
  version(distro: string, request: string): Promise<string>;
}

/** One environment of the plan: the images of its cells. */
export interface EnvironmentRequest {
  distro: string;
  python: string;
  pythonBuild: PythonBuild;
  numpy: string;
}

/**
 * An environment's image and what it holds, or why the environment cannot exist (no such Python
 * in the distro, no NumPy wheel for it): not a failure, its cells are skipped with the reason.
 */
export type EnvironmentImage =
  | { status: 'ready'; image: BuiltImage; manifest: EnvironmentManifest }
  | { status: 'skipped'; reason: string; python?: string };

export interface ImageBuilderOptions {
  project: ProjectBuildPlan;
  /** Resolves the `numpy` axis for environments that install NumPy from PyPI. */
  numpy?: NumpyResolver;
  /** Resolves and fetches CPython releases for the `python-build` layouts built from source. */
  cpython?: CpythonReleases;
  /** The harness (host:pid) on the containers it creates to read manifests, so a later run can reap them. */
  owner?: string;
  /** Where images are looked up before they are built, and pushed after (--cache-registry). */
  cache?: RegistryCache;
  /** Where small facts about images are kept between runs (e.g. ~/.cache/dlmatrix). */
  cacheDir?: string;
  caBundle?: string;
  /** Scratch folder for build contexts. */
  workDir: string;
  /** Where full build logs are written, one file per image. */
  logDir: string;
  /** Image builds and base-image bootstraps running at once (they compete for CPU and network). */
  buildJobs: number;
  /** Aborting stops queued builds and cancels running ones. */
  signal?: AbortSignal;
  log: (line: string) => void;
  /** What a build is doing now, for a live status line. */
  progress?: (status: string) => void;
}

export interface BuiltImage {
  ref: string;
  id: string;
  /** False when the image was already there. */
  built: boolean;
  /** Time spent building it in this run, its toolchain stage included (0 when cached). */
  buildMs: number;
  /** Path of the build log, when it was built. */
  logFile?: string;
  /** Taken from the cache registry instead of built. */
  pulled?: boolean;
}

/** dlmatrix's images that a matrix uses (ImageBuilder.currentImages). */
export interface CurrentImages {
  /** Base, CPython and toolchain images, by name. */
  refs: Set<string>;
  /** The project's key, on its environment images' dev.dlmatrix.project label. */
  project: string;
  /** An environment image is current when it was built from a current toolchain with the current project. */
  isCurrentEnvironment(labels: Record<string, string>): boolean;
}

/** One image to build: its content-addressed tag and how to build it. */
interface ImageSpec {
  ref: string;
  context: PreparedContext;
  dockerfile: string;
  buildArgs: Record<string, string>;
  labels: Record<string, string>;
}

const TAG_HASH_LENGTH = 16;

export class ImageBuilder {
  private readonly bases: BaseImageResolver;
  private readonly manifests: ImageManifests;
  private toolchainContext?: PreparedContext;
  private environmentContext?: PreparedContext;
  private readonly toolchains = new Map<string, Promise<BuiltImage>>();
  private readonly cpythons = new Map<string, Promise<BuiltImage>>();
  /** Per toolchain, the first environment build: it builds the project stage the others share. */
  private readonly firstEnvironments = new Map<string, Promise<unknown>>();
  private readonly builds: BuildQueue;

  constructor(
    private readonly client: ImageStore & Containers,
    private readonly options: ImageBuilderOptions,
    bases?: BaseImageResolver,
  ) {
    this.builds = new BuildQueue(Math.max(1, options.buildJobs));
    this.bases = bases ?? new BaseImageResolver(client, options.log, this.builds.limiter('base'), undefined, options.cache, options.signal);
    this.manifests = new ImageManifests(client, { cacheDir: options.cacheDir, owner: options.owner });
  }

  /** Shared by every NumPy variant of a (distro, python, python-build). */
  toolchain(distro: string, python: string, pythonBuild: PythonBuild = 'distro'): Promise<BuiltImage> {
    const key = `${distro}/${python}/${pythonBuild}`;
    let pending = this.toolchains.get(key);
    if (!pending) {
      pending = this.buildToolchain(distro, python, pythonBuild);
      this.toolchains.set(key, pending);
    }
    return pending;
  }

  /** What a toolchain image says of itself: the distro's Python and Rust, or why it cannot exist. */
  async toolchainManifest(distro: string, python: string, pythonBuild: PythonBuild = 'distro'): Promise<ToolchainManifest | Extract<Manifest, { status: 'skipped' }>> {
    const manifest = await this.manifests.of(await this.toolchain(distro, python, pythonBuild));
    if (manifest.status === 'ready' && manifest.stage !== 'toolchain') throw new ContractError(`toolchain ${distro}/${python}`, `stage: must be "toolchain" (got "${manifest.stage}")`);
    return manifest as ToolchainManifest | Extract<Manifest, { status: 'skipped' }>;
  }

  async environment(request: EnvironmentRequest): Promise<EnvironmentImage> {
    const { distro, python, pythonBuild } = request;
    const [base, toolchain] = await Promise.all([this.bases.resolve(distro), this.toolchain(distro, python, pythonBuild)]);
    const toolchainManifest = await this.toolchainManifest(distro, python, pythonBuild);
    if (!isReady(toolchainManifest)) return { status: 'skipped', reason: toolchainManifest.skipReason, python: toolchainManifest.python?.version };
    const numpy = await this.numpyRelease(toolchainManifest, request.numpy);
    if ('skip' in numpy) return { status: 'skipped', reason: numpy.skip, python: toolchainManifest.python.version };
    const pythonImage = pythonBuild === 'distro' ? base.ref : (await this.cpython(distro, python, pythonBuild)).ref;
    const context = this.preparedEnvironmentContext();
    const { ref, hash } = this.environmentTag(request, numpy.version, base.id, toolchain.ref);
    // The environments of one toolchain share its project stage. The first one builds it alone;
    // the others then find it cached, or fail with its error (BuildKit would share a running
    // step between concurrent builds, but show its output to one of them only).
    const first = this.firstEnvironments.get(toolchain.ref);
    if (first) {
      const error = await first.then(() => undefined, (e: unknown) => e);
      if (error instanceof BuildFailedError && error.step?.startsWith('[project ')) throw error;
    }
    const pending = this.ensure({
      ref,
      context,
      dockerfile: 'environment.Dockerfile',
      buildArgs: {
        ...LAYOUT_BUILD_ARGS,
        TOOLCHAIN_IMAGE: toolchain.ref,
        BASE_IMAGE: base.ref,
        PYTHON_IMAGE: pythonImage,
        PYTHON: python,
        PYTHON_BUILD: pythonBuild,
        NUMPY: numpy.version,
        NUMPY_REQUEST: request.numpy,
        // cargo's target folder for this project on this toolchain, kept between builds.
        CACHE_KEY: `${slug(distro)}-py${slug(python)}${buildSuffix(pythonBuild)}-${this.projectKey().slice(0, 12)}`,
        ...proxyBuildArgs(),
      },
      labels: {
        [LABELS.stage]: 'environment',
        [LABELS.distro]: distro,
        [LABELS.python]: python,
        [LABELS.pythonBuild]: pythonBuild,
        [LABELS.numpy]: numpy.version,
        [LABELS.numpyRequest]: request.numpy,
        [LABELS.contentHash]: hash,
        // What `dlmatrix clean` and `images save` compare with the current matrix.
        [LABELS.toolchain]: toolchain.ref,
        [LABELS.context]: context.hash,
        [LABELS.project]: this.projectKey(),
      },
    });
    if (!first) this.firstEnvironments.set(toolchain.ref, pending);
    const image = await pending;
    const manifest = await this.manifests.of(image);
    const built = { ...image, buildMs: image.buildMs + toolchain.buildMs };
    if (!isReady(manifest)) return { status: 'skipped', reason: manifest.skipReason, python: manifest.python?.version };
    if (manifest.stage !== 'environment') throw new ContractError(`environment image ${image.ref}`, `stage: must be "environment" (got "${manifest.stage}")`);
    return { status: 'ready', image: built, manifest };
  }

  /**
   * The NumPy release to install: `system` stays, anything else is resolved against the Python
   * and platform of the toolchain (same distro and interpreter as the runtime).
   */
  private async numpyRelease(toolchain: ToolchainManifest, numpy: string): Promise<{ version: string } | { skip: string }> {
    if (numpy === 'system' || !this.options.numpy) return { version: numpy };
    const target = { python: toolchain.python.version, glibc: toolchain.glibc, arch: toolchain.arch };
    const resolution = await this.options.numpy.resolve(numpy, target);
    if ('version' in resolution && resolution.version !== numpy) this.options.log(`numpy ${numpy} for Python ${target.python}: ${resolution.version}`);
    return resolution;
  }

  private async currentRelease(distro: string, python: string, pythonBuild: PythonBuild, toolchainRef: string, numpy: string): Promise<string | undefined> {
    if (numpy !== 'latest' && numpy !== 'oldest') return numpy;
    const toolchain = await this.client.inspectImage(toolchainRef);
    if (!toolchain) return undefined;
    const manifest = await this.manifests.of({ ref: toolchainRef, id: toolchain.id });
    if (!isReady(manifest) || manifest.stage !== 'toolchain') return undefined;
    const release = await this.numpyRelease(manifest, numpy);
    return 'version' in release ? release.version : undefined;
  }

  /** CPython built from its verified release tarball in one layout: its own image, shared like the others. */
  private cpython(distro: string, python: string, pythonBuild: PythonBuild): Promise<BuiltImage> {
    const key = `${distro}/${python}/${pythonBuild}`;
    let pending = this.cpythons.get(key);
    if (!pending) {
      pending = this.buildCpython(distro, python, pythonBuild);
      this.cpythons.set(key, pending);
    }
    return pending;
  }

  private async buildCpython(distro: string, python: string, pythonBuild: PythonBuild): Promise<BuiltImage> {
    if (!this.options.cpython) throw new Error(`python-build ${pythonBuild} needs CPython releases, and none were configured`);
    const [base, release] = await Promise.all([this.bases.resolve(distro), this.options.cpython.release(distro, python)]);
    const context = prepareCpythonContext(join(this.options.workDir, `cpython-context-${slug(release.version)}`), release.tarball, this.options.caBundle);
    const { ref, hash } = this.cpythonTag(distro, release, pythonBuild, base.id, context);
    return this.ensure({
      ref,
      context,
      dockerfile: 'cpython.Dockerfile',
      buildArgs: {
        ...LAYOUT_BUILD_ARGS,
        BASE_IMAGE: base.ref,
        VERSION: release.version,
        BUILD: pythonBuild,
        TARBALL: release.tarball.replace(/^.*\//, ''),
        SHA256: release.sha256,
        URL: release.url,
        ...proxyBuildArgs(),
      },
      labels: { [LABELS.stage]: 'cpython', [LABELS.distro]: distro, [LABELS.python]: release.version, [LABELS.pythonBuild]: pythonBuild, [LABELS.contentHash]: hash },
    });
  }

  private async buildToolchain(distro: string, python: string, pythonBuild: PythonBuild): Promise<BuiltImage> {
    const base = await this.bases.resolve(distro);
    const pythonImage = pythonBuild === 'distro' ? undefined : await this.cpython(distro, python, pythonBuild);
    const { ref, hash } = this.toolchainTag(distro, python, pythonBuild, base.id, pythonImage?.id);
    const toolchain = await this.ensure({
      ref,
      context: this.preparedToolchainContext(),
      dockerfile: 'toolchain.Dockerfile',
      buildArgs: { ...LAYOUT_BUILD_ARGS, BASE_IMAGE: base.ref, PYTHON_IMAGE: pythonImage?.ref ?? base.ref, PYTHON: python, PYTHON_BUILD: pythonBuild, ...proxyBuildArgs() },
      labels: { [LABELS.stage]: 'toolchain', [LABELS.distro]: distro, [LABELS.python]: python, [LABELS.pythonBuild]: pythonBuild, [LABELS.contentHash]: hash },
    });
    return { ...toolchain, buildMs: toolchain.buildMs + (pythonImage?.buildMs ?? 0) };
  }

  /** About how many crates cargo compiles for the project (its Cargo.lock), for build progress. */
  private lockedCrates(): number {
    try {
      return lockedPackages(readFileSync(join(this.options.project.dir, 'Cargo.lock'), 'utf8'));
    } catch {
      return 0;
    }
  }

  /** Names the project by its folder on this host (not its content, which changes with every edit). */
  projectKey(): string {
    return hashValues(this.options.project.dir).slice(0, 16);
  }

  private environmentTag(request: EnvironmentRequest, numpy: string, baseId: string, toolchainRef: string): { ref: string; hash: string } {
    const { distro, python, pythonBuild } = request;
    const hash = hashValues(baseId, toolchainRef, this.preparedEnvironmentContext().hash, python, numpy, ...(pythonBuild === 'distro' ? [] : [pythonBuild]));
    return { ref: `dlmatrix/env:${slug(distro)}-py${slug(python)}${buildSuffix(pythonBuild)}-np${slug(numpy)}-${hash.slice(0, TAG_HASH_LENGTH)}`, hash };
  }

  private toolchainTag(distro: string, python: string, pythonBuild: PythonBuild, baseId: string, pythonImageId: string | undefined): { ref: string; hash: string } {
    const hash = hashValues(baseId, this.preparedToolchainContext().hash, python, ...(pythonImageId ? [pythonBuild, pythonImageId] : []));
    return { ref: `dlmatrix/toolchain:${slug(distro)}-py${slug(python)}${buildSuffix(pythonBuild)}-${hash.slice(0, TAG_HASH_LENGTH)}`, hash };
  }

  private cpythonTag(distro: string, release: CpythonRelease, pythonBuild: PythonBuild, baseId: string, context: PreparedContext): { ref: string; hash: string } {
    const hash = hashValues(baseId, context.hash, release.version, pythonBuild, release.sha256);
    return { ref: `dlmatrix/cpython:${slug(distro)}-${slug(release.version)}-${pythonBuild}-${hash.slice(0, TAG_HASH_LENGTH)}`, hash };
  }

  private preparedToolchainContext(): PreparedContext {
    this.toolchainContext ??= prepareToolchainContext(join(this.options.workDir, 'toolchain-context'), this.options.caBundle);
    return this.toolchainContext;
  }

  private preparedEnvironmentContext(): PreparedContext {
    this.environmentContext ??= prepareEnvironmentContext(join(this.options.workDir, 'environment-context'), this.options.project, this.options.caBundle);
    return this.environmentContext;
  }

  /**
   * Which of dlmatrix's images the given environments use, computed without building or pulling
   * anything: the bases on this engine, the toolchains their tags name, and the environment
   * images built from those toolchains with the current project and scripts (for the NumPy
   * values asked; an older `latest` still counts until it is rebuilt). CPython images count while
   * a current toolchain names them.
   */
  async currentImages(environments: ReadonlyArray<EnvironmentRequest>): Promise<CurrentImages> {
    const refs = new Set<string>();
    const requests = new Set<string>();
    const bases = new Map<string, ReturnType<BaseImageResolver['resolveLocal']>>();
    for (const request of environments) {
      const { distro, python, pythonBuild, numpy } = request;
      if (!bases.has(distro)) bases.set(distro, this.bases.resolveLocal(distro));
      const base = await bases.get(distro);
      if (!base) continue;
      refs.add(base.ref);
      let pythonImageId: string | undefined;
      if (pythonBuild !== 'distro') {
        const cpython = await this.localCpython(distro, python, pythonBuild);
        if (!cpython) continue;
        refs.add(cpython.ref);
        pythonImageId = cpython.id;
      }
      const { ref } = this.toolchainTag(distro, python, pythonBuild, base.id, pythonImageId);
      refs.add(ref);
      requests.add(`${ref}\0${numpy}`);
      // The exact tag where the release is known without asking the index: `system` and pins;
      // `latest` and `oldest` when the toolchain is here and the index answers (from its cache).
      const release = await this.currentRelease(distro, python, pythonBuild, ref, numpy).catch(() => undefined);
      if (release) refs.add(this.environmentTag(request, release, base.id, ref).ref);
    }
    const context = this.preparedEnvironmentContext().hash;
    return {
      refs,
      project: this.projectKey(),
      isCurrentEnvironment: (labels) =>
        labels[LABELS.context] === context && requests.has(`${labels[LABELS.toolchain]}\0${labels[LABELS.numpyRequest]}`),
    };
  }

  /** The CPython image of a layout when it is on this engine (found by its labels: its tag needs the tarball's hash). */
  private async localCpython(distro: string, python: string, pythonBuild: PythonBuild): Promise<{ ref: string; id: string } | undefined> {
    const images = await this.client.listImages({ [LABELS.managed]: 'true', [LABELS.stage]: 'cpython', [LABELS.distro]: distro, [LABELS.pythonBuild]: pythonBuild });
    const version = this.options.cpython ? await this.options.cpython.version(distro, python).catch(() => undefined) : undefined;
    const image = images.find((i) => (version ? i.labels[LABELS.python] === version : i.labels[LABELS.python]?.startsWith(python)));
    const ref = image?.tags[0];
    return image && ref ? { ref, id: image.id } : undefined;
  }

  /** The image by its content tag: already here, else from the cache registry, else built (and pushed there). */
  private async ensure(spec: ImageSpec): Promise<BuiltImage> {
    const cache = this.options.cache;
    const existing = await this.client.inspectImage(spec.ref);
    if (existing) {
      await cache?.share(spec.ref);
      return { ref: spec.ref, id: existing.id, built: false, buildMs: 0 };
    }
    if (cache && (await cache.pull(spec.ref))) {
      const pulled = await this.client.inspectImage(spec.ref);
      if (pulled) return { ref: spec.ref, id: pulled.id, built: false, buildMs: 0, pulled: true };
    }
    const built = await this.builds.run(spec.labels[LABELS.stage] as Stage, () => this.build(spec));
    await cache?.push(spec.ref);
    return built;
  }

  private async build(spec: ImageSpec): Promise<BuiltImage> {
    if (this.options.signal?.aborted) throw new Error('not built: the run was interrupted');
    const started = Date.now();
    mkdirSync(this.options.logDir, { recursive: true });
    const logFile = join(this.options.logDir, `${spec.ref.replace(/[/:]/g, '_')}.log`);
    const logStream = createWriteStream(logFile);
    this.options.log(`building ${spec.ref}`);
    const progress = new BuildProgress(spec.ref, spec.dockerfile === 'environment.Dockerfile' ? this.lockedCrates() : 0);
    try {
      await this.client.buildImage(
        {
          contextDir: spec.context.dir,
          dockerfile: spec.dockerfile,
          tag: spec.ref,
          buildArgs: spec.buildArgs,
          // No run id: an image is shared by every run that needs the same content. And no label
          // of a container: every container started from the image would inherit it.
          labels: imageLabels(spec.labels),
          signal: this.options.signal,
        },
        (line) => {
          logStream.write(`${line}\n`);
          const status = this.options.progress && progress.line(line);
          if (status) this.options.progress!(status);
        },
      );
    } catch (error) {
      if (error instanceof BuildFailedError) error.logFile = logFile;
      throw error;
    } finally {
      await new Promise((resolve) => logStream.end(resolve));
    }
    const built = await this.client.inspectImage(spec.ref);
    if (!built) throw new Error(`build of ${spec.ref} reported success but the image is missing`);
    return { ref: spec.ref, id: built.id, built: true, buildMs: Date.now() - started, logFile };
  }
}

function imageLabels(labels: Record<string, string>): Record<string, string> {
  const misplaced = Object.keys(labels).filter((name) => CONTAINER_ONLY_LABELS.includes(name));
  if (misplaced.length > 0) throw new Error(`an image must not carry container labels (${misplaced.join(', ')}): its containers would inherit them`);
  return { [LABELS.managed]: 'true', ...labels };
}

/** `-shared` in tags and cache keys of a CPython built from source; nothing for the distro's (tags stay as they were). */
function buildSuffix(pythonBuild: PythonBuild): string {
  return pythonBuild === 'distro' ? '' : `-${pythonBuild}`;
}

/** Forwards the host's proxy settings to apt, pip and cargo inside the build, when set. */
function proxyBuildArgs(): Record<string, string> {
  const args: Record<string, string> = {};
  for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy']) {
    const value = process.env[name];
    if (value) args[name] = value;
  }
  return args;
}

/** Docker tags allow [A-Za-z0-9_.-]. */
function slug(value: string): string {
  return value.replace(/[^A-Za-z0-9_.-]+/g, '_');
}
