// ContainerClient over dockerode: the only file that imports dockerode.
import { createReadStream, createWriteStream, readdirSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { join, relative } from 'node:path';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import Docker from 'dockerode';
import { BuildLog } from './build-log.ts';
import {
  BuildFailedError,
  EngineUnavailableError,
  type AttachedStreams,
  type BuildRequest,
  type ContainerClient,
  type ContainerInfo,
  type ContainerSpec,
  type ImageInfo,
  type ImageSummary,
  type Labels,
  type RegistryAuth,
} from './container-client.ts';
import { readTar } from './tar.ts';

export class DockerodeClient implements ContainerClient {
  private readonly docker: Docker;

  /** Honours DOCKER_HOST like the docker CLI; defaults to the local socket. */
  constructor(docker = new Docker()) {
    this.docker = docker;
  }

  async ping(): Promise<void> {
    try {
      await this.docker.ping();
    } catch (err) {
      const where = process.env.DOCKER_HOST ?? '/var/run/docker.sock';
      throw new EngineUnavailableError(
        `no Docker engine answers at ${where} (${(err as Error).message}).\n` +
          'Start one: `sudo systemctl start docker`, or on a machine without systemd `sudo dockerd > /var/log/dockerd.log 2>&1 &`;\n' +
          'on Debian install it first with `sudo apt-get install -y docker.io`.',
      );
    }
  }

  async engineVersion(): Promise<string> {
    const version = await this.docker.version();
    return `${version.Version} (API ${version.ApiVersion})`;
  }

  async inspectImage(ref: string): Promise<ImageInfo | undefined> {
    try {
      const info = await this.docker.getImage(ref).inspect();
      return { id: info.Id, labels: info.Config?.Labels ?? {}, size: info.Size ?? 0 };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async pullImage(ref: string): Promise<void> {
    const stream = await this.docker.pull(ref);
    await this.follow(stream, () => {});
  }

  async importImage(rootfsTar: Readable, ref: string, labels: Labels): Promise<void> {
    const [repo, tag] = splitRef(ref);
    const changes = Object.entries(labels).map(([k, v]) => `LABEL ${k}=${JSON.stringify(v)}`);
    const stream = await this.docker.importImage(rootfsTar as unknown as string, { repo, tag, changes } as object);
    await this.follow(stream, () => {});
  }

  async removeImage(ref: string): Promise<void> {
    try {
      await this.docker.getImage(ref).remove({ force: true });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  async listImages(labels: Labels): Promise<ImageSummary[]> {
    const label = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
    const images = await this.docker.listImages({ filters: { label } });
    return images.map((i) => ({ id: i.Id, tags: (i.RepoTags ?? []).filter((t) => t !== '<none>:<none>'), labels: i.Labels ?? {}, size: i.Size }));
  }

  async tagImage(ref: string, newRef: string): Promise<void> {
    const [repo, tag] = splitRef(newRef);
    await this.docker.getImage(ref).tag({ repo, tag });
  }

  async pushImage(ref: string, auth?: RegistryAuth): Promise<void> {
    // The engine wants an X-Registry-Auth header on every push, empty credentials included.
    const stream = await this.docker.getImage(ref).push({ authconfig: auth ?? {} });
    await this.follow(stream as NodeJS.ReadableStream, () => {});
  }

  async registryHasImage(ref: string, auth?: RegistryAuth): Promise<boolean> {
    try {
      await this.docker.getImage(ref).distribution({ authconfig: auth ?? {} } as object);
      return true;
    } catch (err) {
      // Not there (the engine answers 401 or 404 for an unknown tag, 500 for "manifest unknown").
      if (/manifest unknown|not found|no such image|401|404/i.test(String((err as Error)?.message ?? err))) return false;
      throw err;
    }
  }

  async pullImageWithAuth(ref: string, auth?: RegistryAuth): Promise<void> {
    const stream = await this.docker.pull(ref, auth ? { authconfig: auth } : {});
    await this.follow(stream, () => {});
  }

  async saveImages(refs: string[], file: string): Promise<void> {
    // dockerode's getImages (GET /images/get?names=…) is missing from its type definitions.
    const docker = this.docker as unknown as { getImages(opts: { names: string[] }): Promise<NodeJS.ReadableStream> };
    const stream = await docker.getImages({ names: refs });
    await pipeline(stream, createWriteStream(file));
  }

  async loadImages(file: string): Promise<void> {
    const stream = await this.docker.loadImage(createReadStream(file));
    await this.follow(stream, () => {});
  }

  async imagesDiskUsage(): Promise<number> {
    const usage = (await this.docker.df()) as { LayersSize?: number };
    return usage.LayersSize ?? 0;
  }

  async buildImage(request: BuildRequest, onLine: (line: string) => void): Promise<void> {
    const log = new BuildLog(onLine);
    const stream = await this.docker.buildImage(
      { context: request.contextDir, src: listFiles(request.contextDir) },
      {
        t: request.tag,
        dockerfile: request.dockerfile,
        buildargs: request.buildArgs,
        labels: request.labels,
        // BuildKit: cache mounts (cargo's target and registry survive between builds), stages
        // built once for every image that shares them, and only the last stage in the image.
        version: '2',
        abortSignal: request.signal,
      } as Docker.ImageBuildOptions,
    );
    try {
      await this.follow(stream, (event) => log.event(event));
    } catch (err) {
      const step = log.failedStep();
      const message = `build of ${request.tag} failed${step ? ` in ${step}` : ''}: ${(err as Error).message}`;
      throw new BuildFailedError(message, log.failedOutput(), step);
    }
  }

  async createContainer(spec: ContainerSpec): Promise<string> {
    const container = await this.docker.createContainer({
      Image: spec.image,
      ...(spec.cmd && { Cmd: spec.cmd }),
      Labels: spec.labels,
      ...(spec.stdinOnce && { OpenStdin: true, StdinOnce: true, AttachStdin: true, AttachStdout: true, AttachStderr: true, Tty: false }),
      HostConfig: {
        Init: true,
        AutoRemove: true,
        ...(spec.sandbox && {
          NetworkMode: 'none',
          Memory: spec.sandbox.memoryBytes,
          MemorySwap: spec.sandbox.memoryBytes,
          PidsLimit: spec.sandbox.pids,
          // The runner and the loaders need no capability: they run, read and kill their own.
          CapDrop: ['ALL'],
          SecurityOpt: ['no-new-privileges'],
        }),
      },
    });
    return container.id;
  }

  async readFile(containerId: string, path: string): Promise<Buffer | undefined> {
    let stream: NodeJS.ReadableStream;
    try {
      stream = await this.docker.getContainer(containerId).getArchive({ path });
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return undefined;
      throw error;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of stream as unknown as AsyncIterable<Buffer>) chunks.push(chunk);
    return readTar(Buffer.concat(chunks)).get(path.replace(/^.*\//, ''));
  }

  async attachAndStart(containerId: string): Promise<AttachedStreams> {
    const container = this.docker.getContainer(containerId);
    const stream = await container.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true });
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    this.docker.modem.demuxStream(stream, stdout, stderr);
    const ended = new Promise<void>((resolve) => {
      const done = () => {
        stdout.end();
        stderr.end();
        resolve();
      };
      stream.once('end', done);
      stream.once('close', done);
      stream.once('error', done);
    });
    await container.start();
    return { stdin: stream as unknown as Writable, stdout, stderr, ended };
  }

  async removeContainer(containerId: string): Promise<void> {
    try {
      await this.docker.getContainer(containerId).remove({ force: true });
    } catch (err) {
      // 404: already gone; 409: already being removed (AutoRemove after its process exited).
      if (!isNotFound(err) && (err as { statusCode?: number })?.statusCode !== 409) throw err;
    }
  }

  async listContainers(labels: Labels): Promise<ContainerInfo[]> {
    const label = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
    const containers = await this.docker.listContainers({ all: true, filters: { label } });
    return containers.map((c) => ({ id: c.Id, labels: c.Labels ?? {}, state: c.State }));
  }

  /** What `dlmatrix doctor` reports. Rejects with the raw connection error (its `code`: EACCES, ENOENT, ...). */
  async engineInfo(): Promise<EngineInfo> {
    const [version, info] = await Promise.all([this.docker.version(), this.docker.info()]);
    return {
      version: version.Version,
      apiVersion: version.ApiVersion,
      rootDir: info.DockerRootDir,
      cgroupVersion: info.CgroupVersion,
      registries: [...(info.RegistryConfig?.Mirrors ?? []), info.IndexServerAddress].filter(Boolean),
    };
  }

  /** Waits for a progress stream (pull, import, build) to end; rejects on an error event. */
  private follow(stream: NodeJS.ReadableStream, onEvent: (event: Record<string, unknown>) => void): Promise<void> {
    return new Promise((resolve, reject) => {
      this.docker.modem.followProgress(
        stream,
        (err: Error | null, events: Array<Record<string, unknown>>) => {
          if (err) return reject(err);
          const failed = events.find((e) => e.error);
          if (failed) return reject(new Error(String(failed.error)));
          resolve();
        },
        (event: Record<string, unknown>) => {
          if (event.error) {
            // Surface the failing step in the log too.
            onEvent({ stream: `ERROR: ${event.error}` });
          } else onEvent(event);
        },
      );
    });
  }
}

/** The engine as `docker version` and `docker info` describe it. */
export interface EngineInfo {
  version: string;
  apiVersion: string;
  /** Where the engine keeps images (on the engine's machine). */
  rootDir?: string;
  cgroupVersion?: string;
  /** Registry mirrors, then the default index server (e.g. Docker Hub's), as URLs. */
  registries: string[];
}

/** The engine answers 404 for a missing image or container: for removals that is success. */
function isNotFound(err: unknown): boolean {
  return (err as { statusCode?: number })?.statusCode === 404;
}

function splitRef(ref: string): [string, string] {
  const colon = ref.lastIndexOf(':');
  return colon > ref.lastIndexOf('/') ? [ref.slice(0, colon), ref.slice(colon + 1)] : [ref, 'latest'];
}

function listFiles(dir: string, root = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? listFiles(path, root) : [relative(root, path)];
  });
}
