// What an image build is doing, in a few words for a live status line: the BuildKit step it is in
// and, while cargo builds, how many crates it has compiled of how many the project's Cargo.lock
// names (cargo prints its own progress bar only on a terminal, and a build has none). A first
// build takes minutes; this says they are not spent idle.

/** BuildKit's step header: `#12 [project 6/6] RUN sh build-project.sh ...`. */
const STEP = /^#\d+ (\[[^\]]+\]) (.*)$/;
/** cargo's line for each crate it compiles. */
const COMPILING = /^(?:#\d+ (?:\d+\.\d+ )?)?\s*Compiling (\S+) v?(\S+)/;
/** CPython's build, when build-cpython.sh says where it is. */
const SAID = /^(?:#\d+ (?:\d+\.\d+ )?)?== dlmatrix: (.*)$/;

export class BuildProgress {
  /** `[project 6/6]` */
  private stepLabel = '';
  /** `RUN sh build-project.sh ...`, shown while nothing more telling is known. */
  private stepText = '';
  private compiled = 0;
  private detail = '';

  constructor(
    /** The image being built, as the status names it. */
    private readonly image: string,
    /** Packages in the project's Cargo.lock: about the crates cargo will compile (0: unknown). */
    private readonly crates: number,
  ) {}

  /** Reads one line of the build's log; returns the new status when it changed what to show. */
  line(text: string): string | undefined {
    const step = STEP.exec(text);
    if (step && !/^\[internal\]/.test(step[1]!)) {
      this.stepLabel = step[1]!;
      this.stepText = step[2]!.replace(/\s+/g, ' ').slice(0, 60);
      this.detail = '';
      return this.status();
    }
    const compiling = COMPILING.exec(text);
    if (compiling) {
      this.compiled++;
      this.detail = `cargo: compiling ${compiling[1]} (${this.compiled}${this.crates ? `/${Math.max(this.crates, this.compiled)}` : ''})`;
      return this.status();
    }
    const said = SAID.exec(text);
    if (said) {
      this.detail = said[1]!.slice(0, 70);
      return this.status();
    }
    return undefined;
  }

  /** The step's command gives way to the detail (a terminal line is short): `building IMAGE [build 5/5] - CPython …: make: 150 C files compiled`. */
  status(): string {
    const step = this.detail ? this.stepLabel : `${this.stepLabel} ${this.stepText}`.trim();
    return `building ${this.image}${step ? ` ${step}` : ''}${this.detail ? ` - ${this.detail}` : ''}`;
  }
}

/** The number of packages a Cargo.lock lists (`[[package]]` entries). */
export function lockedPackages(lockText: string | undefined): number {
  return lockText ? (lockText.match(/^\[\[package\]\]$/gm) ?? []).length : 0;
}
