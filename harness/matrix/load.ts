// Reads and validates a matrix file (matrix.yaml; format in docs/matrix-semantics.md). Works on
// yaml's node tree rather than plain JS values so that every diagnostic carries the line and
// column of the node at fault, and collects every problem before failing so that users can fix
// the file in one pass.
import fs from 'node:fs';
import path from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Node, type Pair, type YAMLError, type YAMLMap } from 'yaml';
import { OUTCOMES, type Outcome } from '../results/run-results.ts';
import { axisValueKey, checkAxisValue, type AxisValueCheck } from './axis-values.ts';
import { AXIS_EXAMPLES, checkCells } from './cell-checks.ts';
import { MatrixFileError, sortDiagnostics } from './diagnostics.ts';
import { excerpt, looksBinary } from './excerpt.ts';
import { readFixture } from './fixture-section.ts';
import { readLoaders } from './loaders-section.ts';
import { closest, didYouMean } from './suggest.ts';
import {
  KNOWN_AXES,
  type Combination,
  type CustomLoader,
  type ExpectRule,
  type FixtureConfig,
  type MatrixConfig,
  type MatrixDiagnostic,
  type MatrixEntry,
  type MatrixOptions,
  type SourcePos,
} from './types.ts';
import { kindOf, YamlReader } from './yaml-reader.ts';

// Callers get the expansion from here too, so that nobody re-implements the GitHub rules.
export { matrixCombinations } from './expand.ts';

export interface ParsedMatrix {
  config: MatrixConfig;
  /** Problems that do not stop a run, sorted by position. Errors are thrown instead. */
  warnings: MatrixDiagnostic[];
}

export const DEFAULT_IMPORTS: readonly string[] = ['numpy'];
export const DEFAULT_OPTIONS: Readonly<MatrixOptions> = {
  timeoutSeconds: 60,
  maxCells: 4096,
  hostCaCertificates: 'auto',
  cellThreads: 1,
};

