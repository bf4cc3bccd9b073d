// Result and report files are written whole (temp file + rename in the same folder): a reader,
// a CI artifact upload or a browser opening the file mid-write never sees half of it. A write
// that fails leaves no temp file behind and says which file and why.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export class FileWriteError extends Error {
  constructor(
    readonly path: string,
    readonly cause: unknown,
  ) {
    super(`cannot write ${path}: ${describeCause(cause)}`);
    this.name = 'FileWriteError';
  }
}

export function writeFileAtomic(path: string, content: string): void {
  const temp = `${path}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(temp, content);
    renameSync(temp, path);
  } catch (err) {
    try {
      rmSync(temp, { force: true, recursive: true });
    } catch {
      // Nothing to remove when the folder itself could not be made.
    }
    throw new FileWriteError(path, err);
  }
}

const REASONS: Record<string, string> = {
  EISDIR: 'a directory is in the way',
  ENOTDIR: 'a file is in the way of its folder',
  EEXIST: 'a file is in the way of its folder',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOSPC: 'no space left on the device',
  EROFS: 'the file system is read-only',
  EDQUOT: 'disk quota exceeded',
};

/** "a directory is in the way (EISDIR)": the reason in words, with the code to search for. */
export function describeCause(cause: unknown): string {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  if (code && REASONS[code]) return `${REASONS[code]} (${code})`;
  return cause instanceof Error ? cause.message : String(cause);
}
