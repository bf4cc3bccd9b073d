// How deeply a matrix file nests. yaml parses and composes its tree recursively, so a file
// thousands of levels deep ends in "maximum call stack size exceeded"; a real matrix file nests
// about four levels. The depth is measured first on yaml's token stream (its lexer is a state
// machine, not recursive): flow collections by their brackets, block collections by the columns
// at which their nodes start, as yaml's parser sees them. A file beyond the limit is refused in
// words before the parser runs.
import { CST, Lexer } from 'yaml';

/** Far more than any matrix file needs (matrix -> include -> entry -> value is four). */
export const MAX_NESTING = 64;

export interface DeepestPoint {
  depth: number;
  /** Offset in the text of the node that goes one level too deep. */
  offset: number;
}

// Markers the lexer inserts that are not part of the text.
const MARKERS = new Set([CST.DOCUMENT, CST.FLOW_END, CST.SCALAR]);
// After these, a node starts on the same line (`- - x`, `? key`).
const NODE_INDICATORS = new Set(['seq-item-ind', 'explicit-key-ind']);
const IGNORED = new Set(['space', 'comment', 'newline', 'doc-mode', 'flow-error-end', 'doc-start', 'doc-end', 'directive-line', 'byte-order-mark', 'comma', 'map-value-ind']);

/** Where the text first nests deeper than `limit` collections, or undefined when it does not. */
export function tooDeep(text: string, limit = MAX_NESTING): DeepestPoint | undefined {
  const columns: number[] = []; // start columns of the open block nodes, outermost first
  let flowDepth = 0;
  let offset = 0;
  let lineStart = 0;
  let nodeMayStart = true; // at the first content of a line, or after `- ` / `? `
  let blockScalarBody = false; // the next scalar is the body of a `|` or `>` scalar
  for (const token of new Lexer().lex(text)) {
    const type = CST.tokenType(token) ?? undefined;
    const at = offset;
    if (!MARKERS.has(token)) offset += token.length;
    const newline = token.lastIndexOf('\n');
    if (newline >= 0 && !MARKERS.has(token)) lineStart = at + newline + 1;
    if (type === 'newline') {
      nodeMayStart = true;
      continue;
    }
    if (type === 'block-scalar-header') blockScalarBody = true;
    if (type === undefined || IGNORED.has(type)) continue; // plain text follows its SCALAR marker
    if (type === 'scalar' && blockScalarBody) {
      blockScalarBody = false;
      nodeMayStart = false;
      continue;
    }
    if (flowDepth === 0 && nodeMayStart) {
      const column = at - lineStart;
      while (columns.length > 0 && columns[columns.length - 1]! >= column) columns.pop();
      columns.push(column);
    }
    if (type === 'flow-map-start' || type === 'flow-seq-start') flowDepth++;
    else if ((type === 'flow-map-end' || type === 'flow-seq-end') && flowDepth > 0) flowDepth--;
    const depth = columns.length + flowDepth;
    if (depth > limit) return { depth, offset: at };
    nodeMayStart = flowDepth === 0 && NODE_INDICATORS.has(type);
  }
  return undefined;
}
