import { describe, expect, it } from 'vitest';
import { BuildProgress, lockedPackages } from './build-progress.ts';

describe('build progress', () => {
  it('follows BuildKit steps and counts the crates cargo compiles against the lock file', () => {
    const progress = new BuildProgress('dlmatrix/env:trixie', 3);
    expect(progress.line('#1 [internal] load build definition from environment.Dockerfile')).toBeUndefined();
    expect(progress.line('#14 [project 6/6] RUN --mount=type=cache,id=x    sh build-project.sh')).toBe('building dlmatrix/env:trixie [project 6/6] RUN --mount=type=cache,id=x sh build-project.sh');
    expect(progress.line('#14 1.234    Compiling libc v0.2.191')).toMatch(/- cargo: compiling libc \(1\/3\)$/);
    progress.line('#14 2.0    Compiling pyo3-ffi v0.27.2');
    expect(progress.line('#14 3.0    Compiling pyo3 v0.27.2')).toMatch(/compiling pyo3 \(3\/3\)$/);
    expect(progress.line('#14 3.1    Compiling dlmatrix_probe v0.1.0 (/opt/x)')).toMatch(/compiling dlmatrix_probe \(4\/4\)$/);
    expect(progress.line('#14 4.0 == dlmatrix: building the promote library: cargo build --release --features promote')).toMatch(/- building the promote library/);
    expect(progress.line('#14 4.1 warning: unused variable')).toBeUndefined();
  });

  it("shows where a CPython build is: configure, make's C files compiled so far, install", () => {
    const progress = new BuildProgress('dlmatrix/cpython:trixie-3.13.5-shared', 0);
    progress.line('#9 [cpython 2/2] RUN sh /x/scripts/build-cpython.sh "3.13.5" "shared"');
    // The step's command gives way to the detail: a terminal line is short.
    expect(progress.line('#9 12.3 == dlmatrix: CPython 3.13.5 (shared): configure')).toBe('building dlmatrix/cpython:trixie-3.13.5-shared [cpython 2/2] - CPython 3.13.5 (shared): configure');
    expect(progress.line('#9 71.0 == dlmatrix: CPython 3.13.5 (shared): make: 150 C files compiled')).toMatch(/- CPython 3\.13\.5 \(shared\): make: 150 C files compiled$/);
  });

  it('counts the packages of a Cargo.lock', () => {
    expect(lockedPackages('version = 4\n\n[[package]]\nname = "a"\n\n[[package]]\nname = "b"\n')).toBe(2);
    expect(lockedPackages(undefined)).toBe(0);
  });
});
