#!/usr/bin/env node
// Writes a realistic finished run of N cells into a folder, as `dlmatrix run --out DIR` leaves it:
// DIR/results.json and DIR/results.jsonl (the journal `dlmatrix report DIR` reads). Seeded and
// deterministic; the shape and outcome mix are described in harness/test-support/generated-results.ts.
// Used by `npm run bench -- --report-scale N`; run it alone (under tsx, as the bench runs) to look
// at a large report:
//   npx tsx scripts/generate-results.mjs --cells 100000 [--seed 1] --out /tmp/big
//   npx dlmatrix report /tmp/big        # then open /tmp/big/index.html
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { generateResults } from '../harness/test-support/generated-results.ts';

export { generateResults };

/** Writes DIR/results.json and DIR/results.jsonl a cell at a time (no string holds the whole run). */
export function writeGeneratedRun(run, dir) {
  mkdirSync(dir, { recursive: true });
  const { cells, ...rest } = run.results;
  const json = openSync(join(dir, 'results.json'), 'w');
  const head = JSON.stringify(rest, null, 2);
  writeSync(json, `${head.slice(0, -2)},\n  "cells": [\n`);
  cells.forEach((cell, i) => writeSync(json, `    ${JSON.stringify(cell)}${i + 1 < cells.length ? ',' : ''}\n`));
  writeSync(json, '  ]\n}\n');
  closeSync(json);
  const journal = openSync(join(dir, 'results.jsonl'), 'w');
  for (const line of run.journal()) writeSync(journal, `${JSON.stringify(line)}\n`);
  closeSync(journal);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const { values } = parseArgs({ options: { cells: { type: 'string' }, seed: { type: 'string', default: '1' }, out: { type: 'string' } } });
  const cells = Number(values.cells);
  if (!Number.isInteger(cells) || cells < 1 || !values.out) {
    process.stderr.write('usage: npx tsx scripts/generate-results.mjs --cells N [--seed S] --out DIR\n');
    process.exit(2);
  }
  const run = generateResults(cells, Number(values.seed));
  writeGeneratedRun(run, resolve(values.out));
  const { summary } = run.results;
  process.stderr.write(
    `${values.out}: ${summary.total} cells in ${run.results.environments.length} environments ` +
      `(${summary.passed} passed, ${summary.failed} failed, ${summary.flaky} flaky, ${summary.skipped} skipped)\n`,
  );
}
