// The one stop signal of a run. Ctrl-C (the caller's signal), --fail-fast, the engine going away
// and a matrix mistake found after a build (a wrong entry) all end up here, and everything that can be stopped (image builds, debootstrap, the
// scheduler, the environment sessions) watches this one signal.
import type { MatrixDiagnostic } from '../matrix/types.ts';

export type StopKind = 'interrupted' | 'fail-fast' | 'engine-lost' | 'matrix-error';

export interface StopReason {
  kind: StopKind;
  /** Why cells that did not run were not run, as shown to the user. */
  message: string;
  /** For matrix-error: what is wrong in the matrix file, where (found only once something was built). */
  diagnostics?: MatrixDiagnostic[];
}

export class RunStop {
  private readonly internal = new AbortController();
  readonly signal: AbortSignal;

  constructor(external?: AbortSignal) {
    this.signal = external ? AbortSignal.any([external, this.internal.signal]) : this.internal.signal;
  }

  /** The first stop wins; later ones are ignored. */
  stop(reason: StopReason): void {
    if (!this.signal.aborted) this.internal.abort(reason);
  }

  get stopped(): boolean {
    return this.signal.aborted;
  }

  get reason(): StopReason | undefined {
    if (!this.signal.aborted) return undefined;
    const reason = this.signal.reason as Partial<StopReason> | undefined;
    if (reason && typeof reason.kind === 'string' && typeof reason.message === 'string') return reason as StopReason;
    return { kind: 'interrupted', message: 'not run: the run was interrupted' };
  }
}
