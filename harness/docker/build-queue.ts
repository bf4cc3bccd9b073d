// Image builds and bootstraps run a few at a time (they compete for CPU and network), and a
// later stage goes first: an environment image whose toolchain is ready is built before the
// next CPython, so the first cells start as soon as one environment can exist, instead of
// after every CPython of the matrix (p-limit alone would serve them in the order they asked).
import type { Limiter } from './base-image.ts';

/** Higher first. Every stage depends on its base, so bootstraps come before everything. */
export const STAGE_PRIORITY = { base: 4, environment: 3, toolchain: 2, cpython: 1 } as const;
export type Stage = keyof typeof STAGE_PRIORITY;

export class BuildQueue {
  private running = 0;
  private readonly waiting: Array<{ priority: number; order: number; start: () => void }> = [];
  private order = 0;

  constructor(private readonly slots: number) {}

  /** Runs `task` when a slot is free, before every waiting task of a lower priority. */
  run<T>(stage: Stage, task: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = () => {
        this.running++;
        task()
          .then(resolve, reject)
          .finally(() => {
            this.running--;
            this.next();
          });
      };
      this.waiting.push({ priority: STAGE_PRIORITY[stage], order: this.order++, start });
      this.next();
    });
  }

  /** A Limiter for one stage (what BaseImageResolver takes). */
  limiter(stage: Stage): Limiter {
    return (task) => this.run(stage, task);
  }

  private next(): void {
    while (this.running < this.slots && this.waiting.length > 0) {
      let best = 0;
      for (let i = 1; i < this.waiting.length; i++) {
        const a = this.waiting[i]!;
        const b = this.waiting[best]!;
        if (a.priority > b.priority || (a.priority === b.priority && a.order < b.order)) best = i;
      }
      this.waiting.splice(best, 1)[0]!.start();
    }
  }
}
