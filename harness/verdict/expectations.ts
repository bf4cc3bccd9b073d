// Which outcomes the matrix allows for a cell: the verdict compares the actual outcome to these.
import type { Outcome } from '../results/run-results.ts';
import { matchesWhen } from '../matrix/glob.ts';
import type { Combination, ExpectRule } from '../matrix/types.ts';

/** Without a matching rule a cell is expected to load: that is the point of the test. */
export const DEFAULT_EXPECTED: readonly Outcome[] = ['loaded'];

/**
 * The outcomes of the first rule whose `when` matches the cell (every key present and matching
 * one of its globs); ['loaded'] when no rule matches. Order matters, as in a firewall: put
 * specific rules before general ones.
 */
export function expectedOutcomes(rules: readonly ExpectRule[], axes: Combination): Outcome[] {
  const rule = rules.find((r) => matchesWhen(r.when, axes));
  return [...(rule?.outcomes ?? DEFAULT_EXPECTED)];
}
