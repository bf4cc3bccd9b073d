// Builds the images of an environment, each tagged by the hash of everything that goes into it,
// so a second run finds them and rebuilds nothing:
//   base (distro) -> toolchain (distro, python: compilers, dlopen loaders)
//   environment (distro, python, numpy): the project built in the toolchain, copied into a slim
//   runtime on the base (environment.Dockerfile)
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import pLimit from 'p-limit';
import { BaseImageResolver, type Limiter } from './base-image.ts';
import {
  hashValues,
  prepareEnvironmentContext,
  prepareToolchainContext,
  type PreparedContext,
} from './build-context.ts';
import { BuildFailedError, type Containers, type ImageStore } from './container-client.ts';
import type { ProjectBuildPlan } from '../plan/project-build.ts';
import { LABELS } from './labels.ts';
import type { RegistryCache } from './registry-cache.ts';

/** Picks the NumPy release an environment installs (`latest`, `oldest`, or a pin), or says why none fits. */
export interface NumpyResolver {
  resolve(request: string, target: { python: string; glibc: string; arch: string }): Promise<{ version: string } | { skip: string }>;
}

/** The environment cannot exist (no such Python in the distro, no NumPy wheel for it): not a failure. */
export class EnvironmentSkipped extends Error {
  constructor(
    readonly reason: string,
    /** What is known of it anyway, e.g. the Python version the distro has. */
    readonly facts: { python?: string },
  ) {
    super(reason);
  }
}

export interface ImageBuilderOptions {
  project: ProjectBuildPlan;
  /** Resolves the `numpy` axis for environments that install NumPy from PyPI. */
  numpy?: NumpyResolver;
  /** Labels for the containers it creates (to read an image's facts), e.g. the run's owner. */
  containerLabels?: Record<string, string>;
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
  /** Base and toolchain images, by name. */
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
  private toolchainContext?: PreparedContext;
  private environmentContext?: PreparedContext;
  private readonly toolchains = new Map<string, Promise<BuiltImage>>();
  /** Per toolchain, the first environment build: it builds the project stage the others share. */
  private readonly firstEnvironments = new Map<string, Promise<unknown>>();
  private readonly toolchainFacts = new Map<string, Promise<Map<string, string>>>();
  private readonly buildLimit: Limiter;

  constructor(
    private readonly client: ImageStore & Containers,
    private readonly options: ImageBuilderOptions,
    bases?: BaseImageResolver,
  ) {
    this.buildLimit = pLimit(Math.max(1, options.buildJobs));
    this.bases = bases ?? new BaseImageResolver(client, options.log, this.buildLimit, undefined, options.cache, options.signal);
  }

  /** Shared by every NumPy variant of a (distro, python). */
  toolchain(distro: string, python: string): Promise<BuiltImage> {
    const key = `${distro}/${python}`;
    let pending = this.toolchains.get(key);
    if (!pending) {
      pending = this.buildToolchain(distro, python);
      this.toolchains.set(key, pending);
    }
    return pending;
  }

