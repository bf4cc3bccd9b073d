// Keeps every harness/<folder>/DEPS.list honest, in the spirit of Playwright's DEPS.list:
//   1. every folder with code has a DEPS.list, and every entry in it names something that exists;
//   2. every import in every file (static `import`/`export ... from`, side-effect `import '...'`,
//      dynamic `import('...')`, `require('...')`) is allowed by its folder's DEPS.list;
//   3. no DEPS.list allows what the architecture forbids (LAYERS below), so a failure in (2) cannot be
//      "fixed" by widening a list the wrong way.
// The DEPS.list syntax is documented at the top of each list; parseDepsList below is its definition.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const HARNESS = import.meta.dirname;
const LIST = 'DEPS.list';
const TESTS_ONLY = '# tests only';
const CODE = /\.(?:[cm]?[jt]s|tsx)$/;
const isTest = (file: string) => /\.test\.[cm]?[jt]sx?$/.test(file);
const fromHarness = (path: string) => relative(HARNESS, path).split(sep).join('/');
const show = (path: string) => relative(dirname(HARNESS), path).split(sep).join('/');

// The one-way flow matrix -> plan -> docker -> run -> verdict -> results -> report, with cli wiring
// everything. Paths are relative to harness/; `x/` covers the whole folder. `only` lists every harness
// path a folder may depend on (besides itself); `never` lists the ones it may not. Paths outside
// harness/ and packages are left to the lists, except `dockerode` (DOCKERODE below).
const LAYERS: Record<string, { only?: string[]; never?: string[] }> = {
  matrix: { only: ['results/run-results.ts'] },
  // The image contract: what crosses into the images and back, shared by docker/, run/ and verdict/.
  image: { only: [] },
  plan: { only: ['matrix/', 'verdict/expectations.ts', 'results/run-results.ts'] },
  // The images stage builds what the plan decided (ProjectBuildPlan), nothing else of it; it reads
  // the project's Cargo files through the one Cargo reader.
  docker: { only: ['plan/project-build.ts', 'image/', 'cargo/'] },
  run: {
    only: ['docker/container-client.ts', 'docker/labels.ts', 'docker/images.ts', 'image/', 'matrix/flags.ts', 'matrix/suggest.ts', 'matrix/types.ts', 'plan/', 'verdict/', 'results/', 'report/reporter.ts'],
  },
  verdict: { only: ['results/run-results.ts', 'matrix/', 'image/'] },
  results: { only: [] },
  pypi: { only: [] },
  cpython: { only: ['pypi/proxy-fetch.ts'] },
  // Facts about Cargo projects (members, path dependencies, Cargo.lock): a leaf cli/ and docker/ share.
  cargo: { only: [] },
  report: { never: ['docker/', 'run/', 'cli/'] },
  cli: {},
  // Builders and reporters for tests only: they may use the flow's vocabulary, never drive it.
  'test-support': { only: ['plan/cell-id.ts', 'image/layout.ts', 'image/manifest.ts', 'results/'] },
};
// Only this file talks to the Docker engine through dockerode; everything else goes through the
// interfaces of docker/container-client.ts (Engine, ImageStore, Containers).
const DOCKERODE = { file: 'docker/dockerode-client.ts', section: 'dockerode-client.ts' };

type Section = '*' | 'tests' | { file: string };
type Entry = { text: string; line: number; section: Section };
type DepsList = { dir: string; path: string; entries: Entry[]; problems: string[] };

