// Reading a yaml node tree while recording positioned diagnostics: the plumbing under load.ts.
// Every error carries the line and column of the node at fault, computed with yaml's LineCounter.
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair, type YAMLMap } from 'yaml';
import { controlCharacterIn } from './control-characters.ts';
import { excerpt } from './excerpt.ts';
import { didYouMean } from './suggest.ts';
import type { MatrixDiagnostic, SourcePos } from './types.ts';

/** Something to point at: a node, a pair (its key), an offset in the text, or nothing (1:1). */
export type Where = Node | Pair | number | null | undefined;

/** A scalar's text together with its node, for positioning later errors about the value. */
export interface ScalarItem {
  text: string;
  node: Node;
}

/** Describes a node for "must be X, not Y" messages. */
export function kindOf(node: unknown): string {
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    return node.value === null ? 'empty' : `${typeof node.value} ${excerpt(node.source ?? String(node.value))}`;
  }
  return 'nothing';
}

export class YamlReader {
  readonly errors: MatrixDiagnostic[] = [];
  readonly warnings: MatrixDiagnostic[] = [];

  constructor(
    readonly file: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  pos(where: Where): SourcePos {
    let offset: number | undefined;
    if (typeof where === 'number') offset = where;
    else if (where && 'range' in where && where.range) offset = where.range[0];
    else if (where && 'key' in where) return this.pos(where.key as Node);
    if (offset === undefined) return { file: this.file, line: 1, col: 1 };
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line: Math.max(line, 1), col: Math.max(col, 1) };
  }

  error(where: Where, message: string, hint: string): void {
    this.errors.push({ severity: 'error', at: this.pos(where), message, hint });
  }

  warn(where: Where, message: string, hint: string): void {
    this.warnings.push({ severity: 'warning', at: this.pos(where), message, hint });
  }

  /** Follows `*alias` references (aliases to unknown anchors are reported before reading). */
  deref(node: unknown): Node | undefined {
    if (isAlias(node)) return node.resolve(this.doc) as Node | undefined;
    return (node ?? undefined) as Node | undefined;
  }

  value(pair: Pair): Node | undefined {
    return this.deref(pair.value);
  }

  keyNode(pair: Pair): Node {
    return pair.key as Node;
  }

  private keyName(pair: Pair): string | undefined {
    const key = pair.key;
    if (isScalar(key) && key.value !== null && typeof key.value !== 'object') {
      const name = typeof key.value === 'string' ? key.value : (key.source ?? String(key.value));
      const control = controlCharacterIn(name);
      if (control === undefined) return name;
      // Keys name axes and loaders, which end up in cell ids and terminal lines.
      this.error(key as Node, `the key "${excerpt(name)}" holds ${control}`, 'write keys as plain names on one line, e.g. `python:`');
      return undefined;
    }
    this.error(key as Node, 'keys must be plain names', 'write the key as a plain word, e.g. `python:`');
    return undefined;
  }

  /**
   * The pairs of a mapping by key name, in file order. With `valid`, other keys are errors with
   * a "did you mean". `accepted` are valid too but not offered (old names kept working).
   * A key repeated in the file was already reported by yaml: the first wins.
   */
  pairs(map: YAMLMap, valid: readonly string[] | undefined, what: string, accepted: readonly string[] = []): Map<string, Pair> {
    const result = new Map<string, Pair>();
    for (const item of map.items) {
      const pair = item as Pair;
      const name = this.keyName(pair);
      if (name === undefined || result.has(name)) continue;
      if (valid && !valid.includes(name) && !accepted.includes(name)) {
        const hint = `${didYouMean(name, valid)}valid keys: ${valid.join(', ')}`;
        this.error(pair.key as Node, `unknown ${what} \`${name}\``, hint);
        continue;
      }
      result.set(name, pair);
    }
    return result;
  }

  /**
   * A scalar as a string. YAML numbers and booleans are stringified, but a number whose
   * canonical form differs from what was written (3.10 is read as 3.1, 1.20 as 1.2, 0x1f as 31)
   * is an error: silently testing another version than the one written would be worse.
   * `keyForEmpty` is where to point when the value is missing (a null has no useful position).
   */
  scalarText(node: Node | undefined, what: string, keyForEmpty?: Node): string | undefined {
    if (!isScalar(node)) {
      this.error(node ?? keyForEmpty, `${what} must be a single value, not ${kindOf(node)}`, 'write a string or a number');
      return undefined;
    }
    const value = node.value;
    if (value === null || value === undefined) {
      this.error(keyForEmpty ?? node, `${what} is empty`, 'write a value (quote it if it is meant to be "null" or "~")');
      return undefined;
    }
    if (typeof value === 'number') {
      const written = node.source ?? String(value);
      if (String(value) !== written) {
        this.error(node, `YAML reads ${written} as the number ${String(value)}`, `quote it to keep it as written: "${written}"`);
        return undefined;
      }
      return written;
    }
    if (typeof value === 'string') return value;
    if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
    this.error(node, `${what} must be a string or a number`, 'quote the value');
    return undefined;
  }

  /** A scalar or a non-empty list of scalars; undefined (after reporting) when any is invalid. */
  oneOrMany(node: Node | undefined, key: Node, what: string): ScalarItem[] | undefined {
    if (!isSeq(node)) {
      const text = this.scalarText(node, what, key);
      return text === undefined ? undefined : [{ text, node: node! }];
    }
    if (node.items.length === 0) {
      this.error(node, `${what} is an empty list`, 'list at least one value');
      return undefined;
    }
    const items: ScalarItem[] = [];
    for (const item of node.items) {
      const itemNode = this.deref(item);
      const text = this.scalarText(itemNode, what, key);
      if (text !== undefined) items.push({ text, node: itemNode! });
    }
    return items.length === node.items.length ? items : undefined;
  }
}
