// The CPython versions a project's PyO3 builds against, read from the pyo3-ffi release its
// Cargo.lock pins: pyo3-ffi's build script refuses an interpreter outside
// SUPPORTED_VERSIONS_CPYTHON, so that constant (in cargo's registry copy of the crate) is the
// truth, for every release, without a table that ages.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareVersions } from '../../cargo/rust-versions.ts';

export interface PythonRange {
  min: string;
  max: string;
}

/**
 * `const SUPPORTED_VERSIONS_CPYTHON: SupportedVersions = SupportedVersions { min: ..., max: ... }`
 * where each bound is `PythonVersion { major: 3, minor: 7 }` or the name of such a constant
 * (`PY_3_9`, as newer releases write it).
 */
export function supportedCpython(buildScript: string): PythonRange | undefined {
  const text = buildScript.replace(/\/\/[^\n]*/g, '').replace(/\s+/g, ' ');
  const constants = new Map<string, string>();
  for (const m of text.matchAll(/const (\w+): PythonVersion = PythonVersion \{ major: (\d+), minor: (\d+),? \}/g)) constants.set(m[1]!, `${m[2]}.${m[3]}`);
  const block = /const SUPPORTED_VERSIONS_CPYTHON: SupportedVersions = SupportedVersions \{ min: (.*?), max: (.*?),? \};/.exec(text);
  if (!block) return undefined;
  const bound = (expr: string) => {
    const literal = /^PythonVersion \{ major: (\d+), minor: (\d+),? \}$/.exec(expr.trim());
    return literal ? `${literal[1]}.${literal[2]}` : constants.get(expr.trim());
  };
  const [min, max] = [bound(block[1]!), bound(block[2]!)];
  return min && max ? { min, max } : undefined;
}

/** The range from a pyo3-ffi source folder (registry-sources.ts finds it). */
export function supportedCpythonIn(pyo3FfiDir: string): PythonRange | undefined {
  try {
    return supportedCpython(readFileSync(join(pyo3FfiDir, 'build.rs'), 'utf8'));
  } catch {
    return undefined;
  }
}

/** `3.13.5` is in 3.9..3.13: compared by major.minor, as PyO3 compares interpreters. */
export function inRange(python: string, range: PythonRange): boolean {
  const minor = python.split('.').slice(0, 2).join('.');
  return compareVersions(minor, range.min) >= 0 && compareVersions(minor, range.max) <= 0;
}