function parseDepsList(dir: string): DepsList {
  const path = join(dir, LIST);
  const entries: Entry[] = [];
  const problems: string[] = [];
  let section: Section = '*';
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((raw, index) => {
      const text = raw.trim();
      const line = index + 1;
      if (text === TESTS_ONLY) section = 'tests';
      else if (!text || text.startsWith('#')) return;
      else if (/^\[.*\]$/.test(text)) {
        const name = text.slice(1, -1).trim();
        if (name === '*') section = '*';
        else if (CODE.test(name) && existsSync(join(dir, name))) section = { file: name };
        else problems.push(`${show(path)}:${line}: section [${name}] names no code file in ${show(dir)}/`);
      } else if (/\s/.test(text)) problems.push(`${show(path)}:${line}: one entry per line, got "${text}"`);
      else {
        entries.push({ text, line, section });
        if (!isPath(text)) return;
        const target = resolve(dir, text);
        const folder = text.endsWith('/');
        const exists = existsSync(target) && statSync(target).isDirectory() === folder;
        if (!exists) problems.push(`${show(path)}:${line}: ${text} is not an existing ${folder ? 'folder' : 'file'}`);
        else if (inside(dir, target)) problems.push(`${show(path)}:${line}: ${text} is inside this folder, which is always allowed; drop it`);
      }
    });
  return { dir, path, entries, problems };
}

const isPath = (specifier: string) => specifier.startsWith('./') || specifier.startsWith('../') || specifier.startsWith('/');
const inside = (dir: string, path: string) => path === dir || path.startsWith(dir + sep);

function allows(list: DepsList, file: string, entry: Entry, specifier: string, target: string | undefined): boolean {
  const { section } = entry;
  if (section === 'tests' ? !isTest(file) : section !== '*' && join(list.dir, section.file) !== file) return false;
  if (!isPath(entry.text)) {
    return entry.text.endsWith('*') ? specifier.startsWith(entry.text.slice(0, -1)) : specifier === entry.text;
  }
  if (target === undefined) return false;
  const allowed = resolve(list.dir, entry.text);
  return entry.text.endsWith('/') ? dirname(target) === allowed : target === allowed;
}

// ---- Import scanner: a small tokenizer, so comments, strings, templates and regexes never look like imports.

type Token = { kind: 'word' | 'string' | 'template' | 'punct'; value: string; line: number };
type Import = { specifier: string | undefined; line: number };

const REGEX_AFTER_WORD = new Set(['return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await']);

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  const braces: ('block' | 'template')[] = [];
  let i = 0;
  let line = 1;
  const push = (kind: Token['kind'], value: string, at: number) => tokens.push({ kind, value, line: at });
  const advance = (to: number) => {
    for (; i < to; i++) if (source[i] === '\n') line++;
  };
  // Reads template text from i (just past a backtick or a closing `}`) up to the closing backtick
  // (returns true) or to a `${` (returns false).
  const templateText = (start: number): { text: string; closed: boolean } => {
    let text = '';
    while (i < source.length) {
      const c = source[i]!;
      if (c === '\\') {
        text += source[i + 1] ?? '';
        advance(i + 2);
      } else if (c === '`') {
        advance(i + 1);
        return { text, closed: true };
      } else if (c === '$' && source[i + 1] === '{') {
        advance(i + 2);
        braces.push('template');
        return { text, closed: false };
      } else {
        text += c;
        advance(i + 1);
      }
    }
    throw new Error(`unterminated template starting on line ${start}`);
  };
  while (i < source.length) {
    const c = source[i]!;
    const start = line;
    if (/\s/.test(c)) advance(i + 1);
    else if (c === '/' && source[i + 1] === '/') advance(source.indexOf('\n', i) === -1 ? source.length : source.indexOf('\n', i));
    else if (c === '/' && source[i + 1] === '*') advance(source.indexOf('*/', i + 2) === -1 ? source.length : source.indexOf('*/', i + 2) + 2);
    else if (c === '"' || c === "'") {
      let text = '';
      let j = i + 1;
      for (; j < source.length && source[j] !== c && source[j] !== '\n'; j++) text += source[j] === '\\' ? source[++j] : source[j];
      advance(j + 1);
      push('string', text, start);
    } else if (c === '`') {
      advance(i + 1);
      const { text, closed } = templateText(start);
      push(closed ? 'string' : 'template', text, start);
    } else if (c === '}' && braces.at(-1) === 'template') {
      braces.pop();
      advance(i + 1);
      templateText(start);
      push('punct', ')', start); // the rest of a template: closes the expression for our purposes
    } else if (c === '/' && regexMayStart(tokens.at(-1))) {
      let j = i + 1;
      for (let inClass = false; j < source.length && source[j] !== '\n'; j++) {
        if (source[j] === '\\') j++;
        else if (source[j] === '[') inClass = true;
        else if (source[j] === ']') inClass = false;
        else if (source[j] === '/' && !inClass) break;
      }
      for (j++; j < source.length && /[a-z]/i.test(source[j]!); j++);
      advance(j);
      push('punct', 'regex', start);
    } else if (/[\p{L}\p{N}_$]/u.test(c)) {
      const word = /^[\p{L}\p{N}_$]+/u.exec(source.slice(i, i + 200))![0];
      advance(i + word.length);
      push('word', word, start);
    } else {
      const punct = source.startsWith('...', i) ? '...' : source.startsWith('?.', i) ? '?.' : c;
      if (c === '{') braces.push('block');
      if (c === '}') braces.pop();
      advance(i + punct.length);
      push('punct', punct, start);
    }
  }
  return tokens;
}

