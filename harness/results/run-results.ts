// The results format: what `dlmatrix run` writes to results.json and what every reporter,
// `merge` and `diff` read. Bump RESULTS_SCHEMA_VERSION on any incompatible change.
// The same schema is documented for users in results.schema.json at the repo root.

export const RESULTS_SCHEMA_VERSION = 1;

/** What happened when a loader opened the library under test and imported the modules. */
export const OUTCOMES = [
  'loaded', // every import succeeded
  'undefined-symbol', // root cause is an unresolved symbol (see `symbol`)
  'import-error', // an import failed for another reason
  'dlopen-error', // the loader could not open the library at all
  'missing-library', // a shared library it needs (e.g. libpython) is not on the loader's search path (see `missing`)
  'no-entry', // the library opened but has no entry point of the name the matrix gives
  'no-import', // the program ended well but never imported the watched modules
  'crash', // the loader died from a signal, or failed (exit code, entry's return) (see `signal`, `reason`)
  'timeout', // the loader did not finish within the cell timeout and was killed
  'build-error', // the environment's image could not be built (see `reason`)
  'engine-error', // the container or the engine failed while the cell ran: no result (see `reason`)
  'harness-error', // dlmatrix itself failed for this cell (a bug; `reason` holds its traceback): no result
  'skipped', // the cell cannot exist (see `reason`): not a failure
] as const;
export type Outcome = (typeof OUTCOMES)[number];

/**
 * pass: the outcome met the expectation. fail: it did not (or the cell should have run and did
 * not). skip: the cell cannot exist and nobody expected it. flaky: failed at first, passed on a
 * retry (never counted as a plain pass). How each counts: results/verdicts.ts (cellStatus).
 */
export type Verdict = 'pass' | 'fail' | 'skip' | 'flaky';

/** The five axes every cell has; matrices may add more (they label cells). */
export interface CellAxes {
  distro: string;
  python: string;
  numpy: string;
  loader: string;
  flags: string;
  [extra: string]: string;
}

export interface CellResult {
  /** Stable identity of the cell, built from its axes (see plan/cell-id.ts). */
  id: string;
  axes: CellAxes;
  /** Key of the environment (distro/python/numpy) the cell ran in. */
  environment: string;
  /** Versions actually found in the environment, e.g. {python: "3.11.2", numpy: "1.24.2"}. */
  resolved: { python?: string; numpy?: string };
  outcome: Outcome;
  /** For `undefined-symbol`: the symbol at the root of the error chain. */
  symbol?: string;
  /** For `missing-library`: the shared library the dynamic loader searched for and did not find. */
  missing?: string;
  /** The signal that ended the process, e.g. "SIGSEGV": for `crash`, and after any other outcome ("then crashed"). */
  signal?: string;
  /** Each watched module the run tried to import: ok with its version, or its root error. */
  modules?: ModuleResult[];
  /** Why: the root-cause message, the skip reason, the build-log tail. */
  reason?: string;
  /** The outcomes the matrix's `expect` rules allowed for this cell. */
  expected: Outcome[];
  verdict: Verdict;
  durationMs: number;
  /** How many times the cell ran (more than 1 only with retries). */
  attempts: number;
  /** With retries: what the earlier, failed attempts gave, oldest first (for flaky cells). */
  previousAttempts?: AttemptSummary[];
  /** The command executed in the container, if any. */
  command?: string[];
  exitCode?: number | null;
  /** Everything the loader printed (untrusted text). */
  output: { stdout: string; stderr: string };
}

export interface ModuleResult {
  name: string;
  ok: boolean;
  version?: string;
  /** The root error of a failed import, e.g. the dynamic loader's `undefined symbol: X`. */
  error?: string;
  symbol?: string;
  /** For a failed import: the traceback as Python printed it (reports show it). */
  traceback?: string;
}

export interface AttemptSummary {
  outcome: Outcome;
  symbol?: string;
  signal?: string;
  reason?: string;
  exitCode?: number | null;
}

