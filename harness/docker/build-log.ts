// Turns BuildKit's progress (build-status.ts) into the plain log `docker build --progress=plain`
// prints: "#3 [project 4/4] RUN ...", then that step's output lines, "#3 CACHED" or "#3 DONE",
// "#3 ERROR: ...". It also remembers the output of the step that failed, which is what a user
// needs to see in a build error (rustc's message, PyO3's "the Python version is not supported").
import { decodeBuildStatus } from './buildkit-status.ts';

const FAILED_STEP_LINES = 40;

export class BuildLog {
  private readonly numbers = new Map<string, number>();
  private readonly names = new Map<string, string>();
  private readonly announced = new Set<string>();
  private readonly finished = new Set<string>();
  private readonly output = new Map<string, string[]>();
  private readonly partial = new Map<string, string>();
  private failedDigest?: string;

  constructor(private readonly onLine: (line: string) => void) {}

  /** Feeds one event of the engine's build stream. */
  event(event: Record<string, unknown>): void {
    if (event.id === 'moby.buildkit.trace' && typeof event.aux === 'string') this.status(event.aux);
    else if (typeof event.stream === 'string') for (const line of event.stream.split('\n')) if (line.trim()) this.onLine(line.trimEnd());
  }

  /** The last lines of the failed step's output (or of the whole log), for error messages. */
  failedOutput(): string {
    const lines = (this.failedDigest && this.output.get(this.failedDigest)) || [...this.output.values()].flat();
    return lines.slice(-FAILED_STEP_LINES).join('\n');
  }

  /** The name of the step that failed, e.g. `[project 4/4] RUN sh build-project.sh`. */
  failedStep(): string | undefined {
    return this.failedDigest ? this.names.get(this.failedDigest) : undefined;
  }

  private status(aux: string): void {
    const status = decodeBuildStatus(aux);
    for (const step of status.steps) {
      const number = this.number(step.digest);
      if (step.name) this.names.set(step.digest, step.name);
      if (!this.announced.has(step.digest) && (step.started || step.cached) && step.name) {
        this.announced.add(step.digest);
        this.onLine(`#${number} ${step.name}`);
      }
      if (step.error && !this.finished.has(step.digest)) {
        this.finished.add(step.digest);
        this.flush(step.digest);
        this.failedDigest ??= step.digest;
        this.onLine(`#${number} ERROR: ${step.error}`);
      } else if ((step.completed || step.cached) && !this.finished.has(step.digest)) {
        this.finished.add(step.digest);
        this.flush(step.digest);
        this.onLine(`#${number} ${step.cached ? 'CACHED' : 'DONE'}`);
      }
    }
    for (const log of status.logs) {
      const text = (this.partial.get(log.digest) ?? '') + log.text;
      const lines = text.split(/\r?\n/);
      this.partial.set(log.digest, lines.pop() ?? '');
      for (const line of lines) this.line(log.digest, line);
    }
  }

  private line(digest: string, line: string): void {
    const kept = this.output.get(digest) ?? [];
    kept.push(line);
    if (kept.length > FAILED_STEP_LINES * 4) kept.splice(0, kept.length - FAILED_STEP_LINES);
    this.output.set(digest, kept);
    this.onLine(`#${this.number(digest)} ${line}`);
  }

  private flush(digest: string): void {
    const rest = this.partial.get(digest);
    if (rest) this.line(digest, rest);
    this.partial.delete(digest);
  }

  private number(digest: string): number {
    let number = this.numbers.get(digest);
    if (number === undefined) {
      number = this.numbers.size + 1;
      this.numbers.set(digest, number);
    }
    return number;
  }
}