function regexMayStart(previous: Token | undefined): boolean {
  if (!previous) return true;
  if (previous.kind === 'word') return REGEX_AFTER_WORD.has(previous.value);
  if (previous.kind === 'punct') return ![')', ']', '}', 'regex'].includes(previous.value);
  return false;
}

function importsOf(source: string): Import[] {
  const tokens = tokenize(source);
  const found: Import[] = [];
  tokens.forEach((token, index) => {
    const before = tokens[index - 1];
    const [next, after, closing] = [tokens[index + 1], tokens[index + 2], tokens[index + 3]];
    if (token.kind !== 'word' || (before?.kind === 'punct' && (before.value === '.' || before.value === '?.'))) return;
    const literal = (t: Token | undefined) => (t?.kind === 'string' ? t.value : undefined);
    // `from 'x'` only ever occurs in `import ... from` / `export ... from`.
    if (token.value === 'from' && next?.kind === 'string') found.push({ specifier: next.value, line: next.line });
    else if (token.value === 'import' && next?.kind === 'string') found.push({ specifier: next.value, line: next.line });
    else if ((token.value === 'import' || token.value === 'require') && next?.value === '(' && next.kind === 'punct') {
      const specifier = literal(after);
      const complete = closing?.kind === 'punct' && (closing.value === ')' || closing.value === ',');
      found.push({ specifier: complete ? specifier : undefined, line: token.line });
    }
  });
  return found;
}

// ---- The tree.

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

