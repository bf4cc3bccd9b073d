// One environment's container, from creation to removal. Its main process is the cell runner
// (docker/runtime/runner.py) attached on stdin/stdout: cells are requests to it, not `docker
// exec`s. Because the engine closes that stdin when the harness goes away, by any means (kill -9
// included), the runner exits and the container, created with AutoRemove, disappears with it.
import type { Containers, Labels, Sandbox } from '../docker/container-client.ts';
import { RUNNER_COMMAND } from '../image/layout.ts';
import type { EnvironmentManifest } from '../image/manifest.ts';
import type { RunnerError, RunnerRequest, RunnerResult } from '../image/runner-protocol.ts';
import { RunnerChannel } from './runner-channel.ts';

const READY_TIMEOUT_MS = 60_000;

export class EnvironmentSession {
  private constructor(
    private readonly client: Containers,
    readonly containerId: string,
    /** What the image holds (read once by the image builder). */
    readonly manifest: EnvironmentManifest,
    private readonly channel: RunnerChannel,
  ) {}

  /** Creates the container, starts the cell runner in it and waits until it says it is ready. */
  static async open(
    client: Containers,
    image: { ref: string; manifest: EnvironmentManifest },
    labels: Labels,
    sandbox: Sandbox,
    onDiagnostic: (line: string) => void,
  ): Promise<EnvironmentSession> {
    const id = await client.createContainer({ image: image.ref, labels, stdinOnce: true, cmd: [...RUNNER_COMMAND], sandbox });
    try {
      const channel = new RunnerChannel(await client.attachAndStart(id), `the cell runner of ${image.ref}`, onDiagnostic);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`the cell runner did not start within ${READY_TIMEOUT_MS / 1000} s`)), READY_TIMEOUT_MS);
      });
      await Promise.race([channel.ready, timeout]).finally(() => clearTimeout(timer));
      return new EnvironmentSession(client, id, image.manifest, channel);
    } catch (error) {
      await client.removeContainer(id).catch(() => {});
      throw error;
    }
  }

  run(request: RunnerRequest): Promise<RunnerResult | RunnerError> {
    return this.channel.run(request);
  }

  /** Stops the runner (its loaders die with it) and removes the container; every caller waits for that. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.channel.close();
      await this.client.removeContainer(this.containerId).catch(() => {});
    })();
    return this.closing;
  }

  private closing?: Promise<void>;
}
