// The only view of the container engine the rest of dlmatrix has, in three parts (the engine, its
// images, its containers) so that each stage names what it uses. dockerode-client.ts implements
// them over dockerode; tests swap in doubles. Keep it small: add a method only when a stage needs it.
import type { Readable, Writable } from 'node:stream';

export type Labels = Record<string, string>;

export interface ImageInfo {
  id: string;
  labels: Labels;
  /** Bytes of the image, its shared layers included. */
  size?: number;
}

export interface BuildRequest {
  /** Folder holding the build context (every file in it is sent). */
  contextDir: string;
  /** Dockerfile path relative to contextDir. */
  dockerfile: string;
  tag: string;
  buildArgs: Record<string, string>;
  labels: Labels;
  signal?: AbortSignal;
}

export interface ContainerSpec {
  image: string;
  labels: Labels;
  /** The main process; the image's CMD when absent. */
  cmd?: string[];
  /**
   * Keep the main process's stdin open while someone is attached: the engine closes it when the
   * attach stream ends, also when the harness dies, so the process can exit and the container,
   * removed automatically, never outlives the harness.
   */
  stdinOnce?: boolean;
  /** Runs it contained: no network, bounded memory and processes, no capabilities. */
  sandbox?: Sandbox;
}

/**
 * How a cell container is contained. Cells run a user's host program against a user's library:
 * nothing in a cell needs the network; a memory hog or a fork bomb must end as that cell's crash
 * or timeout, not take the engine or the machine down.
 */
export interface Sandbox {
  /** Bytes of memory for the whole container (swap included: none beyond it). */
  memoryBytes: number;
  /** Processes and threads at once in the container. */
  pids: number;
}

/** The main process's streams of a started container (see ContainerClient.attach). */
export interface AttachedStreams {
  stdin: Writable;
  stdout: Readable;
  stderr: Readable;
  /** Settles when the attach stream ends: the process exited, or the engine went away. */
  ended: Promise<void>;
}

export interface ImageSummary {
  id: string;
  /** repo:tag names (none for a dangling image). */
  tags: string[];
  labels: Labels;
  /** Bytes, shared layers included. */
  size: number;
}

/** Credentials for a registry, as `docker login` or a credential helper gives them (the Engine API's AuthConfig). */
export interface RegistryAuth {
  serveraddress: string;
  username?: string;
  password?: string;
  /** An OAuth identity token instead of a password (a helper answering with Username `<token>`). */
  identitytoken?: string;
}

export interface ContainerInfo {
  id: string;
  labels: Labels;
  state: string;
}

/** The engine itself: is it there, which one. */
export interface Engine {
  /** Throws EngineUnavailableError when no engine answers. */
  ping(): Promise<void>;
  engineVersion(): Promise<string>;
}

/** The engine's images: build, name, move between machines, measure. */
export interface ImageStore {
  inspectImage(ref: string): Promise<ImageInfo | undefined>;
  pullImage(ref: string): Promise<void>;
  /** Imports a root filesystem tarball as an image (what `docker import` does). */
  importImage(rootfsTar: Readable, ref: string, labels: Labels): Promise<void>;
  removeImage(ref: string): Promise<void>;
  /** Images carrying all the given labels. */
  listImages(labels: Labels): Promise<ImageSummary[]>;
  /** Gives an image another name (what `docker tag` does). */
  tagImage(ref: string, newRef: string): Promise<void>;
  /** Pushes an image to its registry (the host part of its name). */
  pushImage(ref: string, auth?: RegistryAuth): Promise<void>;
  /** True when the registry in the image's name has it (asked through the engine, nothing pulled). */
  registryHasImage(ref: string, auth?: RegistryAuth): Promise<boolean>;
  /** Pulls with credentials (pullImage is anonymous). */
  pullImageWithAuth(ref: string, auth?: RegistryAuth): Promise<void>;
  /** Writes images, their shared layers once, to a tar file (what `docker save` does). */
  saveImages(refs: string[], file: string): Promise<void>;
  /** Loads images from a tar file written by saveImages (what `docker load` does). */
  loadImages(file: string): Promise<void>;
  /** Bytes the engine's images take, each layer once (what `docker system df` counts). */
  imagesDiskUsage(): Promise<number>;
  /** Builds with BuildKit; streams log lines to onLine; rejects with BuildFailedError on failure. */
  buildImage(request: BuildRequest, onLine: (line: string) => void): Promise<void>;
}

/** The engine's containers: the life of the one each environment's cells run in. */
export interface Containers {
  /** Creates (does not start) a container that the engine removes once it stops; returns its id. */
  createContainer(spec: ContainerSpec): Promise<string>;
  /** A regular file in a container (started or not), or undefined when there is none. */
  readFile(containerId: string, path: string): Promise<Buffer | undefined>;
  /** Attaches to a created container's main process, then starts it. */
  attachAndStart(containerId: string): Promise<AttachedStreams>;
  removeContainer(containerId: string): Promise<void>;
  /** Containers (running or not) carrying all the given labels. */
  listContainers(labels: Labels): Promise<ContainerInfo[]>;
}

/** All of it; each stage asks only for the parts it uses. */
export interface ContainerClient extends Engine, ImageStore, Containers {}

export class EngineUnavailableError extends Error {}

export class BuildFailedError extends Error {
  constructor(
    message: string,
    /** The last lines of the failing step's output, to show the user. */
    readonly logTail: string,
    /** The failing step as BuildKit names it, e.g. `[project 5/5] RUN sh build-project.sh`. */
    readonly step?: string,
  ) {
    super(message);
  }

  /** The build's whole log on this host (reports/logs/...), once the builder knows it. */
  logFile?: string;
}
