// The installed dlmatrix's version, from its package.json (found the same way as docker/ and
// loaders/, so it is right from the sources and from the compiled dist/ alike).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HARNESS_ROOT } from '../docker/build-context.ts';

export function dlmatrixVersion(): string {
  return JSON.parse(readFileSync(join(HARNESS_ROOT, 'package.json'), 'utf8')).version;
}
