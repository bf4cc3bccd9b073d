// Reads a results.json without ever holding it as one string: its `cells` array may be hundreds of
// megabytes (100,000 cells with their output), more than a JavaScript string can hold, and far
// more memory than the parsed cells take. The file is scanned in chunks; each element of the
// top-level `cells` array is parsed on its own and handed over, and everything else (the header,
// environments, summary, findings: small) is parsed as one document with `"cells": []`.
// Any JSON layout is read (results.json of older versions is indented throughout).
import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

const CHUNK = 1 << 20;
const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;

export class JsonShapeError extends Error {}

/**
 * The document without its cells, and each cell as it is read (`onCell(value, index)`). Throws
 * SyntaxError (from JSON.parse) for text that is not JSON, JsonShapeError when the top level is
 * not an object.
 */
export function readJsonWithCells(path: string, onCell: (value: unknown, index: number) => void): unknown {
  const rest: string[] = [];
  let depth = 0;
  let inString = false;
  let escaped = false;
  let inCells = false;
  // Inside the cells array: the element being read, from `start` in the current chunk.
  let element: string[] = [];
  let start = -1;
  let index = 0;
  let seenTop = false;

  const scan = (chunk: string) => {
    let outside = inCells ? -1 : 0; // start of the text that goes to `rest`
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (inString) {
        if (escaped) escaped = false;
        else if (c === BACKSLASH) escaped = true;
        else if (c === QUOTE) inString = false;
        continue;
      }
      if (c === QUOTE) {
        if (inCells && depth === 2) throw new JsonShapeError('expected every element of "cells" to be an object');
        inString = true;
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        if (depth === 0) {
          if (c !== OPEN_BRACE || seenTop) throw new JsonShapeError('expected one JSON object at the top level');
          seenTop = true;
        }
        depth++;
        if (depth === 2 && c === OPEN_BRACKET && !inCells && isCellsKey(rest, chunk.slice(outside, i))) {
          rest.push(chunk.slice(outside, i + 1));
          inCells = true;
          outside = -1;
        } else if (inCells && depth === 3) {
          start = i;
        }
      } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        depth--;
        if (inCells && depth === 2 && start >= 0) {
          element.push(chunk.slice(start, i + 1));
          onCell(JSON.parse(element.join('')), index++);
          element = [];
          start = -1;
        } else if (inCells && depth === 1) {
          inCells = false;
          outside = i;
        }
      } else if (inCells && depth === 2 && start < 0 && c > 32 && c !== 44) {
        throw new JsonShapeError('expected every element of "cells" to be an object');
      }
    }
    if (inCells && start >= 0) {
      element.push(chunk.slice(start));
      start = 0;
    }
    if (outside >= 0) rest.push(chunk.slice(outside));
  };

  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(CHUNK);
    const decoder = new StringDecoder('utf8');
    for (;;) {
      const read = readSync(fd, buffer, 0, CHUNK, null);
      if (read === 0) break;
      scan(decoder.write(buffer.subarray(0, read)));
    }
    scan(decoder.end());
  } finally {
    closeSync(fd);
  }
  return JSON.parse(rest.join(''));
}

/** Whether the text before a `[` at depth 1 ends with the key "cells" and its colon. */
function isCellsKey(rest: string[], current: string): boolean {
  let tail = current;
  for (let i = rest.length - 1; i >= 0 && tail.length < 64; i--) tail = rest[i] + tail;
  return /"cells"\s*:\s*$/.test(tail);
}
