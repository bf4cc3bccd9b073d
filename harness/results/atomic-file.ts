// Result and report files are written whole (temp file + rename in the same folder): a reader,
// a CI artifact upload or a browser opening the file mid-write never sees half of it. A write
// that fails (a full disk, a read-only file system) leaves no temp file behind and says which
// file and why. Content may come as pieces, so that a report of 100,000 cells is never one
// string: pieces are gathered into writes of about a megabyte.
import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
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

const BATCH = 1 << 20;

export function writeFileAtomic(path: string, content: string | Iterable<string>): void {
  const temp = `${path}.${process.pid}.tmp`;
  let fd: number | undefined;
  try {
    mkdirSync(dirname(path), { recursive: true });
    fd = openSync(temp, 'w');
    let batch = '';
    for (const piece of typeof content === 'string' ? [content] : content) {
      batch += piece;
      if (batch.length >= BATCH) {
        writeAll(fd, batch);
        batch = '';
      }
    }
    writeAll(fd, batch);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, path);
  } catch (err) {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // The write already failed: that is the error to report.
      }
    }
    try {
      rmSync(temp, { force: true, recursive: true });
    } catch {
      // Nothing to remove when the folder itself could not be made.
    }
    throw new FileWriteError(path, err);
  }
}

function writeAll(fd: number, text: string): void {
  // A string is written without a Buffer of our own (buffers are freed only when the GC runs);
  // a short write, rare on a file, finishes from a Buffer.
  const written = writeSync(fd, text);
  const bytes = Buffer.byteLength(text);
  if (written >= bytes) return;
  const rest = Buffer.from(text, 'utf8');
  for (let offset = written; offset < bytes; ) offset += writeSync(fd, rest, offset);
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
