// One environment's container, from creation to removal. Its main process is the cell runner
// (docker/runtime/runner.py) attached on stdin/stdout: cells are requests to it, not `docker
// exec`s. Because the engine closes that stdin when the harness goes away, by any means (kill -9
// included), the runner exits and the container, created with AutoRemove, disappears with it.
import type { Containers, Labels } from '../docker/container-client.ts';
import { FACTS_DIR, parseFacts, type EnvironmentFacts } from './environment-facts.ts';
import { RunnerChannel } from './runner-channel.ts';
import type { RunnerError, RunnerRequest, RunnerResult } from './runner-protocol.ts';

const READY_TIMEOUT_MS = 60_000;

export class EnvironmentSession {
  private constructor(
    private readonly client: Containers,
    readonly containerId: string,
    readonly facts: EnvironmentFacts,
    private readonly channel: RunnerChannel | undefined,
  ) {}

  /**
   * Creates the container and reads the image's facts before starting anything: an environment
   * that cannot exist (facts/skip) never starts a process, and its container is removed at once.
   */
  static async open(client: Containers, image: string, labels: Labels, onDiagnostic?: (line: string) => void): Promise<EnvironmentSession> {
    const id = await client.createContainer({ image, labels, stdinOnce: true });
    try {
      const facts = parseFacts(await client.readFiles(id, FACTS_DIR));
      if (facts.skip) {
        await client.removeContainer(id);
        return new EnvironmentSession(client, id, facts, undefined);
      }
      const channel = new RunnerChannel(await client.attachAndStart(id), onDiagnostic);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`the cell runner did not start within ${READY_TIMEOUT_MS / 1000} s`)), READY_TIMEOUT_MS);
      });
      await Promise.race([channel.ready, timeout]).finally(() => clearTimeout(timer));
      return new EnvironmentSession(client, id, facts, channel);
    } catch (error) {
      await client.removeContainer(id).catch(() => {});
      throw error;
    }
  }

  /** False for an environment that cannot exist: its cells are skipped. */
  get running(): boolean {
    return this.channel !== undefined;
  }

  run(request: RunnerRequest): Promise<RunnerResult | RunnerError> {
    if (!this.channel) throw new Error(`environment skipped: ${this.facts.skip}`);
    return this.channel.run(request);
  }

  /** Stops the runner (its loaders die with it) and removes the container; every caller waits for that. */
  close(): Promise<void> {
    if (!this.channel) return Promise.resolve();
    this.closing ??= (async () => {
      this.channel!.close();
      await this.client.removeContainer(this.containerId).catch(() => {});
    })();
    return this.closing;
  }

  private closing?: Promise<void>;
}
