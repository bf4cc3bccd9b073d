#!/usr/bin/env node
// Entry point of `npx dlmatrix`: runs the TypeScript sources through tsx (no build step).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../harness/cli/main.ts');
const code = await main(process.argv.slice(2));
// Exit once stdout is flushed: idle keep-alive sockets to the Docker engine must not hold the process.
process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
