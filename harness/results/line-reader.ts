// Reads a text file line by line without holding it whole: a journal or a results file may be
// hundreds of megabytes, more than one JavaScript string can hold. Lines are split on '\n' in
// the bytes, so a UTF-8 character is never cut in two.
import { closeSync, openSync, readSync } from 'node:fs';

const CHUNK = 1 << 20;

export interface Line {
  /** 1-based, as an editor shows it. */
  number: number;
  text: string;
  /** False for the last line when the file does not end with '\n' (e.g. a write cut by a kill). */
  terminated: boolean;
}

export function* readLines(path: string): Generator<Line> {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(CHUNK);
    let pending: Buffer[] = [];
    let number = 0;
    for (;;) {
      const read = readSync(fd, buffer, 0, CHUNK, null);
      if (read === 0) break;
      let start = 0;
      for (let end = buffer.indexOf(10, start); end !== -1 && end < read; end = buffer.indexOf(10, start)) {
        // Decoded straight from the read buffer; only a line that spans reads is copied first.
        const text = pending.length === 0 ? buffer.toString('utf8', start, end) : Buffer.concat([...pending, buffer.subarray(start, end)]).toString('utf8');
        yield { number: ++number, text, terminated: true };
        pending = [];
        start = end + 1;
      }
      if (start < read) pending.push(Buffer.from(buffer.subarray(start, read)));
    }
    if (pending.length > 0) yield { number: ++number, text: Buffer.concat(pending).toString('utf8'), terminated: false };
  } finally {
    closeSync(fd);
  }
}
