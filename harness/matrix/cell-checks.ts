// Checks that need the expanded matrix: it must have cells, not too many, every cell must have
// the five known axes, and every expect rule should decide at least one cell. Kept apart from
// the YAML reading so that they work on plain values and say which entry is at fault.
import { BUILTIN_LOADERS } from './axis-values.ts';
import { expandMatrix, productSize } from './expand.ts';
import { parseFlags } from './flags.ts';
import { collapseOwnFlags, ownFlagLoaders } from './own-flags.ts';
import { matchesAnyGlob, matchesWhen } from './glob.ts';
import { closest } from './suggest.ts';
import {
  KNOWN_AXES,
  type Combination,
  type CustomLoader,
  type ExpectRule,
  type MatrixDiagnostic,
  type MatrixEntry,
  type SourcePos,
} from './types.ts';

/** Beyond this many product combinations we refuse to expand at all (memory), whatever the cap. */
export const EXPANSION_SAFETY_LIMIT = 1_000_000;

/** Examples for "add the missing axis" hints. */
export const AXIS_EXAMPLES: Readonly<Record<string, string>> = {
  distro: 'distro: [bookworm]',
  python: 'python: [system]',
  numpy: 'numpy: [system]',
  loader: `loader: [${BUILTIN_LOADERS.join(', ')}]`,
  flags: 'flags: ["RTLD_LOCAL|RTLD_NOW"]',
};

export interface CellCheckInput {
  axes: Readonly<Record<string, readonly string[]>>;
  exclude: readonly MatrixEntry[];
  include: readonly MatrixEntry[];
  /** The user's host programs (`loaders:`). */
  loaders?: Readonly<Record<string, CustomLoader>>;
  expect: readonly ExpectRule[];
  maxCells: number;
  /** Where problems of the matrix as a whole point: the `matrix:` key. */
  matrixAt: SourcePos;
}

/** Errors and warnings about the expansion (expandMatrix's own warnings included). */
export function checkCells(input: CellCheckInput): MatrixDiagnostic[] {
  const out: MatrixDiagnostic[] = [];
  const error = (at: SourcePos, message: string, hint: string) => out.push({ severity: 'error', at, message, hint });

  const size = productSize(input.axes);
  if (size > EXPANSION_SAFETY_LIMIT && size > input.maxCells) {
    error(
      input.matrixAt,
      `the matrix has ${size} combinations before exclude, more than max-cells (${input.maxCells})`,
      'remove axis values, or split the matrix into several files',
    );
    return out;
  }

  const expansion = expandMatrix(input.axes, input.exclude, input.include);
  out.push(...expansion.warnings);
  const loaders = input.loaders ?? {};
  const collapsed = collapseOwnFlags(expansion.combinations, ownFlagLoaders(loaders));
  const cells = collapsed.cells;
  const origins = collapsed.kept.map((i) => expansion.origins[i] ?? null);

  if (cells.length === 0) {
    const hint =
      size > 0
        ? 'every combination is excluded: remove or narrow an `exclude` entry, or add `include` entries'
        : 'add axes with values (e.g. `distro: [bookworm]`) or `include` entries';
    error(input.matrixAt, 'the matrix expands to zero cells', hint);
    return out;
  }

  out.push(...missingAxes(cells, origins, input));
  out.push(...loaderFlagErrors(cells, loaders, input.matrixAt));
  out.push(...unusedLoaders(cells, loaders));

  if (cells.length > input.maxCells) {
    error(
      input.matrixAt,
      `the matrix expands to ${cells.length} cells, more than max-cells (${input.maxCells})`,
      `raise the cap with \`options: {max-cells: ${cells.length}}\`, or add \`exclude\` entries to drop cells`,
    );
  }

  out.push(...ruleWarnings(input.expect, cells));
  return out;
}

/**
 * Every cell needs the five known axes. Reported once per origin: the `matrix:` key for cells
 * of the product, or the include entry that created the cell.
 */
function missingAxes(
  cells: readonly Combination[],
  origins: readonly (MatrixEntry | null)[],
  input: CellCheckInput,
): MatrixDiagnostic[] {
  const missingByOrigin = new Map<MatrixEntry | null, Set<string>>();
  cells.forEach((cell, i) => {
    const missing = KNOWN_AXES.filter((axis) => cell[axis] === undefined);
    if (missing.length === 0) return;
    const origin = origins[i] ?? null;
    const set = missingByOrigin.get(origin) ?? new Set<string>();
    for (const axis of missing) set.add(axis);
    missingByOrigin.set(origin, set);
  });

  const extraAxes = Object.keys(input.axes).filter((a) => !(KNOWN_AXES as readonly string[]).includes(a));
  const out: MatrixDiagnostic[] = [];
  for (const [origin, set] of missingByOrigin) {
    const missing = [...set];
    const names = missing.map((a) => `\`${a}\``).join(', ');
    if (origin === null) {
      // An extra axis named like a missing one is almost surely a typo (`pyhton`).
      const typos = missing.flatMap((a) => {
        const typo = closest(a, extraAxes);
        return typo === undefined ? [] : [`\`${typo}\` looks like a misspelling of \`${a}\`; `];
      });
      const examples = missing.map((a) => `\`${AXIS_EXAMPLES[a]}\``).join(', ');
      out.push({
        severity: 'error',
        at: input.matrixAt,
        message: `cells of the matrix have no ${names} (every cell needs ${KNOWN_AXES.join(', ')})`,
        hint: `${typos.join('')}add ${examples} under \`matrix:\``,
      });
    } else {
      out.push({
        severity: 'error',
        at: origin.at,
        message: `this include entry creates a cell without ${names}`,
        hint:
          `it fits no combination of the matrix, so it becomes a cell of its own and must give all of ` +
          `${KNOWN_AXES.join(', ')}; if it was meant to extend cells, check its values against the matrix axes`,
      });
    }
  }
  return out;
}

