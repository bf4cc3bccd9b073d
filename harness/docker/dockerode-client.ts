// ContainerClient over dockerode: the only file that imports dockerode.
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import Docker from 'dockerode';
import {
  BuildFailedError,
  EngineUnavailableError,
  type BuildRequest,
  type ContainerClient,
  type ExecRequest,
  type ExecResult,
  type ImageInfo,
  type Labels,
} from './container-client.ts';
import { OutputCapture } from './output-capture.ts';

const BUILD_LOG_TAIL_LINES = 40;
const CONTAINER_MAX_LIFETIME_SECONDS = 24 * 60 * 60;

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
      return { id: info.Id, labels: info.Config?.Labels ?? {} };
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

  async buildImage(request: BuildRequest, onLine: (line: string) => void): Promise<void> {
    const tail: string[] = [];
    const keep = (line: string) => {
      tail.push(line);
      if (tail.length > BUILD_LOG_TAIL_LINES) tail.shift();
      onLine(line);
    };
    const stream = await this.docker.buildImage(
      { context: request.contextDir, src: listFiles(request.contextDir) },
      {
        t: request.tag,
        dockerfile: request.dockerfile,
        buildargs: request.buildArgs,
        labels: request.labels,
        rm: true,
        forcerm: true,
        abortSignal: request.signal,
      },
    );
    try {
      await this.follow(stream, (event) => {
        const text = typeof event.stream === 'string' ? event.stream : event.status;
        if (typeof text === 'string') for (const line of text.split('\n')) if (line.trim()) keep(line.trimEnd());
      });
    } catch (err) {
      throw new BuildFailedError(`build of ${request.tag} failed: ${(err as Error).message}`, tail.join('\n'));
    }
  }

  async startContainer(image: string, labels: Labels): Promise<string> {
    const container = await this.docker.createContainer({
      Image: image,
      // Idles while cells run as execs in it. If dlmatrix dies without removing it (SIGKILL),
      // the container still goes away on its own after a day.
      Cmd: ['sleep', String(CONTAINER_MAX_LIFETIME_SECONDS)],
      Labels: labels,
      HostConfig: { Init: true, AutoRemove: true },
    });
    await container.start();
    return container.id;
  }

  async exec(containerId: string, request: ExecRequest): Promise<ExecResult> {
    const container = this.docker.getContainer(containerId);
    const exec = await container.exec({ Cmd: request.cmd, AttachStdout: true, AttachStderr: true });
    const stream = await exec.start({ hijack: true, stdin: false });
    const stdout = new OutputCapture(request.maxOutputBytes);
    const stderr = new OutputCapture(request.maxOutputBytes);
    const out = new PassThrough().on('data', (c: Buffer) => stdout.push(c));
    const err = new PassThrough().on('data', (c: Buffer) => stderr.push(c));
    this.docker.modem.demuxStream(stream, out, err);

    const ended = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), request.timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve(true);
      };
      stream.on('end', done);
      stream.on('close', done);
      stream.on('error', done);
    });
    if (!ended) {
      stream.destroy();
      return { exitCode: null, stdout: stdout.text(), stderr: stderr.text(), hostTimedOut: true };
    }
    const info = await exec.inspect();
    return { exitCode: info.ExitCode ?? null, stdout: stdout.text(), stderr: stderr.text(), hostTimedOut: false };
  }

  async removeContainer(containerId: string): Promise<void> {
    try {
      await this.docker.getContainer(containerId).remove({ force: true });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  async listContainers(labels: Labels): Promise<string[]> {
    const label = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
    const containers = await this.docker.listContainers({ all: true, filters: { label } });
    return containers.map((c) => c.Id);
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
