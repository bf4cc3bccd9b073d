#!/usr/bin/env node
// Entry point of `npx dlmatrix`. Two ways to run, decided by what is next to this file:
//  - a git clone has the TypeScript sources (harness/): run them through tsx (a devDependency),
//    so an edit takes effect at once and a stale dist/ left by `npm pack` is never used;
//  - an installed package has only the compiled JavaScript (dist/, built by `prepack`): plain node.
import { existsSync } from 'node:fs';

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

const main = await loadMain();
const code = await main(process.argv.slice(2));
// Exit once stdout is flushed: idle keep-alive sockets to the Docker engine must not hold the process.
process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