const folders = readdirSync(HARNESS, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();
const files = folders.flatMap((folder) => walk(join(HARNESS, folder)).filter((file) => CODE.test(file))).sort();
const lists = new Map<string, DepsList>();
// The DEPS.list nearest to a file, looking no higher than its harness/<folder>/.
function listFor(file: string): DepsList | undefined {
  const top = join(HARNESS, fromHarness(file).split('/')[0]!);
  for (let dir = dirname(file); inside(top, dir); dir = dirname(dir)) {
    if (!existsSync(join(dir, LIST))) continue;
    if (!lists.has(dir)) lists.set(dir, parseDepsList(dir));
    return lists.get(dir);
  }
  return undefined;
}
for (const folder of folders) if (existsSync(join(HARNESS, folder, LIST))) listFor(join(HARNESS, folder, LIST));

function violations(file: string): string[] {
  const list = listFor(file);
  if (!list) return [`${show(file)} has no ${LIST} in its folder: add harness/${fromHarness(file).split('/')[0]}/${LIST}`];
  const where = show(list.path);
  return importsOf(readFileSync(file, 'utf8')).flatMap(({ specifier, line }) => {
    const at = `${show(file)}:${line}`;
    if (specifier === undefined) return [`${at}: computed import()/require() specifier; use a string literal so ${where} can check it`];
    const target = isPath(specifier) ? resolve(dirname(file), specifier) : undefined;
    if (target !== undefined && inside(list.dir, target)) return [];
    if (list.entries.some((entry) => allows(list, file, entry, specifier, target))) return [];
    const shown = target === undefined ? specifier : `${specifier} (${show(target)})`;
    const section = isTest(file) ? ` (under "${TESTS_ONLY}" if only tests need it)` : '';
    return [`${at} imports ${shown}, which ${where} does not allow: add it to ${where}${section} if the layering permits it`];
  });
}

function layeringProblems(list: DepsList): string[] {
  const folder = fromHarness(list.dir).split('/')[0]!;
  const rule = LAYERS[folder];
  const where = show(list.path);
  if (!rule) return [`harness/${folder}/ has no entry in LAYERS in harness/deps.test.ts: say what it may depend on`];
  return list.entries.flatMap(({ text, line, section }) => {
    const at = `${where}:${line}: ${text}`;
    const dockerode = text === 'dockerode' || text.startsWith('dockerode/') || (text.endsWith('*') && 'dockerode'.startsWith(text.slice(0, -1)));
    if (dockerode) {
      const ok = fromHarness(list.dir) === dirname(DOCKERODE.file) && typeof section === 'object' && section.file === DOCKERODE.section;
      return ok ? [] : [`${at}: only harness/${DOCKERODE.file} may import dockerode (section [${DOCKERODE.section}] of harness/docker/${LIST})`];
    }
    if (!isPath(text)) return [];
    // Every folder's tests may use the shared test builders; production code may not.
    if (section === 'tests' && text === '../test-support/') return [];
    const target = resolve(list.dir, text);
    if (!inside(HARNESS, target)) return [];
    const path = target === HARNESS ? '' : fromHarness(target) + (text.endsWith('/') ? '/' : '');
    const covers = (rulePath: string) => (rulePath.endsWith('/') ? path.startsWith(rulePath) : path === rulePath);
    if (rule.only && !rule.only.some(covers)) return [`${at}: harness/${folder}/ may depend only on ${rule.only.join(', ') || 'itself'}`];
    const banned = rule.never?.find(covers) ?? rule.never?.find((rulePath) => rulePath.startsWith(path));
    return banned ? [`${at}: harness/${folder}/ must never depend on ${banned}`] : [];
  });
}

describe('DEPS.list', () => {
  it('exists in every harness folder with code, and every entry names something real', () => {
    const missing = folders
      .filter((folder) => walk(join(HARNESS, folder)).some((file) => CODE.test(file)))
      .filter((folder) => !existsSync(join(HARNESS, folder, LIST)))
      .map((folder) => `harness/${folder}/ has code but no ${LIST}`);
    expect([...missing, ...[...lists.values()].flatMap((list) => list.problems)]).toEqual([]);
  });

  it.each([...lists.values()].map((list) => [show(list.path), list] as const))('%s respects the layering', (_, list) => {
    expect(layeringProblems(list)).toEqual([]);
  });

  it.each(files.map((file) => [show(file), file] as const))('%s imports only what its DEPS.list allows', (_, file) => {
    expect(violations(file)).toEqual([]);
  });
});

describe('import scanner', () => {
  it('finds static, re-export, side-effect, type and dynamic imports', () => {
    const source = [
      "import a from 'a';",
      "import type { B } from 'b';",
      'import {',
      '  c,',
      "} from './c.ts';",
      "export * from '../d/';",
      "export { e as from } from 'e';",
      "import 'f';",
      "const g = await import('g');",
      "type H = typeof import('h');",
      "const i = require('i');",
      "const j = import(`j`);",
    ].join('\n');
    expect(importsOf(source)).toEqual([
      { specifier: 'a', line: 1 },
      { specifier: 'b', line: 2 },
      { specifier: './c.ts', line: 5 },
      { specifier: '../d/', line: 6 },
      { specifier: 'e', line: 7 },
      { specifier: 'f', line: 8 },
      { specifier: 'g', line: 9 },
      { specifier: 'h', line: 10 },
      { specifier: 'i', line: 11 },
      { specifier: 'j', line: 12 },
    ]);
  });

  it('ignores look-alikes in comments, strings, templates and regexes, and flags computed specifiers', () => {
    const source = [
      "// import x from 'no-1';",
      "/* export * from 'no-2'; */",
      "const s = \"import from 'no-3'\";",
      "const t = `import('no-4') ${x.import('no-5')} from 'no-6'`;",
      "const r = /from 'no-7'/g;",
      "const from = 'no-8'; const o = { from: 'no-9' }; require.resolve('no-10');",
      'const u = import(name);',
      "const v = import('w' + x);",
    ].join('\n');
    expect(importsOf(source)).toEqual([
      { specifier: undefined, line: 7 },
      { specifier: undefined, line: 8 },
    ]);
  });
});

describe('layering check', () => {
  const listIn = (folder: string, ...texts: (string | [string, Section])[]): DepsList => ({
    dir: join(HARNESS, folder),
    path: join(HARNESS, folder, LIST),
    problems: [],
    entries: texts.map((t, index) => (typeof t === 'string' ? { text: t, line: index + 1, section: '*' } : { text: t[0], line: index + 1, section: t[1] })),
  });

  it('rejects entries the architecture forbids', () => {
    expect(layeringProblems(listIn('run', 'dockerode', '../docker/', '../docker/labels.ts', '../matrix/load.ts', 'p-limit'))).toEqual([
      'harness/run/DEPS.list:1: dockerode: only harness/docker/dockerode-client.ts may import dockerode (section [dockerode-client.ts] of harness/docker/DEPS.list)',
      'harness/run/DEPS.list:2: ../docker/: harness/run/ may depend only on ' + LAYERS.run!.only!.join(', '),
      'harness/run/DEPS.list:4: ../matrix/load.ts: harness/run/ may depend only on ' + LAYERS.run!.only!.join(', '),
    ]);
    expect(layeringProblems(listIn('results', '../test-support/'))).toEqual([
      'harness/results/DEPS.list:1: ../test-support/: harness/results/ may depend only on itself',
    ]);
    expect(layeringProblems(listIn('report', '../', '../run/cell-result.ts', ['../docker/', 'tests'], '*'))).toEqual([
      'harness/report/DEPS.list:1: ../: harness/report/ must never depend on docker/',
      'harness/report/DEPS.list:2: ../run/cell-result.ts: harness/report/ must never depend on run/',
      'harness/report/DEPS.list:3: ../docker/: harness/report/ must never depend on docker/',
      'harness/report/DEPS.list:4: *: only harness/docker/dockerode-client.ts may import dockerode (section [dockerode-client.ts] of harness/docker/DEPS.list)',
    ]);
    expect(layeringProblems(listIn('docker', 'dockerode', ['dockerode', { file: 'dockerode-client.ts' }]))).toEqual([
      'harness/docker/DEPS.list:1: dockerode: only harness/docker/dockerode-client.ts may import dockerode (section [dockerode-client.ts] of harness/docker/DEPS.list)',
    ]);
    expect(layeringProblems(listIn('results', '../plan/cell-id.ts', 'node:fs'))).toEqual([
      'harness/results/DEPS.list:1: ../plan/cell-id.ts: harness/results/ may depend only on itself',
    ]);
  });
});

// The in-image root is spelled in one TypeScript file (image/layout.ts); the image side reads its
// paths from the layout.env that file writes into every build context.
describe('the image layout', () => {
  const REPO = dirname(HARNESS);
  const root = /export const IMAGE_ROOT = '([^']+)'/.exec(readFileSync(join(HARNESS, 'image', 'layout.ts'), 'utf8'))![1]!;
  const sources = [
    ...files,
    ...['docker', 'loaders', 'crates', 'scripts', 'bin'].flatMap((folder) =>
      existsSync(join(REPO, folder)) ? walk(join(REPO, folder)).filter((f) => !/\/(target|node_modules)\//.test(f) && /\.(m?js|ts|sh|py|rs|c|h|Dockerfile)$|Dockerfile$/.test(f)) : [],
    ),
  ];
  it(`is named nowhere but harness/image/layout.ts (${root})`, () => {
    const offenders = sources.filter((file) => !file.endsWith(join('image', 'layout.ts')) && readFileSync(file, 'utf8').includes(root)).map(show);
    expect(offenders).toEqual([]);
  });
});
