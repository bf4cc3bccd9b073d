// What the matrix shows, in plain words, computed from the cells that ran (skipped cells and cells
// whose environment did not build say nothing about the library):
//   - which axes decide the outcome ("flags alone decides the outcome: RTLD_LOCAL* -> ...");
//   - which decide the missing symbol, among undefined-symbol cells;
//   - what each value of a `mitigation` axis does to the cells that differ from `none` only in it.
// Every statement holds for every cell it covers; cells that break a rule are named as exceptions.
import { explanations, MAX_EXCEPTION_SHARE, MAX_EXPLAINING_ATTRIBUTES, type Attribute, type Explanation } from './explain.ts';
import { outcomeWithCause } from './outcome-with-cause.ts';
import type { CellResult, FindingException, FindingRule, Findings, FindingStatement } from './run-results.ts';
import { joinWords, summarizeValues } from './value-globs.ts';

/** The axis whose values are compared against `none`, cell by cell. */
export const MITIGATION_AXIS = 'mitigation';
export const NO_MITIGATION = 'none';
/** Exceptions named in a sentence; results.json lists them all. */
const EXCEPTIONS_SHOWN = 5;
/** A last group of this many values or more reads "every other" rather than a list. */
const EVERY_OTHER_FROM = 4;
/** An explanation needing more alternatives than this is a table, not a sentence. */
const MAX_CLAUSES = 8;

const UNKNOWN = '(unknown)';
const OUTCOME_NOUN = 'the outcome';
const SYMBOL_NOUN = 'the missing symbol';

export function computeFindings(cells: CellResult[]): Findings {
  const ran = cells.filter(didRun);
  const statements: FindingStatement[] = [];
  const attributes = cellAttributes(cells);
  const context = { all: cells, attributes };
  if (ran.length > 0) {
    statements.push(describe(ran, 'outcome', OUTCOME_NOUN, (cell) => cell.outcome, outcomeWithCause, context));
    const missing = ran.filter((cell) => cell.outcome === 'undefined-symbol');
    const symbol = (cell: CellResult) => cell.symbol ?? UNKNOWN;
    if (missing.length > 0) statements.push(describe(missing, 'symbol', SYMBOL_NOUN, symbol, symbol, context));
    statements.push(...mitigationStatements(ran));
  }
  return {
    cellsRan: ran.length,
    excluded: {
      skipped: cells.filter((cell) => cell.outcome === 'skipped').length,
      buildError: cells.filter((cell) => cell.outcome === 'build-error').length,
    },
    statements,
  };
}

/**
 * Which cells the statements cover, for a heading ("Findings over …"): "over the 104 cells that
 * ran (of 168; 64 skipped left out)", or "no cell ran (12 skipped)".
 */
export function findingsScope(findings: Findings): string {
  const { skipped, buildError } = findings.excluded;
  const left = [skipped ? `${skipped} skipped` : '', buildError ? `${buildError} with a build error` : ''].filter(Boolean);
  const total = findings.cellsRan + skipped + buildError;
  if (findings.cellsRan === 0) return `no cell ran${left.length ? ` (${joinWords(left)})` : ''}`;
  return `over the ${plural(findings.cellsRan, 'cell')} that ran${left.length ? ` (of ${total}; ${joinWords(left)} left out)` : ''}`;
}

const didRun = (cell: CellResult) => cell.outcome !== 'skipped' && cell.outcome !== 'build-error';

/** Every axis in first-appearance order, then the versions the environments resolved. */
function cellAttributes(cells: CellResult[]): Attribute[] {
  const axes = [...new Set(cells.flatMap((cell) => Object.keys(cell.axes)))];
  return [
    ...axes.map((axis): Attribute => ({ key: axis, label: axis, read: (cell) => cell.axes[axis] ?? UNKNOWN })),
    ...(['python', 'numpy'] as const).map((name): Attribute => ({
      key: `resolved.${name}`,
      label: `${name} version`,
      read: (cell) => cell.resolved[name] ?? UNKNOWN,
    })),
  ];
}

interface Context {
  /** Every cell, also those that did not run: a glob must not stand for a value of any of them. */
  all: CellResult[];
  attributes: Attribute[];
}