const TOP_KEYS = ['fixture', 'imports', 'loaders', 'matrix', 'expect', 'options'];
const RULE_KEYS = ['when', 'outcome'];
const OPTION_KEYS = ['timeout', 'max-cells', 'host-ca-certificates', 'cache-registry', 'cell-threads'];
/** A Docker repository name: [host[:port]/]path, lower case. */
const REPOSITORY = /^([a-z0-9.-]+(:\d+)?\/)?[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;
const MATRIX_LISTS = ['exclude', 'include'];
// A dotted Python module path, as `import` accepts it.
const MODULE_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const OUTCOME_LIST = OUTCOMES.join(', ');

const YAML_HINTS: Partial<Record<YAMLError['code'], string>> = {
  DUPLICATE_KEY: 'a key may appear once per mapping: merge the two entries or rename one',
  TAB_AS_INDENT: 'indent with spaces, not tabs',
  MULTIPLE_DOCS: 'a matrix file holds one YAML document: remove the `---` separator and what follows',
  BAD_INDENT: 'align the entries of each block and close [ ] and { } on the same nesting level',
  MISSING_CHAR: 'close the quote, bracket or brace',
};
const YAML_HINT = 'fix the YAML syntax; quote values that contain `: `, ` #`, `[`, `]`, `{` or `}`';

/** Parse and validate the text of a matrix file. `file` anchors relative paths and positions. */
export function parseMatrix(text: string, file: string): ParsedMatrix {
  const absFile = path.resolve(file);
  if (looksBinary(text)) {
    throw new MatrixFileError([
      {
        severity: 'error',
        at: { file: absFile, line: 1, col: 1 },
        message: `this is not a YAML text file: it holds binary data (it starts "${excerpt(text, 24)}")`,
        hint: 'give the matrix YAML file (e.g. --config matrix.yaml); `dlmatrix init` writes one for a Cargo project',
      },
    ]);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const reader = new YamlReader(absFile, doc, lines);

  for (const e of doc.errors) reader.error(e.pos[0], lowerFirst(e.message), YAML_HINTS[e.code] ?? YAML_HINT);
  for (const w of doc.warnings) reader.warn(w.pos[0], lowerFirst(w.message), 'see the YAML 1.2 specification');
  // yaml leaves an alias to an unknown anchor for toJS() to fail on: report it as syntax.
  visit(doc, {
    Alias(_, alias) {
      if (alias.resolve(doc) === undefined) {
        reader.error(alias, `unknown alias *${alias.source}`, `define the anchor with &${alias.source} before using it`);
      }
    },
  });
  // Only duplicate keys leave a tree worth validating; other syntax errors make it guesswork.
  if (reader.errors.length > doc.errors.filter((e) => e.code === 'DUPLICATE_KEY').length) {
    throw new MatrixFileError(reader.errors);
  }

  const root = reader.deref(doc.contents);
  if (root === undefined || (isScalar(root) && root.value === null)) {
    reader.error(0, 'the matrix file is empty', 'start with `fixture: <crate folder>` and a `matrix:` mapping');
    throw new MatrixFileError(reader.errors);
  }
  if (!isMap(root)) {
    reader.error(
      root,
      `the matrix file must be a YAML mapping, not ${kindOf(root)}`,
      'write `key: value` lines: `fixture:`, `matrix:` and optionally `imports:`, `loaders:`, `expect:`, `options:`',
    );
    throw new MatrixFileError(reader.errors);
  }

  const config = new MatrixReader(reader, absFile).read(root);
  if (reader.errors.length > 0) throw new MatrixFileError(reader.errors);
  return { config, warnings: sortDiagnostics(reader.warnings) };
}

/** Read and parse a matrix file; a missing or unreadable file is a MatrixFileError too. */
export function loadMatrix(file: string): ParsedMatrix {
  const absFile = path.resolve(file);
  let text: string;
  try {
    text = fs.readFileSync(absFile, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const [message, hint] =
      code === 'ENOENT'
        ? ['matrix file not found', `check the path (it resolved to ${absFile}); see docs/matrix-semantics.md`]
        : code === 'EISDIR'
          ? ['the matrix path is a folder, not a file', `give the YAML file itself, e.g. ${path.join(file, 'matrix.yaml')}`]
          : [`cannot read the matrix file: ${(error as Error).message}`, 'check the file permissions'];
    throw new MatrixFileError([{ severity: 'error', at: { file: absFile, line: 1, col: 1 }, message, hint }]);
  }
  return parseMatrix(text, absFile);
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/** What axis values are checked against: the project's own loaders and fix. */
interface ProjectContext {
  fixture: FixtureConfig;
  loaders: Record<string, CustomLoader>;
}

interface MatrixSection {
  axes: Record<string, string[]>;
  exclude: MatrixEntry[];
  include: MatrixEntry[];
  /** The `matrix:` key: where errors about the expansion as a whole point. */
  key: Node | undefined;
  /** True when the section had no errors, so expanding it is meaningful. */
  valid: boolean;
}

/** The sections of the file, each validated against its own rules. */
class MatrixReader {
  private readonly dir: string;
  private optionsValid = true;

  constructor(
    private readonly r: YamlReader,
    private readonly file: string,
  ) {
    this.dir = path.dirname(file);
  }

  read(root: YAMLMap): MatrixConfig {
    const pairs = this.r.pairs(root, TOP_KEYS, 'top-level key');
    const fixture = readFixture(this.r, root, pairs.get('fixture'), this.dir);
    const imports = pairs.has('imports') ? this.imports(pairs.get('imports')!) : [...DEFAULT_IMPORTS];
    const loaders = pairs.has('loaders') ? readLoaders(this.r, pairs.get('loaders')!) : {};
    const options = pairs.has('options') ? this.options(pairs.get('options')!) : { ...DEFAULT_OPTIONS };
    const matrix = this.matrix(root, pairs.get('matrix'), { fixture, loaders });
    const expect = pairs.has('expect') ? this.expect(pairs.get('expect')!, matrix) : [];
    // Expanding a matrix that has errors would only add confusing follow-up errors.
    if (matrix.valid && this.optionsValid) {
      const checks = checkCells({ ...matrix, loaders, expect, maxCells: options.maxCells, matrixAt: this.r.pos(matrix.key) });
      for (const d of checks) (d.severity === 'error' ? this.r.errors : this.r.warnings).push(d);
    }
    return {
      file: this.file,
      fixture,
      loaders,
      imports,
      axes: matrix.axes,
      exclude: matrix.exclude,
      include: matrix.include,
      expect,
      options,
      valuePositions: this.valuePositions,
    };
  }

  private readonly valuePositions: Record<string, Record<string, SourcePos>> = {};

  private notePosition(axis: string, value: string, node: Node): void {
    const positions = (this.valuePositions[axis] ??= {});
    positions[value] ??= this.r.pos(node);
  }

  private imports(pair: Pair): string[] {
    const node = this.r.value(pair);
    if (!isSeq(node) || node.items.length === 0) {
      this.r.error(
        node ?? pair,
        `\`imports\` must be a non-empty list of module names, not ${kindOf(node)}`,
        'write a list of Python modules, e.g. `imports: [numpy]`',
      );
      return [...DEFAULT_IMPORTS];
    }
    const modules: string[] = [];
    for (const item of node.items) {
      const itemNode = this.r.deref(item);
      const name = this.r.scalarText(itemNode, 'a module name');
      if (name === undefined) continue;
      if (!MODULE_NAME.test(name)) {
        this.r.error(itemNode, `invalid module name "${name}"`, 'write a module as `import` takes it, e.g. numpy.linalg');
      } else if (modules.includes(name)) {
        this.r.error(itemNode, `module "${name}" is listed twice`, 'remove one');
      } else {
        modules.push(name);
      }
    }
    return modules;
  }

  private options(pair: Pair): MatrixOptions {
    const options = { ...DEFAULT_OPTIONS };
    const before = this.r.errors.length;
    const node = this.r.value(pair);
    if (!isMap(node)) {
      this.r.error(node ?? pair, `\`options\` must be a mapping, not ${kindOf(node)}`, `valid keys: ${OPTION_KEYS.join(', ')}`);
      this.optionsValid = false;
      return options;
    }
    const pairs = this.r.pairs(node, OPTION_KEYS, 'option');
    const number = (name: string, valid: (n: number) => boolean, what: string, hint: string): number | undefined => {
      const p = pairs.get(name);
      if (!p) return undefined;
      const v = this.r.value(p);
      if (isScalar(v) && typeof v.value === 'number' && valid(v.value)) return v.value;
      this.r.error(v ?? p, `\`${name}\` must be ${what}, not ${kindOf(v)}`, hint);
      return undefined;
    };
    options.timeoutSeconds =
      number('timeout', (n) => Number.isFinite(n) && n > 0, 'a positive number of seconds', 'e.g. `timeout: 60` (per cell)') ??
      options.timeoutSeconds;
    options.maxCells =
      number('max-cells', (n) => Number.isInteger(n) && n > 0, 'a positive whole number', 'e.g. `max-cells: 4096`') ??
      options.maxCells;
    const ca = pairs.get('host-ca-certificates');
    if (ca) {
      const v = this.r.value(ca);
      const text = isScalar(v) && ['boolean', 'string'].includes(typeof v.value) ? String(v.value) : undefined;
      if (text === 'auto') options.hostCaCertificates = 'auto';
      else if (text === 'true' || text === 'false') options.hostCaCertificates = text === 'true';
      else {
        this.r.error(
          v ?? ca,
          `\`host-ca-certificates\` must be auto, true or false, not ${kindOf(v)}`,
          'auto copies the host CA bundle into images only when SSL_CERT_FILE is set',
        );
      }
    }
    const threads = pairs.get('cell-threads');
    if (threads) {
      const v = this.r.value(threads);
      if (isScalar(v) && v.value === 'default') options.cellThreads = 'default';
      else if (isScalar(v) && typeof v.value === 'number' && Number.isInteger(v.value) && v.value > 0) options.cellThreads = v.value;
      else {
        this.r.error(
          v ?? threads,
          `\`cell-threads\` must be a positive whole number or default, not ${kindOf(v)}`,
          'e.g. `cell-threads: 1` (the default: cells run side by side, so one BLAS thread each) or `cell-threads: default` (the libraries choose)',
        );
      }
    }
    const registry = pairs.get('cache-registry');
    if (registry) {
      const v = this.r.value(registry);
      const text = this.r.scalarText(v, '`cache-registry`', this.r.keyNode(registry));
      if (text !== undefined && !REPOSITORY.test(text)) {
        this.r.error(v, `\`cache-registry\` "${text}" is not a registry repository`, 'e.g. `cache-registry: ghcr.io/me/dlmatrix-cache` or `localhost:5000/dlmatrix` (no tag)');
      } else if (text !== undefined) options.cacheRegistry = text;
    }
    this.optionsValid = this.r.errors.length === before;
    return options;
  }

  private matrix(root: YAMLMap, pair: Pair | undefined, project: ProjectContext): MatrixSection {
    const section: MatrixSection = { axes: {}, exclude: [], include: [], key: undefined, valid: false };
    const before = this.r.errors.length;
    const axesHint = `write one \`axis: [values]\` line per axis: ${KNOWN_AXES.join(', ')}`;
    if (pair === undefined) {
      this.r.error(root, 'missing required key `matrix`', axesHint);
      return section;
    }
    section.key = this.r.keyNode(pair);
    const node = this.r.value(pair);
    if (!isMap(node)) {
      this.r.error(node ?? pair, `\`matrix\` must be a mapping of axes, not ${kindOf(node)}`, axesHint);
      return section;
    }
    const pairs = this.r.pairs(node, undefined, 'matrix key');
    // Axes first: exclude keys are checked against them wherever exclude appears in the file.
    for (const [name, axisPair] of pairs) {
      if (!MATRIX_LISTS.includes(name)) section.axes[name] = this.axis(name, axisPair, project);
    }
    const exclude = pairs.get('exclude');
    if (exclude) section.exclude = this.entries(exclude, 'exclude', section.axes, project);
    const include = pairs.get('include');
    if (include) section.include = this.entries(include, 'include', section.axes, project);
    section.valid = this.r.errors.length === before;
    return section;
  }

  private axis(name: string, pair: Pair, project: ProjectContext): string[] {
    const node = this.r.value(pair);
    const values: string[] = [];
    if (isScalar(node) && node.value === null) {
      this.r.error(pair, `axis \`${name}\` has no values`, `e.g. \`${AXIS_EXAMPLES[name] ?? `${name}: [a, b]`}\``);
      return values;
    }
    if (!isSeq(node)) {
      const hint = isScalar(node) ? `write \`${name}: [${node.source ?? String(node.value)}]\`` : 'write `[a, b]`';
      this.r.error(node, `axis \`${name}\` must be a list of values, not ${kindOf(node)}`, hint);
      return values;
    }
    if (node.items.length === 0) {
      this.r.error(node, `axis \`${name}\` has no values`, 'list at least one value, or remove the axis');
      return values;
    }
    const seen = new Map<string, Node>();
    for (const item of node.items) {
      const itemNode = this.r.deref(item);
      if (isMap(itemNode) || isSeq(itemNode)) {
        // A list of mappings under a near-miss of `exclude`/`include` is almost surely a typo.
        const guess = closest(name, MATRIX_LISTS);
        this.r.error(
          itemNode,
          `values of axis \`${name}\` must be single values, not ${kindOf(itemNode)}`,
          `${guess ? `did you mean \`${guess}\`? ` : ''}write strings or numbers; use \`include\` to add combinations`,
        );
        continue;
      }
      const text = this.r.scalarText(itemNode, `a value of axis \`${name}\``);
      if (text === undefined) continue;
      const checked = this.checkValue(name, text, project);
      if (!checked.ok) {
        this.r.error(itemNode, checked.message, checked.hint);
        continue;
      }
      const identity = axisValueKey(name, checked.value);
      const first = seen.get(identity);
      if (first) {
        const at = this.r.pos(first);
        const hint = `it is already listed at line ${at.line}, column ${at.col}; remove one`;
        this.r.error(itemNode, `duplicate value "${text}" in axis \`${name}\``, hint);
        continue;
      }
      seen.set(identity, itemNode!);
      values.push(checked.value);
      this.notePosition(name, checked.value, itemNode!);
    }
    return values;
  }

  /** `exclude` or `include`: a list of mappings of scalars. */
  private entries(pair: Pair, kind: 'exclude' | 'include', axes: Record<string, string[]>, project: ProjectContext): MatrixEntry[] {
    const axisNames = Object.keys(axes);
    const node = this.r.value(pair);
    const example =
      kind === 'exclude'
        ? '`- {loader: node, flags: linked}`'
        : '`- {distro: bookworm, python: "3.12", numpy: system, loader: c, flags: linked}`';
    if (!isSeq(node)) {
      this.r.error(node ?? pair, `\`${kind}\` must be a list of mappings, not ${kindOf(node)}`, `e.g. ${example}`);
      return [];
    }
    const entries: MatrixEntry[] = [];
    for (const item of node.items) {
      const entry = this.r.deref(item);
      if (!isMap(entry)) {
        this.r.error(entry, `each \`${kind}\` entry must be a mapping, not ${kindOf(entry)}`, `e.g. ${example}`);
        continue;
      }
      if (kind === 'exclude' && entry.items.length === 0) {
        this.r.error(entry, 'empty `exclude` entry', 'it would exclude every combination; give the axis values to exclude');
        continue;
      }
      const values: Combination = {};
      let ok = true;
      for (const [name, entryPair] of this.r.pairs(entry, undefined, `${kind} key`)) {
        const key = this.r.keyNode(entryPair);
        // GitHub rejects exclude keys that are not axes: they could never match anything.
        if (kind === 'exclude' && !axisNames.includes(name)) {
          const hint = `${didYouMean(name, axisNames)}axes: ${axisNames.join(', ')}`;
          this.r.error(key, `exclude key \`${name}\` is not an axis of the matrix`, hint);
          ok = false;
          continue;
        }
        const valueNode = this.r.value(entryPair);
        const text = this.r.scalarText(valueNode, `\`${kind}\` value of \`${name}\``, key);
        const checked = text === undefined ? undefined : this.checkValue(name, text, project);
        if (checked && !checked.ok) this.r.error(valueNode, checked.message, checked.hint);
        if (checked?.ok) {
          values[name] = this.axisSpelling(name, checked.value, axes[name]);
          if (kind === 'include') this.notePosition(name, values[name], valueNode!);
        }
        else ok = false;
      }
      if (ok) entries.push({ values, at: this.r.pos(entry) });
    }
    return entries;
  }

  /** An axis value, checked against the project: its own loaders, and a fix to promote. */
  private checkValue(axis: string, text: string, project: ProjectContext): AxisValueCheck {
    const checked = checkAxisValue(axis, text, Object.keys(project.loaders));
    if (checked.ok && axis === 'mitigation' && checked.value === 'promote' && !project.fixture.promoteFeature) {
      return {
        ok: false,
        message: 'mitigation `promote` needs the cargo feature that turns on the library\'s own fix',
        hint:
          'add `promote-feature: NAME` under `fixture:` (mapping form: `fixture: {path: DIR, promote-feature: NAME}`); ' +
          'the built-in fixture\'s feature is `promote`',
      };
    }
    return checked;
  }

  /**
   * The axis's own spelling of an entry value that means the same: `RTLD_NOW|RTLD_LOCAL` in an
   * exclude must remove the cells of axis value `RTLD_LOCAL|RTLD_NOW`, although entries match by
   * string equality (GitHub semantics).
   */
  private axisSpelling(axis: string, value: string, axisValues: readonly string[] | undefined): string {
    const identity = axisValueKey(axis, value);
    return axisValues?.find((v) => axisValueKey(axis, v) === identity) ?? value;
  }

  private expect(pair: Pair, matrix: MatrixSection): ExpectRule[] {
    const node = this.r.value(pair);
    const example = 'e.g. `- when: {loader: node}` with `outcome: crash` on the next line; the first matching rule wins';
    if (!isSeq(node)) {
      this.r.error(node ?? pair, `\`expect\` must be a list of rules, not ${kindOf(node)}`, example);
      return [];
    }
    // `when` may name any key a cell can have: matrix axes and keys added by include.
    const axisNames = [...new Set([...Object.keys(matrix.axes), ...matrix.include.flatMap((e) => Object.keys(e.values))])];
    const rules: ExpectRule[] = [];
    for (const item of node.items) {
      const ruleNode = this.r.deref(item);
      if (!isMap(ruleNode)) {
        this.r.error(ruleNode, `each \`expect\` rule must be a mapping, not ${kindOf(ruleNode)}`, example);
        continue;
      }
      const pairs = this.r.pairs(ruleNode, RULE_KEYS, '`expect` key');
      const when = pairs.has('when') ? this.when(pairs.get('when')!, axisNames) : {};
      const outcomePair = pairs.get('outcome');
      if (!outcomePair) {
        this.r.error(ruleNode, 'expect rule has no `outcome`', `add \`outcome:\` with one or a list of: ${OUTCOME_LIST}`);
        continue;
      }
      const outcomes = this.outcomes(outcomePair);
      if (when && outcomes) rules.push({ when, outcomes, at: this.r.pos(ruleNode) });
    }
    return rules;
  }

  private when(pair: Pair, axisNames: string[]): Record<string, string[]> | undefined {
    const node = this.r.value(pair);
    if (!isMap(node)) {
      this.r.error(
        node ?? pair,
        `\`when\` must be a mapping of axis to glob(s), not ${kindOf(node)}`,
        'e.g. `when: {flags: "RTLD_LOCAL*", numpy: ["1.*", system]}`',
      );
      return undefined;
    }
    const when: Record<string, string[]> = {};
    let ok = true;
    for (const [name, axisPair] of this.r.pairs(node, undefined, '`when` key')) {
      const key = this.r.keyNode(axisPair);
      if (!axisNames.includes(name)) {
        const hint = `${didYouMean(name, axisNames)}axes: ${axisNames.join(', ')}`;
        this.r.error(key, `\`when\` names \`${name}\`, which is not an axis of the matrix`, hint);
        ok = false;
        continue;
      }
      const globs = this.r.oneOrMany(this.r.value(axisPair), key, `\`when\` value of \`${name}\``);
      if (!globs) {
        ok = false;
        continue;
      }
      // Flags values are stored without spaces around `|`; globs on them are written the same way.
      when[name] = globs.map((g) => (name === 'flags' ? g.text.trim().replace(/\s*\|\s*/g, '|') : g.text));
    }
    return ok ? when : undefined;
  }

  private outcomes(pair: Pair): Outcome[] | undefined {
    const list = this.r.oneOrMany(this.r.value(pair), this.r.keyNode(pair), '`outcome`');
    if (!list) return undefined;
    const outcomes: Outcome[] = [];
    let ok = true;
    for (const { text, node } of list) {
      if (!(OUTCOMES as readonly string[]).includes(text)) {
        this.r.error(node, `unknown outcome "${text}"`, `${didYouMean(text, OUTCOMES)}valid outcomes: ${OUTCOME_LIST}`);
        ok = false;
      } else if (!outcomes.includes(text as Outcome)) {
        outcomes.push(text as Outcome);
      }
    }
    return ok ? outcomes : undefined;
  }
}
