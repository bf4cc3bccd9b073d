import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeCell, type CellOverrides } from '../test-support/make-results.ts';
import { computeFindings, findingsScope } from './findings.ts';
import { readResultsFile } from './results-file.ts';
import type { CellAxes, CellResult, Findings, FindingStatement } from './run-results.ts';

/** Every combination of `axes`, each cell shaped by `shape` (outcome, symbol, resolved…). */
function grid(axes: Record<string, string[]>, shape: (axes: CellAxes) => CellOverrides): CellResult[] {
  let combos: Record<string, string>[] = [{}];
  for (const [name, values] of Object.entries(axes)) combos = combos.flatMap((combo) => values.map((value) => ({ ...combo, [name]: value })));
  return combos.map((combo) => {
    const overrides = shape(combo as CellAxes);
    return makeCell({ ...overrides, axes: { ...combo, ...overrides.axes } });
  });
}

const FLAGS = ['RTLD_LOCAL|RTLD_NOW', 'RTLD_LOCAL|RTLD_LAZY', 'RTLD_GLOBAL|RTLD_NOW', 'RTLD_GLOBAL|RTLD_LAZY', 'linked'];
const local = (axes: CellAxes) => axes.flags.startsWith('RTLD_LOCAL');
const undefinedSymbol = (symbol = 'PyObject_SelfIter'): CellOverrides => ({ outcome: 'undefined-symbol', symbol });

const matches = (item: string, value: string) => (item.endsWith('*') ? value.startsWith(item.slice(0, -1)) : value === item);
const read = (cell: CellResult, key: string) =>
  key.startsWith('resolved.') ? cell.resolved[key.slice(9) as 'python' | 'numpy'] : cell.axes[key];

/**
 * Checks a statement against the cells, independently of how it was found: each cell that ran
 * falls under its first matching rule and has that rule's value, unless it is a listed exception;
 * every rule's counts are right. That is what "the text never claims what the data does not
 * support" means.
 */
function verify(statement: FindingStatement, cells: CellResult[], valueOf: (cell: CellResult) => string) {
  const exceptions = new Map(statement.exceptions.map((e) => [e.id, e.value]));
  const tally = statement.rules.map(() => ({ cells: 0, holds: 0 }));
  for (const cell of cells) {
    const index = statement.rules.findIndex(
      (rule) => rule.when.length === 0 || rule.when.some((clause) => Object.entries(clause).every(([key, items]) => items.some((item) => matches(item, read(cell, key) ?? '')))),
    );
    // Without a `when`, the last rule covers every cell no earlier rule does ("otherwise").
    const rule = statement.rules[index === -1 ? statement.rules.length - 1 : index]!;
    const at = statement.rules.indexOf(rule);
    tally[at]!.cells++;
    if (valueOf(cell) === rule.then) {
      tally[at]!.holds++;
      expect(exceptions.has(cell.id), `${cell.id} follows the rule but is listed as an exception`).toBe(false);
    } else {
      expect(exceptions.has(cell.id), `${cell.id} (${valueOf(cell)}) breaks "${statement.text}" and is not listed`).toBe(true);
    }
  }
  expect(statement.rules.map(({ cells, holds }) => ({ cells, holds }))).toEqual(tally);
  expect(statement.exact).toBe(statement.exceptions.length === 0);
}

const ran = (cells: CellResult[]) => cells.filter((cell) => cell.outcome !== 'skipped' && cell.outcome !== 'build-error');
const outcomeOf = (findings: Findings) => findings.statements.find((s) => s.subject === 'outcome')!;
const symbolOf = (findings: Findings) => findings.statements.find((s) => s.subject === 'symbol');