/** One statement about what decides `valueOf` over `cells`. */
function describe(
  cells: CellResult[],
  subject: FindingStatement['subject'],
  noun: string,
  valueOf: (cell: CellResult) => string,
  shown: (cell: CellResult) => string,
  context: Context,
): FindingStatement {
  for (const explanation of explanations(cells, context.attributes, valueOf)) {
    const drafts = draftRules(explanation, cells, valueOf, context);
    if (drafts.reduce((n, draft) => n + draft.clauses.length, 0) > MAX_CLAUSES) continue;
    const exceptions = explanation.exceptions.map((cell): FindingException => ({ id: cell.id, value: shown(cell) }));
    return {
      subject,
      text: sentence(explanation, noun, drafts, exceptions, cells.length, context),
      decidedBy: explanation.by.map((attribute) => attribute.key),
      exact: explanation.exact,
      rules: drafts.map((draft) => ({
        when: draft.clauses.map((clause) => Object.fromEntries(clause.flatMap((term) => (term.values ? [[term.attribute.key, term.items]] : [])))),
        then: draft.then,
        cells: draft.cells.length,
        holds: draft.holds,
      })),
      exceptions,
    };
  }
  const counts = countValues(cells.map(valueOf));
  return {
    subject,
    text:
      `no simple rule decides ${noun} (none on up to ${MAX_EXPLAINING_ATTRIBUTES} axes, with up to ${MAX_CLAUSES} conditions, ` +
      `is right for at least ${Math.round(100 * (1 - MAX_EXCEPTION_SHARE))}% of the cells); ` +
      `it is ${joinWords([...counts].map(([value, n]) => `${value} in ${plural(n, 'cell')}`))}`,
    decidedBy: [],
    exact: false,
    rules: [],
    exceptions: [],
  };
}

/** One condition of a clause: the values an attribute may take (undefined: any), and how to say them. */
interface Term {
  attribute: Attribute;
  values?: string[];
  /** `values` shortened to exact globs. */
  items: string[];
}

/** A rule before it is put into words: its clauses keep the raw values. */
interface DraftRule {
  then: string;
  /** Alternatives; each has one term per explaining attribute. Empty: every cell (one value for all). */
  clauses: Term[][];
  cells: CellResult[];
  holds: number;
}

function draftRules(explanation: Explanation, cells: CellResult[], valueOf: (cell: CellResult) => string, context: Context): DraftRule[] {
  const { by, groups } = explanation;
  if (by.length === 0) return [{ then: valueOf(cells[0]!), clauses: [], cells, holds: cells.length }];
  const universe = by.map((attribute) => context.all.map(attribute.read));
  // Values in first-appearance order over all cells, so lists read in the matrix's order.
  const order = universe.map(firstAppearance);
  const observed = by.map((attribute) => new Set(cells.map(attribute.read)));
  const drafts = [...new Set(groups.map((group) => group.majority))].map((then): DraftRule => {
    const covered = groups.filter((group) => group.majority === then);
    const members = covered.flatMap((group) => group.cells);
    const clauses = cover(
      covered.map((group) => group.values),
      order,
    ).map((sets) =>
      sets.map((set, i): Term => {
        // A clause allowing every observed value of an attribute does not depend on it.
        const values = set.length === observed[i]!.size ? undefined : set;
        return { attribute: by[i]!, values, items: values ? summarizeValues(values, universe[i]!) : [] };
      }),
    );
    return { then, clauses, cells: members, holds: members.filter((cell) => valueOf(cell) === then).length };
  });
  // Simplest rules first; the most complex one goes last, where "every other" / "otherwise" can name it.
  const weight = (draft: DraftRule) => draft.clauses.reduce((n, clause) => n + clause.reduce((m, term) => m + term.items.length, 0), 0);
  return drafts.sort((a, b) => weight(a) - weight(b));
}

/**
 * Few clauses (each a product of value sets) covering exactly `tuples`: tuples are grouped by
 * their first value, the rest covered recursively, and first values with the same cover merged.
 * Every attribute order is tried and the one with the fewest clauses kept.
 */
function cover(tuples: string[][], order: Map<string, number>[]): string[][][] {
  let best: string[][][] | undefined;
  for (const permutation of permutations([...order.keys()])) {
    const permuted = tuples.map((tuple) => permutation.map((i) => tuple[i]!));
    const clauses = coverInOrder(
      permuted,
      permutation.map((i) => order[i]!),
    ).map((sets) => order.map((_, i) => sets[permutation.indexOf(i)]!));
    if (!best || clauses.length < best.length) best = clauses;
  }
  return best!;
}