export interface EnvironmentInfo {
  key: string;
  distro: string;
  python: string;
  /** The `python-build` axis value when it is not `distro`: shared, static, standalone. */
  pythonBuild?: string;
  numpy: string;
  resolved: { python?: string; numpy?: string; node?: string; rustc?: string; os?: string };
  image?: string;
  imageId?: string;
  /** Set when the environment cannot exist (its cells are skipped) or failed to build. */
  skipReason?: string;
  buildError?: string;
  /** What went wrong and where, alone: the decisive lines of buildError (rustc's error with its location). */
  buildCause?: string;
  /** The failed build's whole log on the host that ran it. */
  buildLog?: string;
  /** Set when the engine could not run the environment's container (not a build problem). */
  engineError?: string;
  buildMs?: number;
}

/** Cells counted by how they count (results/verdicts.ts, cellStatus); the counts add up to `total`. */
export interface ResultsSummary {
  total: number;
  /** Ran and met their expectation. */
  passed: number;
  /** Missed their expectation (ran, or their environment failed to build or start). */
  failed: number;
  flaky: number;
  /** Cannot exist (no such Python, no wheel) and not expected to: no verdict. */
  skipped: number;
  /** Did not run, as the matrix expected (an expected build error or skip). Older files lack it (reading recomputes the summary). */
  expectedNotRun: number;
  /** Should have run and did not (the run ended first, or a shard is missing): a failure. Older files lack it (reading recomputes the summary). */
  notRun: number;
  byOutcome: Partial<Record<Outcome, number>>;
}

export interface RunResults {
  schemaVersion: typeof RESULTS_SCHEMA_VERSION;
  tool: { name: 'dlmatrix'; version: string };
  /** Path of the matrix file as given on the command line. */
  matrixFile: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  host: { hostname: string; platform: string; docker?: string };
  /** True when the run was stopped (Ctrl-C, --fail-fast) before every cell ran. */
  interrupted: boolean;
  /** Shard of the run, "i/n", when it ran one shard. */
  shard?: string;
  /** The --only and --cell filters the run was given, if any: `merge` needs them to know which cells the shards planned. */
  selection?: { only: string[]; cells: string[] };
  environments: EnvironmentInfo[];
  cells: CellResult[];
  summary: ResultsSummary;
  /** What decides the outcomes, in plain words (results/findings.ts). Files from older runs lack it: readers recompute it. */
  findings: Findings;
}

/** What is known of a run when it starts (the journal's `begin` line holds it). */
export type RunHeader = Pick<RunResults, 'schemaVersion' | 'tool' | 'matrixFile' | 'startedAt' | 'host' | 'shard' | 'selection'>;

/** What the matrix shows, computed from the cells that ran: which axes decide the outcome and the missing symbol, what a mitigation changes. */
export interface Findings {
  /** Cells the statements are about: every cell that ran. */
  cellsRan: number;
  /** Cells left out because they did not run: skipped, or their environment did not build. */
  excluded: { skipped: number; buildError: number };
  statements: FindingStatement[];
}

export interface FindingStatement {
  subject: 'outcome' | 'symbol' | 'mitigation';
  /** The statement in plain words. It claims nothing for a cell listed in `exceptions`. */
  text: string;
  /** What decides it: axis names (`flags`) or resolved versions (`resolved.numpy`); empty when one value holds for every cell or nothing simple decides it. */
  decidedBy: string[];
  /** True when every cell it covers follows its rules. */
  exact: boolean;
  /** In the order the text gives them. */
  rules: FindingRule[];
  /** Cells that do not follow the rules, with the value they have instead. */
  exceptions: FindingException[];
}

export interface FindingRule {
  /** Alternatives, any of which may match; each maps attributes to allowed values (`*` globs only when exact). Empty: every cell no earlier rule covers. */
  when: Array<Record<string, string[]>>;
  /** The value of those cells: an outcome, a symbol, or (mitigation) the outcome with the mitigation. */
  then: string;
  /** Cells the rule covers, and how many of them follow it. */
  cells: number;
  holds: number;
}

export interface FindingException {
  id: string;
  value: string;
}
