// Which matrix file a command reads: the one --config names, else matrix.yaml in the working
// folder or the nearest folder above it, as cargo finds Cargo.toml and git finds .git (a run
// from a project's subfolder reads the project's matrix).
import { existsSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { UsageError } from './args.ts';

export const MATRIX_FILE = 'matrix.yaml';

/** The path to read (relative to the working folder when found by searching), or a usage error saying what to do. */
export function findMatrixFile(config: string | undefined, cwd: string = process.cwd()): string {
  if (config !== undefined) return config;
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const candidate = join(dir, MATRIX_FILE);
    if (existsSync(candidate) && statSync(candidate).isFile()) return relative(cwd, candidate) || MATRIX_FILE;
    if (dirname(dir) === dir) break;
  }
  throw new UsageError(
    `no ${MATRIX_FILE} in ${resolve(cwd)} or any folder above it: run \`npx dlmatrix init\` in your Cargo project to write one, or give a matrix file with --config FILE`,
  );
}
