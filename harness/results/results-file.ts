// results.json: the one file reporters, `merge` and `diff` read. It is written and read in pieces
// (a cell per line), never as one string, so 100,000 cells with their output fit. Reading
// validates every part at this boundary, naming the file and the field, so a wrong or stale file
// fails here instead of deep inside a reporter; what can be derived (the summary, the findings)
// is recomputed, so files of older versions still load.
import { writeFileAtomic } from './atomic-file.ts';
import { keptOutput } from './cell-output.ts';
import { computeFindings } from './findings.ts';
import { JsonShapeError, readJsonWithCells } from './json-cells-reader.ts';
import { RESULTS_SCHEMA_VERSION, type CellResult, type RunResults } from './run-results.ts';
import { SharedValues } from './shared-values.ts';
import { summarize } from './summary.ts';
import { cellProblems, environmentProblems, headerProblems, isObject } from './validate.ts';

export function writeResultsFile(path: string, results: RunResults): void {
  writeFileAtomic(path, resultsJson(results));
}

/**
 * The file's text, in pieces: the top level indented as usual, each cell compact on a line of its
 * own (a cell per line greps well and keeps the file a third smaller).
 */
export function* resultsJson(results: RunResults): Generator<string> {
  const entries = Object.entries(results).filter(([, value]) => value !== undefined);
  yield '{\n';
  for (const [i, [key, value]] of entries.entries()) {
    const comma = i < entries.length - 1 ? ',' : '';
    if (key !== 'cells') {
      yield `  ${JSON.stringify(key)}: ${JSON.stringify(value, null, 2).replace(/\n/g, '\n  ')}${comma}\n`;
      continue;
    }
    const cells = value as CellResult[];
    if (cells.length === 0) {
      yield `  "cells": []${comma}\n`;
      continue;
    }
    yield '  "cells": [\n';
    for (const [n, cell] of cells.entries()) yield `    ${JSON.stringify(cell)}${n < cells.length - 1 ? ',' : ''}\n`;
    yield `  ]${comma}\n`;
  }
  yield '}\n';
}

export class ResultsFileError extends Error {
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`${file}: ${detail}`);
    this.name = 'ResultsFileError';
  }
}

const PROBLEMS_SHOWN = 5;

export function readResultsFile(path: string): RunResults {
  const cells: CellResult[] = [];
  const problems: string[] = [];
  const shared = new SharedValues();
  let data: unknown;
  try {
    data = readJsonWithCells(path, (cell, index) => {
      const found = cellProblems(cell, `cells[${index}]`);
      if (found.length > 0) problems.push(...found);
      else cells.push(shared.cell(normalized(cell as CellResult)));
    });
  } catch (err) {
    if (err instanceof JsonShapeError) throw new ResultsFileError(path, `not a valid dlmatrix results file: ${err.message}`);
    if (err instanceof SyntaxError) throw new ResultsFileError(path, `not valid JSON (${err.message})`);
    throw new ResultsFileError(path, `cannot read results file (${(err as Error).message})`);
  }
  if (!isObject(data)) throw new ResultsFileError(path, 'not a valid dlmatrix results file: expected a JSON object at the top level');
  // A version mismatch is not a malformed file: say so plainly, with what to do.
  if (data.schemaVersion === undefined) throw new ResultsFileError(path, 'not a valid dlmatrix results file: no schemaVersion');
  if (data.schemaVersion !== RESULTS_SCHEMA_VERSION) {
    throw new ResultsFileError(
      path,
      `schemaVersion ${JSON.stringify(data.schemaVersion)} is not supported (this dlmatrix reads version ${RESULTS_SCHEMA_VERSION}); ` +
        'produce it again with a matching dlmatrix',
    );
  }
  problems.unshift(...runProblems(data));
  if (problems.length > 0) {
    const shown = problems.slice(0, PROBLEMS_SHOWN).join('; ');
    const more = problems.length > PROBLEMS_SHOWN ? ` (and ${problems.length - PROBLEMS_SHOWN} more)` : '';
    throw new ResultsFileError(path, `not a valid dlmatrix results file: ${shown}${more}`);
  }
  const results = data as unknown as RunResults;
  results.cells = cells;
  // Derivable: recomputed so that files of older versions (or written by hand) count cells as this version does.
  results.summary = summarize(cells);
  results.findings ??= computeFindings(cells);
  return results;
}

/** Problems of everything but the cells (checked one by one as they are read). */
function runProblems(data: Record<string, unknown>): string[] {
  const problems = headerProblems(data);
  if (typeof data.finishedAt !== 'string') problems.push('finishedAt must be a string');
  if (typeof data.durationMs !== 'number' || !Number.isFinite(data.durationMs)) problems.push('durationMs must be a number');
  if (typeof data.interrupted !== 'boolean') problems.push('interrupted must be true or false');
  if (!Array.isArray(data.environments)) problems.push('environments must be an array');
  else data.environments.forEach((env, i) => problems.push(...environmentProblems(env, `environments[${i}]`)));
  if (!Array.isArray(data.cells)) problems.push('cells must be an array');
  return problems;
}

/** A valid cell as this version holds it: `resolved` present, output kept as results keep it. */
function normalized(cell: CellResult): CellResult {
  const output = keptOutput(cell.output);
  return cell.resolved && output === cell.output ? cell : { ...cell, resolved: cell.resolved ?? {}, output };
}
