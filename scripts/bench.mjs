#!/usr/bin/env node
// Measures dlmatrix's speed on a matrix and prints ratios (not a test: numbers vary by machine).
//   node scripts/bench.mjs [--config matrix.yaml] [--cold]
// --cold first removes every image dlmatrix made (label dev.dlmatrix.managed), including the
// bootstrapped base images, to time a run from nothing; then it times a warm run (nothing to
// rebuild) and a warm run with --jobs 1, and prints cold/warm and serial/parallel ratios.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { config: { type: 'string', default: 'matrix.yaml' }, cold: { type: 'boolean', default: false } } });
const cli = join(import.meta.dirname, '..', 'bin', 'dlmatrix.mjs');

function timedRun(label, extra = []) {
  const out = mkdtempSync(join(tmpdir(), 'dlmatrix-bench-'));
  const started = process.hrtime.bigint();
  const run = spawnSync('node', [cli, 'run', '--config', values.config, '--out', out, '--quiet', ...extra], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, CI: 'true' } });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
  const ran = results.cells.filter((c) => c.attempts > 0);
  const cellSeconds = ran.reduce((sum, c) => sum + c.durationMs, 0) / 1000;
  console.log(`${label.padEnd(24)} ${seconds.toFixed(1).padStart(7)} s wall  exit ${run.status}  ${results.cells.length} cells (${ran.length} ran, mean ${(cellSeconds / Math.max(1, ran.length)).toFixed(2)} s per cell)`);
  return seconds;
}

if (values.cold) {
  const ids = execFileSync('docker', ['images', '-q', '--filter', 'label=dev.dlmatrix.managed']).toString().split('\n').filter(Boolean);
  if (ids.length) spawnSync('docker', ['rmi', '-f', ...new Set(ids)], { stdio: 'ignore' });
  spawnSync('docker', ['builder', 'prune', '-af'], { stdio: 'ignore' });
}
const cold = values.cold ? timedRun('cold (nothing cached)') : undefined;
const warm = timedRun('warm');
const serial = timedRun('warm, --jobs 1', ['--jobs', '1']);
if (cold !== undefined) console.log(`cold / warm       = ${(cold / warm).toFixed(1)}x`);
console.log(`serial / parallel = ${(serial / warm).toFixed(2)}x`);
