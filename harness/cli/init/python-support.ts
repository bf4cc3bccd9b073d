// Which distros' Python a PyO3 release can build against: PyO3's supported CPython range per
// release, and the python3 each Debian suite ships. One place for both tables.

export interface PythonRange {
  min: string;
  max: string;
}

/**
 * CPython versions each PyO3 release supports, from PyO3's CHANGELOG.md ("Support Python 3.10" in
 * 0.15.0, "3.11" in 0.17.3, "3.12" in 0.20.0, "3.13" in 0.22.0, "3.14" in 0.25.0; "Drop support for
 * Python 3.6" in 0.16.0) and pyo3-ffi's build.rs (SUPPORTED_VERSIONS_CPYTHON, which refuses a newer
 * interpreter at build time). Checked against the 0.27.2 sources. Newest release first.
 */
const PYO3_PYTHON: ReadonlyArray<readonly [pyo3: string, range: PythonRange]> = [
  ['0.25', { min: '3.7', max: '3.14' }],
  ['0.22', { min: '3.7', max: '3.13' }],
  ['0.20', { min: '3.7', max: '3.12' }],
  ['0.17', { min: '3.7', max: '3.11' }],
  ['0.16', { min: '3.7', max: '3.10' }],
  ['0.15', { min: '3.6', max: '3.10' }],
];

/** The python3 of each Debian suite dlmatrix knows (Debian's default Python 3 per release). */
export const DEBIAN_PYTHON: Readonly<Record<string, string>> = {
  bullseye: '3.9',
  bookworm: '3.11',
  trixie: '3.13',
  forky: '3.13',
};

/** The range for a PyO3 version like "0.22.6" or "0.22"; undefined before 0.15 (not tracked). */
export function pyo3PythonRange(pyo3: string): PythonRange | undefined {
  return PYO3_PYTHON.find(([release]) => compareMinor(pyo3, release) >= 0)?.[1];
}

export interface DistroChoice {
  distro: string;
  python: string;
  supported: boolean;
}

/** Every known suite, marked by whether the PyO3 range covers its python3. */
export function distrosFor(range: PythonRange): DistroChoice[] {
  return Object.entries(DEBIAN_PYTHON).map(([distro, python]) => ({
    distro,
    python,
    supported: compareMinor(python, range.min) >= 0 && compareMinor(python, range.max) <= 0,
  }));
}

/** Compares "major.minor[.patch]" by major and minor only. */
export function compareMinor(a: string, b: string): number {
  const [am, an] = a.split('.').map(Number);
  const [bm, bn] = b.split('.').map(Number);
  return Math.sign(am - bm || (an ?? 0) - (bn ?? 0));
}