function coverInOrder(tuples: string[][], order: Map<string, number>[]): string[][][] {
  const sort = (values: string[]) => [...new Set(values)].sort((a, b) => (order[0]!.get(a) ?? 0) - (order[0]!.get(b) ?? 0));
  if (order.length === 1) return [[sort(tuples.map((tuple) => tuple[0]!))]];
  const tails = new Map<string, string[][]>();
  for (const [head, ...tail] of tuples) tails.set(head!, [...(tails.get(head!) ?? []), tail]);
  const merged = new Map<string, { heads: string[]; rest: string[][][] }>();
  for (const [head, rest] of tails) {
    const sub = coverInOrder(rest, order.slice(1));
    const key = JSON.stringify(sub);
    const entry = merged.get(key) ?? { heads: [], rest: sub };
    entry.heads.push(head);
    merged.set(key, entry);
  }
  return [...merged.values()].flatMap(({ heads, rest }) => rest.map((sets) => [sort(heads), ...sets]));
}

function permutations(items: number[]): number[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

function firstAppearance(values: string[]): Map<string, number> {
  const order = new Map<string, number>();
  for (const value of values) if (!order.has(value)) order.set(value, order.size);
  return order;
}

function sentence(
  explanation: Explanation,
  noun: string,
  drafts: DraftRule[],
  exceptions: FindingException[],
  total: number,
  context: Context,
): string {
  const { by } = explanation;
  if (by.length === 0) {
    const [draft] = drafts;
    return noun === SYMBOL_NOUN
      ? `every undefined-symbol cell misses ${draft!.then} (${count(draft!.holds, draft!.cells.length)})`
      : `every cell that ran gives the same outcome: ${draft!.then} (${count(draft!.holds, draft!.cells.length)})`;
  }
  const labels = joinWords(by.map((attribute) => attribute.label));
  const single = by.length === 1;
  const body = single ? singleAttributeRules(drafts, context) : multiAttributeRules(drafts);
  if (explanation.exact) {
    return single ? `${labels} alone decides ${noun}: ${body}` : `${labels} together decide ${noun} (no smaller set of axes does): ${body}`;
  }
  return `${labels} ${single ? 'decides' : 'decide'} ${noun} for all but ${exceptions.length} of ${plural(total, 'cell')}: ${body}; ${exceptionList(exceptions)}`;
}

function exceptionList(exceptions: FindingException[]): string {
  const shown = exceptions.slice(0, EXCEPTIONS_SHOWN).map((e) => `${e.id} (${e.value})`);
  const more = exceptions.length > EXCEPTIONS_SHOWN ? ` and ${exceptions.length - EXCEPTIONS_SHOWN} more (listed in results.json)` : '';
  return `${exceptions.length === 1 ? 'exception' : 'exceptions'}: ${shown.join(', ')}${more}`;
}

/** "43 of 44 cells" */
const count = (holds: number, cells: number) => `${holds} of ${plural(cells, 'cell')}`;

/** "RTLD_LOCAL* -> undefined-symbol (44 of 44 cells), RTLD_GLOBAL* and linked -> loaded (60 of 60 cells)" */
function singleAttributeRules(drafts: DraftRule[], context: Context): string {
  return drafts
    .map((draft, i) => {
      const [term] = draft.clauses[0]!;
      const last = i === drafts.length - 1 && drafts.length > 1;
      const values = last && term!.items.length >= EVERY_OTHER_FROM ? 'every other' : `${joinWords(term!.items)}${requestedAs(term!, context)}`;
      return `${values} -> ${draft.then} (${count(draft.holds, draft.cells.length)})`;
    })
    .join(', ');
}

/**
 * For a resolved version, the value the matrix asked for when every cell with these versions
 * asked for the same one and it is not a version itself: "1.19.5 and 1.24.2 (numpy: system)".
 */
function requestedAs(term: Term, context: Context): string {
  const { attribute, values = [] } = term;
  if (!attribute.key.startsWith('resolved.')) return '';
  const axis = attribute.key.slice('resolved.'.length);
  const versions = new Set(values);
  const requested = new Set(context.all.filter((cell) => versions.has(attribute.read(cell))).map((cell) => cell.axes[axis]));
  const [only] = requested;
  return requested.size === 1 && only !== undefined && !versions.has(only) ? ` (${axis}: ${only})` : '';
}

/** "undefined-symbol when flags=RTLD_LOCAL* and mitigation=none (24 of 24 cells); loaded otherwise (72 of 72 cells)" */
function multiAttributeRules(drafts: DraftRule[]): string {
  return drafts
    .map((draft, i) => {
      if (i === drafts.length - 1 && drafts.length > 1) return `${draft.then} otherwise (${count(draft.holds, draft.cells.length)})`;
      const alternatives = draft.clauses.map((clause) =>
        clause
          .filter((term) => term.values)
          .map((term) => `${term.attribute.label}=${joinWords(term.items, 'or')}`)
          .join(' and '),
      );
      return `${draft.then} when ${alternatives.join(', or when ')} (${count(draft.holds, draft.cells.length)})`;
    })
    .join('; ');
}

/**
 * For each mitigation value: what it does to the cells that differ from `mitigation=none` only in
 * it, by their outcome without it. "mitigation promote turns every undefined-symbol cell into
 * loaded (44 of 44 cells) and leaves every loaded cell loaded (60 of 60 cells)".
 */
function mitigationStatements(ran: CellResult[]): FindingStatement[] {
  const cells = ran.filter((cell) => cell.axes[MITIGATION_AXIS] !== undefined);
  const mitigation = (cell: CellResult) => cell.axes[MITIGATION_AXIS]!;
  if (!cells.some((cell) => mitigation(cell) === NO_MITIGATION)) return [];
  // The cell's axes with the mitigation replaced: equal keys are twins.
  const twinKey = (cell: CellResult, value: string) => JSON.stringify(Object.entries({ ...cell.axes, [MITIGATION_AXIS]: value }).sort());
  const byKey = new Map(cells.map((cell) => [twinKey(cell, mitigation(cell)), cell]));
  const unmitigated = cells.filter((cell) => mitigation(cell) === NO_MITIGATION);
  const values = [...new Set(cells.map(mitigation))].filter((value) => value !== NO_MITIGATION);
  return values.map((value): FindingStatement => {
    const name = `${MITIGATION_AXIS} ${value}`;
    const pairs = unmitigated.flatMap((without) => {
      const withIt = byKey.get(twinKey(without, value));
      return withIt ? [{ without, withIt }] : [];
    });
    const statement = { subject: 'mitigation' as const, decidedBy: [MITIGATION_AXIS] };
    if (pairs.length === 0) {
      return { ...statement, text: `${name}: no cell ran both with it and with ${MITIGATION_AXIS}=${NO_MITIGATION}, nothing to compare`, exact: true, rules: [], exceptions: [] };
    }
    const rules: FindingRule[] = [];
    const exceptions: FindingException[] = [];
    const clauses: string[] = [];
    for (const before of new Set(pairs.map((pair) => pair.without.outcome))) {
      const group = pairs.filter((pair) => pair.without.outcome === before);
      const [after] = countValues(group.map((pair) => pair.withIt.outcome)).keys();
      const broken = group.filter((pair) => pair.withIt.outcome !== after).map((pair) => ({ id: pair.withIt.id, value: outcomeWithCause(pair.withIt) }));
      const rule = { when: [{ [MITIGATION_AXIS]: [value], [`outcome with ${MITIGATION_AXIS}=${NO_MITIGATION}`]: [before] }], then: after!, cells: group.length, holds: group.length - broken.length };
      rules.push(rule);
      exceptions.push(...broken);
      // "every X cell" when it holds for all of them; "X cells" when some break it (the count says how many).
      const cells = broken.length ? `${before} cells` : `every ${before} cell`;
      const what = after === before ? `leaves ${cells} ${before}` : `turns ${cells} into ${after}`;
      clauses.push(`${what} (${count(rule.holds, rule.cells)}${broken.length ? `; ${exceptionList(broken)}` : ''})`);
    }
    return { ...statement, text: `${name} ${joinWords(clauses)}`, exact: exceptions.length === 0, rules, exceptions };
  });
}

/** Value -> how many times, most frequent first (first seen wins a tie). */
function countValues(values: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return new Map([...counts].sort((a, b) => b[1] - a[1]));
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
