// The only view of the container engine the rest of dlmatrix has. dockerode-client.ts implements
// it over dockerode; tests swap in doubles. Keep it small: add a method only when a stage needs it.
import type { Readable } from 'node:stream';

export type Labels = Record<string, string>;

export interface ImageInfo {
  id: string;
  labels: Labels;
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

export interface ExecRequest {
  cmd: string[];
  /** Host-side limit: after it the exec is abandoned and reported with `hostTimedOut`. */
  timeoutMs: number;
  /** Cap on the captured bytes of each stream; the rest is dropped with a marker. */
  maxOutputBytes?: number;
}

export interface ExecResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  hostTimedOut: boolean;
}

export interface ContainerClient {
  /** Throws EngineUnavailableError when no engine answers. */
  ping(): Promise<void>;
  engineVersion(): Promise<string>;
  inspectImage(ref: string): Promise<ImageInfo | undefined>;
  pullImage(ref: string): Promise<void>;
  /** Imports a root filesystem tarball as an image (what `docker import` does). */
  importImage(rootfsTar: Readable, ref: string, labels: Labels): Promise<void>;
  removeImage(ref: string): Promise<void>;
  /** Streams build output lines to onLine; rejects with BuildFailedError on failure. */
  buildImage(request: BuildRequest, onLine: (line: string) => void): Promise<void>;
  /** Starts a long-lived container that idles until removed; returns its id. */
  startContainer(image: string, labels: Labels): Promise<string>;
  exec(containerId: string, request: ExecRequest): Promise<ExecResult>;
  removeContainer(containerId: string): Promise<void>;
  /** Ids of containers (running or not) carrying all the given labels. */
  listContainers(labels: Labels): Promise<string[]>;
}

export class EngineUnavailableError extends Error {}

export class BuildFailedError extends Error {
  constructor(
    message: string,
    /** The last lines of the build output, to show the user. */
    readonly logTail: string,
  ) {
    super(message);
  }
}
