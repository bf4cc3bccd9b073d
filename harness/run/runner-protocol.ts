// The cell runner's protocol (docker/runtime/runner.py): one JSON object per line each way over
// the container's main process's stdin and stdout.
import type { TraceEvent } from '../verdict/trace.ts';

export interface RunnerRequest {
  /** Unique within the session; echoed in the reply. */
  id: string;
  argv: string[];
  /** Folder the program runs in. */
  cwd: string;
  /** Added to the container's environment. */
  env: Record<string, string>;
  /** Seconds before the runner sends SIGTERM (then SIGKILL `killGrace` seconds later, default 5). */
  timeout: number;
  killGrace?: number;
  /** Modules whose import the trace watches. */
  watch: string[];
  /** Bytes kept of each output stream (head and tail). */
  maxOutput?: number;
}

export interface RunnerResult {
  type: 'result';
  id: string;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  trace: TraceEvent[];
  durationMs: number;
}

/** The request could not even start (e.g. the program does not exist). */
export interface RunnerError {
  type: 'error';
  id: string | null;
  message: string;
}

export type RunnerReply = RunnerResult | RunnerError | { type: 'ready'; pid: number };
