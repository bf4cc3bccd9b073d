// The cell runner's protocol (docker/runtime/runner.py): one JSON object per line each way over
// the container's main process's stdin and stdout. Replies are checked at the boundary
// (parseRunnerReply) against the contract schema.
import { CONTRACT_SCHEMA, definition } from './contract-schema.ts';
import { ContractError } from './contract-error.ts';
import { schemaProblem } from './schema-check.ts';

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
  /** The kernel killed it for memory (the container's cell-memory limit). */
  outOfMemory: boolean;
  stdout: string;
  stderr: string;
  /** Checked one by one with parseTraceEvents (a malformed event must not void the reply). */
  trace: unknown[];
  durationMs: number;
}

/** The request could not even start (e.g. the program does not exist), or the runner itself failed. */
export interface RunnerError {
  type: 'error';
  id: string | null;
  /** start: the program could not be started; runner: the runner failed (a dlmatrix bug; message holds its traceback). */
  kind: 'start' | 'runner';
  message: string;
}

export type RunnerReply = RunnerResult | RunnerError | { type: 'ready'; pid: number };

/** One line the runner wrote; throws ContractError naming the field that is wrong. */
export function parseRunnerReply(line: string, source: string): RunnerReply {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new ContractError(source, `not a JSON reply: ${line.slice(0, 200)}`);
  }
  const problem = schemaProblem(value, definition('runnerReply'), CONTRACT_SCHEMA);
  if (problem) throw new ContractError(source, problem);
  return value as RunnerReply;
}