/** Each loader takes the flags it can apply: dlopen flags or linked for built-ins, `own` for a program without {flags}. */
function loaderFlagErrors(
  cells: readonly Combination[],
  loaders: Readonly<Record<string, CustomLoader>>,
  at: SourcePos,
): MatrixDiagnostic[] {
  const reported = new Set<string>();
  const out: MatrixDiagnostic[] = [];
  for (const cell of cells) {
    if (cell.loader === undefined || cell.flags === undefined) continue;
    const custom = loaders[cell.loader];
    const own = parseFlags(cell.flags).kind === 'own';
    const wrong = custom ? own && custom.usesFlags : own;
    const key = `${cell.loader}/${cell.flags}`;
    if (!wrong || reported.has(key)) continue;
    reported.add(key);
    out.push({
      severity: 'error',
      at: custom ? custom.at : at,
      message: `loader \`${cell.loader}\` gets flags \`own\`, but it ${custom ? 'takes {flags} in its `run`' : 'is a built-in loader that needs dlopen flags or `linked`'}`,
      hint: '`own` is for host programs whose `run` has no {flags}: give this loader RTLD_* flags or `linked`',
    });
  }
  return out;
}

/** A host program defined under `loaders:` that no cell uses is almost always a forgotten axis value. */
function unusedLoaders(cells: readonly Combination[], loaders: Readonly<Record<string, CustomLoader>>): MatrixDiagnostic[] {
  const used = new Set(cells.map((cell) => cell.loader));
  return Object.values(loaders)
    .filter((loader) => !used.has(loader.name))
    .map((loader) => ({
      severity: 'warning' as const,
      at: loader.at,
      message: `loader \`${loader.name}\` is defined but no cell uses it`,
      hint: `add \`${loader.name}\` to the \`loader\` axis under \`matrix:\`, or remove it`,
    }));
}

/** Rules that can never decide a cell are almost always a mistake in a `when` or in the order. */
function ruleWarnings(rules: readonly ExpectRule[], cells: readonly Combination[]): MatrixDiagnostic[] {
  const out: MatrixDiagnostic[] = [];
  const warn = (at: SourcePos, message: string, hint: string) => out.push({ severity: 'warning', at, message, hint });
  const claimed = new Set<number>();
  let catchAll: ExpectRule | undefined;
  for (const rule of rules) {
    if (catchAll) {
      warn(
        rule.at,
        `this expect rule is never used: the rule at line ${catchAll.at.line} has no \`when\` and matches every cell`,
        'move this rule above it; the first matching rule wins',
      );
      continue;
    }
    if (Object.keys(rule.when).length === 0) catchAll = rule;
    const matched = cells.flatMap((cell, i) => (matchesWhen(rule.when, cell) ? [i] : []));
    if (matched.length === 0) {
      warn(rule.at, 'this expect rule matches no cell', noMatchHint(rule, cells));
    } else if (matched.every((i) => claimed.has(i))) {
      warn(
        rule.at,
        'this expect rule is never used: every cell it matches is matched first by an earlier rule',
        'put more specific rules first; the first matching rule wins',
      );
    }
    for (const i of matched) claimed.add(i);
  }
  return out;
}

/** Names the condition that matches nothing and the values it could have matched. */
function noMatchHint(rule: ExpectRule, cells: readonly Combination[]): string {
  for (const [axis, globs] of Object.entries(rule.when)) {
    const values = [...new Set(cells.flatMap((cell) => (cell[axis] === undefined ? [] : [cell[axis]!])))];
    if (values.length === 0) return `no cell has a \`${axis}\` value`;
    if (!values.some((value) => matchesAnyGlob(value, globs))) {
      const wanted = globs.map((g) => JSON.stringify(g)).join(' or ');
      return `no cell has a \`${axis}\` matching ${wanted}; its values are ${values.map((v) => JSON.stringify(v)).join(', ')}`;
    }
  }
  return 'each condition matches some cell, but no cell matches all of them together';
}
