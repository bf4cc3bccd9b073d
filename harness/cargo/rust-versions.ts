// Which cargo can build what: an edition needs the cargo release that stabilized it, a
// rust-version is the oldest rustc a package accepts, and Cargo.lock's format version 4 is read
// from cargo 1.78 on. Editions and lock formats are fixed facts; nothing here ages.

/** The first cargo release that reads each edition (stabilized in). */
const EDITION_CARGO: Record<string, string> = { '2015': '1.0.0', '2018': '1.31.0', '2021': '1.56.0', '2024': '1.85.0' };
/** The first cargo release that reads each Cargo.lock format version. */
const LOCK_CARGO: Record<number, string> = { 1: '1.0.0', 2: '1.41.0', 3: '1.53.0', 4: '1.78.0' };

export function cargoForEdition(edition: string): string | undefined {
  return EDITION_CARGO[edition];
}

export function cargoForLockVersion(version: number): string | undefined {
  return LOCK_CARGO[version];
}

/** `cargo 1.85.0 (d73d2caf9 2024-12-31)` or `rustc 1.78.0` -> `1.85.0`. */
export function toolVersion(text: string): string | undefined {
  return /\b(\d+\.\d+(?:\.\d+)?)/.exec(text)?.[1];
}

/** Compares dotted versions numerically (missing parts are 0; pre-release tags are ignored). */
export function compareVersions(a: string, b: string): number {
  const x = a.split(/[.-]/).map((p) => Number.parseInt(p, 10) || 0);
  const y = b.split(/[.-]/).map((p) => Number.parseInt(p, 10) || 0);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}
