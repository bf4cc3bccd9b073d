// Talks to the cell runner of one container: writes requests, matches replies by id. The
// container's streams end when its runner exits or the engine goes away: every request still
// waiting then fails with ChannelClosedError, never hangs.
import type { AttachedStreams } from '../docker/container-client.ts';
import { ContractError } from '../image/contract-error.ts';
import { parseRunnerReply, type RunnerError, type RunnerReply, type RunnerRequest, type RunnerResult } from '../image/runner-protocol.ts';

export class ChannelClosedError extends Error {}

interface Waiting {
  resolve: (reply: RunnerResult | RunnerError) => void;
  reject: (error: Error) => void;
}

export class RunnerChannel {
  private readonly waiting = new Map<string, Waiting>();
  private buffer = '';
  private closedBy?: Error;
  private markReady!: () => void;
  private failReady!: (error: Error) => void;
  /** Settles once the runner said it is ready (or its streams ended first). */
  readonly ready = new Promise<void>((resolve, reject) => ([this.markReady, this.failReady] = [resolve, reject]));

  constructor(
    private readonly streams: AttachedStreams,
    /** Names the runner in errors about what it sent, e.g. `the cell runner of dlmatrix/env:...`. */
    private readonly source: string,
    /** What the runner itself prints on stderr (its own failures): kept for diagnostics. */
    private readonly onDiagnostic: (line: string) => void = () => {},
  ) {
    this.ready.catch(() => {});
    streams.stdout.setEncoding('utf8');
    streams.stdout.on('data', (chunk: string) => this.receive(chunk));
    streams.stderr.setEncoding('utf8');
    streams.stderr.on('data', (chunk: string) => chunk.split('\n').filter(Boolean).forEach((l) => this.onDiagnostic(l)));
    streams.stdin.on('error', () => {}); // a write after the engine closed the stream: ended handles it
    void streams.ended.then(() => this.fail(new ChannelClosedError('the container\'s runner stopped')));
  }

  /** Runs one request; rejects with ChannelClosedError if the container goes away first. */
  run(request: RunnerRequest): Promise<RunnerResult | RunnerError> {
    if (this.closedBy) return Promise.reject(this.closedBy);
    return new Promise((resolve, reject) => {
      this.waiting.set(request.id, { resolve, reject });
      this.streams.stdin.write(`${JSON.stringify(request)}\n`);
    });
  }

  /** Closes the runner's stdin: it stops what it started and exits. */
  close(): void {
    this.fail(new ChannelClosedError('the session was closed'));
    this.streams.stdin.end();
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    let newline: number;
    while ((newline = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, newline);
      this.buffer = this.buffer.slice(newline + 1);
      if (line.trim()) this.handle(line);
    }
  }

  private handle(line: string): void {
    let reply: RunnerReply;
    try {
      reply = parseRunnerReply(line, this.source);
    } catch (error) {
      // A reply of the wrong shape is a harness bug or a stale image: the request it answers (when
      // its id can be read) fails with the field that is wrong, never hangs or passes.
      this.onDiagnostic((error as Error).message);
      const id = replyId(line);
      const waiting = id === undefined ? undefined : this.waiting.get(id);
      if (waiting && id !== undefined) {
        this.waiting.delete(id);
        waiting.reject(error as ContractError);
      }
      return;
    }
    if (reply.type === 'ready') return this.markReady();
    const waiting = reply.id === null ? undefined : this.waiting.get(reply.id);
    if (!waiting) {
      if (reply.type === 'error') this.onDiagnostic(`runner error: ${reply.message}`);
      return;
    }
    this.waiting.delete(reply.id!);
    waiting.resolve(reply);
  }

  private fail(error: Error): void {
    this.closedBy ??= error;
    this.failReady(error);
    for (const waiting of this.waiting.values()) waiting.reject(error);
    this.waiting.clear();
  }
}

function replyId(line: string): string | undefined {
  try {
    const id = (JSON.parse(line) as { id?: unknown }).id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}
