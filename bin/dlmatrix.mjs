#!/usr/bin/env node
// Entry point of `npx dlmatrix`. Two ways to run, decided by what is next to this file:
//  - a git clone has the TypeScript sources (harness/): run them through tsx (a devDependency),
//    so an edit takes effect at once and a stale dist/ left by `npm pack` is never used;
//  - an installed package has only the compiled JavaScript (dist/, built by `prepack`): plain node.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Worker, isMainThread, workerData } from 'node:worker_threads';

// A reader that goes away (`dlmatrix run 2>&1 | head -1`, a closed terminal) must never stop a
// run: what it would have printed is dropped, the run goes on and writes its reports.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
  });
}

const sources = new URL('../harness/cli/main.ts', import.meta.url);
const compiled = new URL('../dist/cli/main.js', import.meta.url);

async function loadMain() {
  if (existsSync(sources)) {
    let tsx;
    try {
      tsx = await import('tsx/esm/api');
    } catch {
      if (!existsSync(compiled)) {
        process.stderr.write('dlmatrix: running from a clone needs its devDependencies (tsx): run `npm ci` first, or `npm run build`.\n');
        process.exit(1);
      }
    }
    if (tsx) {
      tsx.register();
      return (await import(sources.href)).main;
    }
  }
  if (!existsSync(compiled)) {
    process.stderr.write(`dlmatrix: this installation is incomplete: ${compiled.pathname} is missing; reinstall the package.\n`);
    process.exit(1);
  }
  return (await import(compiled.href)).main;
}

/**
 * `report` and `merge` stream what they read and write, but in one long synchronous pass, and V8
 * lets old space grow to about four times what is live before it collects (measured at 100,000
 * cells: a 353 MB heap for 108 MB live, 480-515 MB peak RSS). They run in a worker whose old space
 * is bounded by their input instead (twice the largest results file, at least 384 MB): measured
 * there, about 300 MB peak and no slower. DLMATRIX_HEAP_MB sets the bound.
 */
const BOUNDED_COMMANDS = new Set(['report', 'merge']);

function heapBoundMb(args) {
  const set = process.env.DLMATRIX_HEAP_MB;
  if (set !== undefined && set !== '') {
    if (/^\d+$/.test(set.trim()) && Number(set) > 0) return Number(set);
    process.stderr.write(`dlmatrix: DLMATRIX_HEAP_MB must be a whole number of megabytes (e.g. 1024), not "${set}"\n`);
    process.exit(2);
  }
  let largest = 0;
  const visit = (path, depth) => {
    let stat;
    try {
      stat = statSync(path);
    } catch {
      return;
    }
    if (stat.isFile()) largest = Math.max(largest, stat.size);
    else if (stat.isDirectory() && depth < 3) {
      for (const entry of readdirSync(path, { withFileTypes: true })) {
        if (entry.isDirectory() || /^results\.jsonl?$/.test(entry.name)) visit(join(path, entry.name), depth + 1);
      }
    }
  };
  for (const arg of args.slice(1)) if (!arg.startsWith('-')) visit(arg, 0);
  return Math.max(384, Math.ceil((2 * largest) / 2 ** 20));
}

async function runBounded(args) {
  const limit = heapBoundMb(args);
  // A worker's streams are pipes to this thread: it is told what the terminal is (colours, width).
  const terminal = (stream) => ({ isTTY: Boolean(stream.isTTY), columns: stream.columns });
  const workerData = { terminal: { stdout: terminal(process.stdout), stderr: terminal(process.stderr) } };
  const worker = new Worker(new URL(import.meta.url), { argv: args, workerData, resourceLimits: { maxOldGenerationSizeMb: limit } });
  return new Promise((resolve) => {
    worker.on('error', (error) => {
      if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') {
        process.stderr.write(`dlmatrix ${args[0]}: ran out of its memory bound (${limit} MB of heap); run it again with DLMATRIX_HEAP_MB set higher\n`);
      } else process.stderr.write(`dlmatrix ${args[0]}: ${error.stack ?? error}\n`);
      resolve(4);
    });
    worker.on('exit', (code) => resolve(code));
  });
}

const args = process.argv.slice(2);
if (isMainThread && BOUNDED_COMMANDS.has(args[0])) {
  const code = await runBounded(args);
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
} else {
  if (!isMainThread && workerData?.terminal) {
    for (const name of ['stdout', 'stderr']) {
      const { isTTY, columns } = workerData.terminal[name];
      if (isTTY) Object.assign(process[name], { isTTY, columns });
    }
  }
  const main = await loadMain();
  const code = await main(args);
  // Exit once stdout is flushed: idle keep-alive sockets to the Docker engine must not hold the process.
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}