describe('computeFindings', () => {
  it('names the one axis that decides the outcome, with exact globs, leaving out (and counting) cells that did not run', () => {
    const cells = [
      ...grid({ distro: ['bookworm', 'trixie'], loader: ['c', 'rust'], flags: FLAGS }, (axes) => (local(axes) ? undefinedSymbol() : {})),
      makeCell({ axes: { distro: 'bullseye', flags: 'RTLD_LOCAL|RTLD_DEEPBIND|RTLD_NOW' }, outcome: 'skipped', verdict: 'skip', reason: 'no wheel' }),
      makeCell({ axes: { distro: 'forky', flags: 'linked' }, outcome: 'build-error', verdict: 'fail' }),
    ];
    const findings = computeFindings(cells);
    expect(findings).toMatchObject({ cellsRan: 20, excluded: { skipped: 1, buildError: 1 } });
    expect(findingsScope(findings)).toBe('over the 20 cells that ran (of 22; 1 skipped and 1 with a build error left out)');
    const outcome = outcomeOf(findings);
    expect(outcome.decidedBy).toEqual(['flags']);
    // RTLD_LOCAL* would cover the skipped cell's RTLD_LOCAL|RTLD_DEEPBIND|RTLD_NOW, which never ran: so no glob.
    expect(outcome.text).toBe(
      'flags alone decides the outcome: RTLD_LOCAL|RTLD_NOW and RTLD_LOCAL|RTLD_LAZY -> undefined-symbol (8 of 8 cells), ' +
        'RTLD_GLOBAL* and linked -> loaded (12 of 12 cells)',
    );
    verify(outcome, ran(cells), (cell) => cell.outcome);
    expect(symbolOf(findings)!.text).toBe('every undefined-symbol cell misses PyObject_SelfIter (8 of 8 cells)');
  });

  it('finds two axes that decide the outcome together when neither does alone', () => {
    const cells = grid({ loader: ['c', 'rust', 'node'], flags: FLAGS }, (axes) => (local(axes) && axes.loader !== 'node' ? undefinedSymbol() : {}));
    const outcome = outcomeOf(computeFindings(cells));
    expect(outcome.decidedBy).toEqual(['loader', 'flags']);
    expect(outcome.exact).toBe(true);
    expect(outcome.text).toBe(
      'loader and flags together decide the outcome (no smaller set of axes does): ' +
        'undefined-symbol when loader=c or rust and flags=RTLD_LOCAL* (4 of 4 cells); loaded otherwise (11 of 11 cells)',
    );
    verify(outcome, cells, (cell) => cell.outcome);
  });

  it('states the rule that holds for most cells and lists every cell that breaks it', () => {
    const cells = grid({ distro: ['bookworm', 'trixie'], numpy: ['system', '2.2.6'], loader: ['c', 'rust'], flags: ['RTLD_LOCAL|RTLD_NOW', 'RTLD_GLOBAL|RTLD_NOW'] }, (axes) =>
      axes.distro === 'trixie' && axes.numpy === '2.2.6' && axes.loader === 'rust' && !local(axes)
        ? { outcome: 'crash', signal: 'SIGSEGV' }
        : local(axes)
          ? undefinedSymbol()
          : {},
    );
    const outcome = outcomeOf(computeFindings(cells));
    expect(outcome.exact).toBe(false);
    expect(outcome.decidedBy).toEqual(['flags']);
    expect(outcome.exceptions).toEqual([{ id: 'trixie/py-system/np-2.2.6/rust/RTLD_GLOBAL|RTLD_NOW', value: 'crash SIGSEGV' }]);
    expect(outcome.text).toBe(
      'flags decides the outcome for all but 1 of 16 cells: RTLD_LOCAL|RTLD_NOW -> undefined-symbol (8 of 8 cells), ' +
        'RTLD_GLOBAL|RTLD_NOW -> loaded (7 of 8 cells); exception: trixie/py-system/np-2.2.6/rust/RTLD_GLOBAL|RTLD_NOW (crash SIGSEGV)',
    );
    verify(outcome, cells, (cell) => cell.outcome);
  });

  it('says so when no small set of axes explains the outcome, and claims no rule', () => {
    // Outcome = parity of four two-valued axes: every set of three or fewer is right for half the cells.
    const cells = grid({ distro: ['bookworm', 'trixie'], numpy: ['system', '2.2.6'], loader: ['c', 'rust'], flags: ['RTLD_LOCAL|RTLD_NOW', 'linked'] }, (axes) => {
      const odd = [axes.distro === 'trixie', axes.numpy === '2.2.6', axes.loader === 'rust', axes.flags === 'linked'].filter(Boolean).length % 2;
      return odd ? undefinedSymbol() : {};
    });
    const outcome = outcomeOf(computeFindings(cells));
    expect(outcome).toMatchObject({ decidedBy: [], exact: false, rules: [], exceptions: [] });
    expect(outcome.text).toBe('no simple rule decides the outcome (none on up to 3 axes, with up to 8 conditions, is right for at least 75% of the cells); it is loaded in 8 cells and undefined-symbol in 8 cells');
  });

  it('compares each mitigation with `none`, cell by cell, and names the pairs that do not follow', () => {
    const cells = grid({ distro: ['bookworm', 'trixie'], loader: ['c', 'rust'], flags: FLAGS, mitigation: ['none', 'promote', 'preload'] }, (axes) => {
      if (axes.mitigation === 'preload' && axes.distro === 'trixie' && axes.loader === 'rust' && axes.flags === 'RTLD_LOCAL|RTLD_NOW') return { outcome: 'crash', signal: 'SIGSEGV' };
      return local(axes) && axes.mitigation !== 'promote' && axes.mitigation !== 'preload' ? undefinedSymbol() : {};
    });
    const findings = computeFindings(cells);
    const outcome = outcomeOf(findings);
    expect(outcome.text).toBe(
      'flags and mitigation decide the outcome for all but 1 of 60 cells: ' +
        'undefined-symbol when flags=RTLD_LOCAL* and mitigation=none (8 of 8 cells); loaded otherwise (51 of 52 cells); ' +
        'exception: trixie/py-system/np-2.2.6/rust/RTLD_LOCAL|RTLD_NOW/mitigation=preload (crash SIGSEGV)',
    );
    expect(outcome.exceptions).toEqual([{ id: 'trixie/py-system/np-2.2.6/rust/RTLD_LOCAL|RTLD_NOW/mitigation=preload', value: 'crash SIGSEGV' }]);
    verify(outcome, cells, (cell) => cell.outcome);
    const mitigations = findings.statements.filter((s) => s.subject === 'mitigation');
    expect(mitigations.map((s) => s.text)).toEqual([
      'mitigation promote turns every undefined-symbol cell into loaded (8 of 8 cells) and leaves every loaded cell loaded (12 of 12 cells)',
      'mitigation preload turns undefined-symbol cells into loaded (7 of 8 cells; exception: trixie/py-system/np-2.2.6/rust/RTLD_LOCAL|RTLD_NOW/mitigation=preload (crash SIGSEGV)) ' +
        'and leaves every loaded cell loaded (12 of 12 cells)',
    ]);
    expect(mitigations[1]!.exact).toBe(false);
  });

  it('explains a split in the missing symbol by the resolved version, naming what the matrix asked for', () => {
    const resolved: Record<string, string> = { bullseye: '1.19.5', bookworm: '1.24.2', trixie: '2.2.4' };
    const cells = grid({ distro: ['bullseye', 'bookworm', 'trixie'], numpy: ['system', '1.26.4', '2.2.6'], flags: ['RTLD_LOCAL|RTLD_NOW', 'linked'] }, (axes) => {
      const version = axes.numpy === 'system' ? resolved[axes.distro]! : axes.numpy;
      const old = version === '1.19.5' || version === '1.24.2';
      return { resolved: { python: '3.11.2', numpy: version }, ...(local(axes) ? undefinedSymbol(old ? 'PyExc_RecursionError' : 'PyObject_SelfIter') : {}) };
    });
    const findings = computeFindings(cells);
    const symbol = symbolOf(findings)!;
    expect(symbol.decidedBy).toEqual(['resolved.numpy']);
    expect(symbol.text).toBe(
      'numpy version alone decides the missing symbol: 1.19.5 and 1.24.2 (numpy: system) -> PyExc_RecursionError (2 of 2 cells), ' +
        '1.26.4 and 2.* -> PyObject_SelfIter (7 of 7 cells)',
    );
    verify(symbol, cells.filter((cell) => cell.outcome === 'undefined-symbol'), (cell) => cell.symbol!);
    expect(outcomeOf(findings).decidedBy).toEqual(['flags']);
  });

  it('names a long last group "every other"', () => {
    const cells = grid({ loader: ['c', 'rust', 'node', 'go', 'zig'], flags: ['RTLD_LOCAL|RTLD_NOW'] }, (axes) => (axes.loader === 'c' ? undefinedSymbol() : {}));
    expect(outcomeOf(computeFindings(cells)).text).toBe('loader alone decides the outcome: c -> undefined-symbol (1 of 1 cell), every other -> loaded (4 of 4 cells)');
  });

  it('says when every cell that ran gave the same outcome, and when none ran', () => {
    expect(outcomeOf(computeFindings(grid({ loader: ['c', 'rust'] }, () => ({})))).text).toBe('every cell that ran gives the same outcome: loaded (2 of 2 cells)');
    const none = computeFindings([makeCell({ outcome: 'skipped', verdict: 'skip' })]);
    expect(none.statements).toEqual([]);
    expect(findingsScope(none)).toBe('no cell ran (1 skipped)');
  });

  it('only makes claims the cells support (random matrices)', () => {
    const outcomes = ['loaded', 'undefined-symbol', 'crash', 'skipped'] as const;
    const axisValues = fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'a.1', 'a.2', 'b|x', 'b|y'), { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(
        fc.record({ distro: axisValues, loader: axisValues, flags: axisValues, mitigation: fc.constantFrom<string[]>(['none', 'fix'], ['none']) }),
        fc.array(fc.constantFrom(...outcomes), { minLength: 1, maxLength: 200 }),
        fc.array(fc.constantFrom('S1', 'S2'), { minLength: 1, maxLength: 200 }),
        (axes, outcomeSeq, symbolSeq) => {
          const cells = grid(axes, () => ({})).map((cell, i) => {
            const outcome = outcomeSeq[i % outcomeSeq.length]!;
            return { ...cell, outcome, ...(outcome === 'undefined-symbol' && { symbol: symbolSeq[i % symbolSeq.length] }) };
          });
          const findings = computeFindings(cells);
          expect(findings.cellsRan + findings.excluded.skipped).toBe(cells.length);
          for (const statement of findings.statements) {
            if (statement.subject === 'outcome' && statement.rules.length) verify(statement, ran(cells), (cell) => cell.outcome);
            if (statement.subject === 'symbol' && statement.rules.length) verify(statement, ran(cells).filter((c) => c.outcome === 'undefined-symbol'), (c) => c.symbol!);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('findings of the real default-matrix run (fixtures/results.real.json)', () => {
  const results = readResultsFile(join(import.meta.dirname, '../report/fixtures/results.real.json'));
  const findings = computeFindings(results.cells);

  it('are true for every cell that ran', () => {
    expect(findings.cellsRan + findings.excluded.skipped + findings.excluded.buildError).toBe(results.cells.length);
    verify(outcomeOf(findings), ran(results.cells), (cell) => cell.outcome);
    verify(symbolOf(findings)!, ran(results.cells).filter((cell) => cell.outcome === 'undefined-symbol'), (cell) => cell.symbol!);
  });

  it('say that flags and mitigation decide the outcome, the NumPy version the symbol, and that both fixes work', () => {
    expect(findingsScope(findings)).toBe('over the 468 cells that ran');
    expect(findings.statements.map((s) => s.text)).toEqual([
      'flags and mitigation together decide the outcome (no smaller set of axes does): undefined-symbol when flags=RTLD_LOCAL* and ' +
        'mitigation=none (66 of 66 cells); loaded otherwise (402 of 402 cells)',
      'numpy version alone decides the missing symbol: 1.19.* and 1.24.2 -> PyExc_RecursionError (14 of 14 cells), 2.* and 1.23.2 -> PyObject_SelfIter (52 of 52 cells)',
      'mitigation preload turns every undefined-symbol cell into loaded (66 of 66 cells) and leaves every loaded cell loaded (90 of 90 cells)',
      'mitigation promote turns every undefined-symbol cell into loaded (66 of 66 cells) and leaves every loaded cell loaded (90 of 90 cells)',
    ]);
  });
});

describe('findings of a real run of the earlier default matrix, with pinned NumPy and skipped cells (fixtures/results.real-pinned.json)', () => {
  const results = readResultsFile(join(import.meta.dirname, '../report/fixtures/results.real-pinned.json'));
  const findings = computeFindings(results.cells);

  it('say that the flags alone decide the outcome, and the NumPy version the missing symbol, over the cells that ran', () => {
    verify(outcomeOf(findings), ran(results.cells), (cell) => cell.outcome);
    expect(findingsScope(findings)).toBe('over the 104 cells that ran (of 168; 64 skipped left out)');
    expect(findings.statements.map((s) => s.text)).toEqual([
      'flags alone decides the outcome: RTLD_LOCAL* -> undefined-symbol (44 of 44 cells), RTLD_GLOBAL* and linked -> loaded (60 of 60 cells)',
      'numpy version alone decides the missing symbol: 1.19.5 and 1.24.2 (numpy: system) -> PyExc_RecursionError (10 of 10 cells), ' +
        '1.26.4 and 2.* -> PyObject_SelfIter (34 of 34 cells)',
    ]);
  });
});