  async environment(distro: string, python: string, numpy: string): Promise<BuiltImage> {
    const [base, toolchain] = await Promise.all([this.bases.resolve(distro), this.toolchain(distro, python)]);
    const request = numpy;
    numpy = await this.numpyRelease(toolchain, numpy);
    const context = this.preparedEnvironmentContext();
    const { ref, hash } = this.environmentTag(distro, python, numpy, base.id, toolchain.ref);
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
        TOOLCHAIN_IMAGE: toolchain.ref,
        BASE_IMAGE: base.ref,
        PYTHON: python,
        NUMPY: numpy,
        // cargo's target folder for this project on this toolchain, kept between builds.
        CACHE_KEY: `${slug(distro)}-py${slug(python)}-${this.projectKey().slice(0, 12)}`,
        ...proxyBuildArgs(),
      },
      labels: {
        [LABELS.stage]: 'environment',
        [LABELS.distro]: distro,
        [LABELS.python]: python,
        [LABELS.numpy]: numpy,
        [LABELS.numpyRequest]: request,
        [LABELS.contentHash]: hash,
        // What `dlmatrix clean` and `images save` compare with the current matrix.
        [LABELS.toolchain]: toolchain.ref,
        [LABELS.context]: context.hash,
        [LABELS.project]: this.projectKey(),
      },
    });
    if (!first) this.firstEnvironments.set(toolchain.ref, pending);
    const image = await pending;
    return { ...image, buildMs: image.buildMs + toolchain.buildMs };
  }

  /**
   * The NumPy release to install: `system` stays, anything else is resolved against the Python
   * and platform of the toolchain (same distro and interpreter as the runtime). Throws
   * EnvironmentSkipped when the combination cannot exist.
   */
  private async numpyRelease(toolchain: BuiltImage, numpy: string): Promise<string> {
    let facts = this.toolchainFacts.get(toolchain.ref);
    if (!facts) {
      facts = this.cachedFacts(toolchain);
      this.toolchainFacts.set(toolchain.ref, facts);
    }
    const known = await facts;
    const skip = known.get('skip');
    if (skip) throw new EnvironmentSkipped(skip, { python: known.get('python') });
    if (numpy === 'system' || !this.options.numpy) return numpy;
    const target = { python: known.get('python') ?? '', glibc: known.get('glibc') ?? '', arch: known.get('arch') ?? '' };
    if (!target.python || !target.glibc || !target.arch) throw new Error(`toolchain ${toolchain.ref} does not record its python, glibc and arch`);
    const resolution = await this.options.numpy.resolve(numpy, target);
    if ('skip' in resolution) throw new EnvironmentSkipped(resolution.skip, { python: target.python });
    if (resolution.version !== numpy) this.options.log(`numpy ${numpy} for Python ${target.python}: ${resolution.version}`);
    return resolution.version;
  }

  private async currentRelease(toolchainRef: string, numpy: string): Promise<string | undefined> {
    if (numpy !== 'latest' && numpy !== 'oldest') return numpy;
    const toolchain = await this.client.inspectImage(toolchainRef);
    if (!toolchain) return undefined;
    return this.numpyRelease({ ref: toolchainRef, id: toolchain.id, built: false, buildMs: 0 }, numpy);
  }

  /**
   * An image's facts never change: kept on the host by image id, so that a warm run starts its
   * cells without creating a container per toolchain first.
   */
  private async cachedFacts(image: BuiltImage): Promise<Map<string, string>> {
    const file = this.options.cacheDir && image.id ? join(this.options.cacheDir, 'facts', `${image.id.replace(/^sha256:/, '')}.json`) : undefined;
    if (file) {
      try {
        return new Map(Object.entries(JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>));
      } catch {
        // not cached yet
      }
    }
    const facts = await this.readFacts(image.ref);
    if (file) {
      try {
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, JSON.stringify(Object.fromEntries(facts)));
      } catch {
        // a cache that cannot be written only costs a container next time
      }
    }
    return facts;
  }

  /** The facts an image recorded (/opt/dlmatrix/facts), read without starting it. */
  private async readFacts(image: string): Promise<Map<string, string>> {
    const id = await this.client.createContainer({ image, labels: { ...this.options.containerLabels, [LABELS.managed]: 'true' }, cmd: ['true'] });
    try {
      const files = await this.client.readFiles(id, '/opt/dlmatrix/facts');
      return new Map([...files].map(([name, content]) => [name.replace(/^.*\//, ''), content.toString('utf8').trim()]));
    } finally {
      await this.client.removeContainer(id).catch(() => {});
    }
  }

  private async buildToolchain(distro: string, python: string): Promise<BuiltImage> {
    const base = await this.bases.resolve(distro);
    const { ref, hash } = this.toolchainTag(distro, python, base.id);
    return this.ensure({
      ref,
      context: this.preparedToolchainContext(),
      dockerfile: 'toolchain.Dockerfile',
      buildArgs: { BASE_IMAGE: base.ref, PYTHON: python, ...proxyBuildArgs() },
      labels: { [LABELS.stage]: 'toolchain', [LABELS.distro]: distro, [LABELS.python]: python, [LABELS.contentHash]: hash },
    });
  }

  /** Names the project by its folder on this host (not its content, which changes with every edit). */
  projectKey(): string {
    return hashValues(this.options.project.dir).slice(0, 16);
  }

  private environmentTag(distro: string, python: string, numpy: string, baseId: string, toolchainRef: string): { ref: string; hash: string } {
    const hash = hashValues(baseId, toolchainRef, this.preparedEnvironmentContext().hash, python, numpy);
    return { ref: `dlmatrix/env:${slug(distro)}-py${slug(python)}-np${slug(numpy)}-${hash.slice(0, TAG_HASH_LENGTH)}`, hash };
  }

  private toolchainTag(distro: string, python: string, baseId: string): { ref: string; hash: string } {
    const hash = hashValues(baseId, this.preparedToolchainContext().hash, python);
    return { ref: `dlmatrix/toolchain:${slug(distro)}-py${slug(python)}-${hash.slice(0, TAG_HASH_LENGTH)}`, hash };
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
   * values asked; an older `latest` still counts until it is rebuilt).
   */
  async currentImages(environments: ReadonlyArray<{ distro: string; python: string; numpy: string }>): Promise<CurrentImages> {
    const refs = new Set<string>();
    const toolchains = new Set<string>();
    const requests = new Set<string>();
    const bases = new Map<string, ReturnType<BaseImageResolver['resolveLocal']>>();
    for (const { distro, python, numpy } of environments) {
      if (!bases.has(distro)) bases.set(distro, this.bases.resolveLocal(distro));
      const base = await bases.get(distro);
      if (!base) continue;
      refs.add(base.ref);
      const { ref } = this.toolchainTag(distro, python, base.id);
      refs.add(ref);
      toolchains.add(ref);
      requests.add(`${ref}\0${numpy}`);
      // The exact tag where the release is known without asking the index: `system` and pins;
      // `latest` and `oldest` when the toolchain is here and the index answers (from its cache).
      const release = await this.currentRelease(ref, numpy).catch(() => undefined);
      if (release) refs.add(this.environmentTag(distro, python, release, base.id, ref).ref);
    }
    const context = this.preparedEnvironmentContext().hash;
    return {
      refs,
      project: this.projectKey(),
      isCurrentEnvironment: (labels) =>
        labels[LABELS.context] === context && requests.has(`${labels[LABELS.toolchain]}\0${labels[LABELS.numpyRequest]}`),
    };
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
    const built = await this.buildLimit(() => this.build(spec));
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
    try {
      await this.client.buildImage(
        {
          contextDir: spec.context.dir,
          dockerfile: spec.dockerfile,
          tag: spec.ref,
          buildArgs: spec.buildArgs,
          // No run id: an image is shared by every run that needs the same content.
          labels: { [LABELS.managed]: 'true', ...spec.labels },
          signal: this.options.signal,
        },
        (line) => logStream.write(`${line}\n`),
      );
    } finally {
      await new Promise((resolve) => logStream.end(resolve));
    }
    const built = await this.client.inspectImage(spec.ref);
    if (!built) throw new Error(`build of ${spec.ref} reported success but the image is missing`);
    return { ref: spec.ref, id: built.id, built: true, buildMs: Date.now() - started, logFile };
  }
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
