// The one stop signal of a run. Ctrl-C (the caller's signal), --fail-fast and the engine going
// away all end up here, and everything that can be stopped (image builds, debootstrap, the
// scheduler, the environment sessions) watches this one signal.
export type StopKind = 'interrupted' | 'fail-fast' | 'engine-lost';

export interface StopReason {
  kind: StopKind;
  /** Why cells that did not run were not run, as shown to the user. */
  message: string;
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
