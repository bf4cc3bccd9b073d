// Combines the results of shards (or of any runs of one matrix) into one RunResults.
import type { CellResult, EnvironmentInfo, RunResults } from './types.ts';
import { computeFindings } from './findings.ts';
import { summarize } from './results-file.ts';

export interface MergeOutcome {
  results: RunResults;
  /** Cells that appeared in more than one input (the last one wins). */
  duplicates: string[];
}

/** `order`: cell ids in the matrix's plan order; cells not in it go last, by id. */
export function mergeResults(parts: RunResults[], order: string[] = []): MergeOutcome {
  if (parts.length === 0) throw new Error('nothing to merge');
  const cells = new Map<string, CellResult>();
  const duplicates: string[] = [];
  const environments = new Map<string, EnvironmentInfo>();
  for (const part of parts) {
    for (const cell of part.cells) {
      if (cells.has(cell.id)) duplicates.push(cell.id);
      cells.set(cell.id, cell);
    }
    for (const environment of part.environments) {
      const known = environments.get(environment.key);
      // Prefer the shard that actually built or ran the environment.
      if (!known || (!known.imageId && environment.imageId)) environments.set(environment.key, environment);
    }
  }
  const position = new Map(order.map((id, i) => [id, i]));
  const rank = (id: string) => position.get(id) ?? Number.MAX_SAFE_INTEGER;
  const merged = [...cells.values()].sort((a, b) => rank(a.id) - rank(b.id) || a.id.localeCompare(b.id));
  // Environments in the order of their first cell; ones no merged cell uses are dropped.
  const firstCell = new Map<string, number>();
  merged.forEach((cell, i) => firstCell.has(cell.environment) || firstCell.set(cell.environment, i));
  const startedAt = parts.map((p) => p.startedAt).sort()[0];
  const finishedAt = parts.map((p) => p.finishedAt).sort().at(-1)!;
  return {
    duplicates,
    results: {
      ...parts[0],
      startedAt,
      finishedAt,
      durationMs: Date.parse(finishedAt) - Date.parse(startedAt),
      interrupted: parts.some((p) => p.interrupted),
      shard: undefined,
      environments: [...environments.values()]
        .filter((e) => firstCell.has(e.key))
        .sort((a, b) => firstCell.get(a.key)! - firstCell.get(b.key)!),
      cells: merged,
      summary: summarize(merged),
      findings: computeFindings(merged),
    },
  };
}
