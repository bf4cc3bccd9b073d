// The matrix file after loading and validation: the contract between matrix.yaml and the rest.
import type { Outcome } from '../results/types.ts';

/** Where something is in the matrix file (1-based line and column). */
export interface SourcePos {
  file: string;
  line: number;
  col: number;
}

/** The five axes every cell must have, in display order. */
export const KNOWN_AXES = ['distro', 'python', 'numpy', 'loader', 'flags'] as const;
export type KnownAxis = (typeof KNOWN_AXES)[number];

/** One combination of axis values (all values are strings: YAML numbers are stringified). */
export type Combination = Record<string, string>;

export interface MatrixEntry {
  values: Combination;
  at: SourcePos;
}

/** `expect` rule: the first one whose `when` matches a cell gives its expected outcomes. */
export interface ExpectRule {
  /** axis -> alternatives (globs: `*` any run of characters, `?` one character). */
  when: Record<string, string[]>;
  outcomes: Outcome[];
  at: SourcePos;
}

export interface MatrixOptions {
  /** Per-cell timeout in seconds. */
  timeoutSeconds: number;
  /** Refuse matrices that expand to more cells than this. */
  maxCells: number;
  /** Copy the host's CA bundle into images: true, false, or 'auto' (when SSL_CERT_FILE is set). */
  hostCaCertificates: boolean | 'auto';
}

export interface MatrixConfig {
  /** Absolute path of the matrix file. */
  file: string;
  /** Absolute path of the fixture crate (`fixture:` resolved against the file's folder). */
  fixtureDir: string;
  /** Modules the fixture imports when called. */
  imports: string[];
  /** Axis name -> values, in file order (unknown axes allowed: they label cells). */
  axes: Record<string, string[]>;
  exclude: MatrixEntry[];
  include: MatrixEntry[];
  expect: ExpectRule[];
  options: MatrixOptions;
}

export type Severity = 'error' | 'warning';

/** A problem found in the matrix file, with its position and what would be valid. */
export interface MatrixDiagnostic {
  severity: Severity;
  at: SourcePos;
  message: string;
  /** What to do instead, e.g. the valid values. */
  hint?: string;
}
