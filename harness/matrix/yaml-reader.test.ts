import { isMap, LineCounter, parseDocument, type Node, type Pair, type YAMLMap } from 'yaml';
import { describe, expect, it } from 'vitest';
import { kindOf, YamlReader } from './yaml-reader.ts';

function read(text: string): { reader: YamlReader; root: YAMLMap } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  if (!isMap(doc.contents)) throw new Error('test document must be a mapping');
  return { reader: new YamlReader('/m.yaml', doc, lines), root: doc.contents };
}

function valueOf(reader: YamlReader, root: YAMLMap, key: string): Node | undefined {
  return reader.value(reader.pairs(root, undefined, 'key').get(key)!);
}

describe('YamlReader', () => {
  it('turns node offsets into 1-based line and column', () => {
    const { reader, root } = read('a: 1\nlist:\n  - x\n  - yy\n');
    const list = valueOf(reader, root, 'list') as unknown as { items: Node[] };
    expect(reader.pos(list.items[1])).toEqual({ file: '/m.yaml', line: 4, col: 5 });
    expect(reader.pos(root.items[1] as Pair)).toEqual({ file: '/m.yaml', line: 2, col: 1 });
    expect(reader.pos(undefined)).toEqual({ file: '/m.yaml', line: 1, col: 1 });
  });

  it('reports unknown keys with a suggestion and keeps the first of repeated keys', () => {
    const { reader, root } = read('timeout: 1\ntimout: 2\n');
    const pairs = reader.pairs(root, ['timeout', 'max-cells'], 'option');
    expect([...pairs.keys()]).toEqual(['timeout']);
    expect(reader.errors).toEqual([
      {
        severity: 'error',
        at: { file: '/m.yaml', line: 2, col: 1 },
        message: 'unknown option `timout`',
        hint: 'did you mean `timeout`? valid keys: timeout, max-cells',
      },
    ]);
  });

  it('stringifies numbers and booleans as written', () => {
    const { reader, root } = read('a: 3.12\nb: true\nc: 16\nd: "3.10"\n');
    const texts = ['a', 'b', 'c', 'd'].map((k) => reader.scalarText(valueOf(reader, root, k), k));
    expect(texts).toEqual(['3.12', 'true', '16', '3.10']);
    expect(reader.errors).toEqual([]);
  });

  it('refuses numbers YAML changes, pointing at the value', () => {
    const { reader, root } = read('python: 3.10\n');
    expect(reader.scalarText(valueOf(reader, root, 'python'), 'python')).toBeUndefined();
    expect(reader.errors[0]).toMatchObject({ at: { line: 1, col: 9 }, hint: 'quote it to keep it as written: "3.10"' });
  });

  it('reports an empty value at the key it belongs to', () => {
    const { reader, root } = read('\nproject:\n');
    const pair = reader.pairs(root, undefined, 'key').get('project')!;
    expect(reader.scalarText(reader.value(pair), '`project`', reader.keyNode(pair))).toBeUndefined();
    expect(reader.errors[0]).toMatchObject({ at: { line: 2, col: 1 }, message: '`project` is empty' });
  });

  it('reads one value or a list of values', () => {
    const { reader, root } = read('a: x\nb: [x, 2]\nc: []\n');
    const key = root.items[0]!.key as Node;
    expect(reader.oneOrMany(valueOf(reader, root, 'a'), key, 'a')?.map((i) => i.text)).toEqual(['x']);
    expect(reader.oneOrMany(valueOf(reader, root, 'b'), key, 'b')?.map((i) => i.text)).toEqual(['x', '2']);
    expect(reader.oneOrMany(valueOf(reader, root, 'c'), key, 'c')).toBeUndefined();
    expect(reader.errors.map((e) => e.message)).toEqual(['c is an empty list']);
  });

  it('follows aliases', () => {
    const { reader, root } = read('a: &x [1]\nb: *x\n');
    expect(kindOf(valueOf(reader, root, 'b'))).toBe('a list');
  });
});

describe('kindOf', () => {
  it('names the shape of a node for messages', () => {
    const { reader, root } = read('m: {}\ns: []\nn: 1.5\nz:\n');
    expect(['m', 's', 'n', 'z'].map((k) => kindOf(valueOf(reader, root, k)))).toEqual(['a mapping', 'a list', 'number 1.5', 'empty']);
  });
});
