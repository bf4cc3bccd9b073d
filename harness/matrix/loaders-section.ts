// `loaders:` of the matrix file: the user's own host programs. Each becomes a value the `loader`
// axis may take, next to the built-in c, rust and node.
import { isMap, isSeq, type Pair } from 'yaml';
import { BUILTIN_LOADERS } from './axis-values.ts';
import { closest } from './suggest.ts';
import { LOADER_PLACEHOLDERS, type CustomLoader } from './types.ts';
import { kindOf, type YamlReader } from './yaml-reader.ts';

const LOADER_KEYS = ['build', 'run', 'env'];
const NAME = /^[A-Za-z][A-Za-z0-9_.-]*$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const EXAMPLE = 'e.g. `myhost: {build: "cc -o myhost host.c -ldl", run: [./myhost, "{library}", "{flags}"]}`';
const PLACEHOLDER = /\{([^{}]*)\}/g;

export function readLoaders(r: YamlReader, pair: Pair): Record<string, CustomLoader> {
  const node = r.value(pair);
  const loaders: Record<string, CustomLoader> = {};
  if (!isMap(node)) {
    r.error(node ?? pair, `\`loaders\` must be a mapping of name to host program, not ${kindOf(node)}`, EXAMPLE);
    return loaders;
  }
  for (const [name, loaderPair] of r.pairs(node, undefined, 'loader')) {
    const key = r.keyNode(loaderPair);
    if ((BUILTIN_LOADERS as readonly string[]).includes(name)) {
      r.error(key, `loader name \`${name}\` is taken by a built-in loader`, `choose another name; built-in loaders: ${BUILTIN_LOADERS.join(', ')}`);
      continue;
    }
    if (!NAME.test(name)) {
      r.error(key, `loader name \`${name}\` must start with a letter and hold only letters, digits, \`_\`, \`.\`, \`-\``, 'it becomes part of cell ids');
      continue;
    }
    const loader = readLoader(r, name, loaderPair);
    if (loader) loaders[name] = loader;
  }
  return loaders;
}

function readLoader(r: YamlReader, name: string, pair: Pair): CustomLoader | undefined {
  const node = r.value(pair);
  if (!isMap(node)) {
    r.error(node ?? pair, `loader \`${name}\` must be a mapping with \`run\` (and optionally \`build\`, \`env\`), not ${kindOf(node)}`, EXAMPLE);
    return undefined;
  }
  const before = r.errors.length;
  const pairs = r.pairs(node, LOADER_KEYS, `key of loader \`${name}\``);
  const loader: CustomLoader = { name, run: [], env: {}, usesFlags: false, at: r.pos(pair) };

  const build = pairs.get('build');
  if (build) {
    const text = r.scalarText(r.value(build), `\`loaders.${name}.build\``, r.keyNode(build));
    if (text !== undefined && text.trim() === '') r.error(r.value(build), `\`loaders.${name}.build\` is empty`, 'remove it if the program needs no build');
    else if (text !== undefined) loader.build = text;
  }

  const run = pairs.get('run');
  if (!run) {
    r.error(node, `loader \`${name}\` has no \`run\``, 'add `run: [program, args...]`, run in the project folder, e.g. `run: [./myhost, "{library}"]`');
  } else {
    const runNode = r.value(run);
    if (!isSeq(runNode) || runNode.items.length === 0) {
      const hint = 'write the command as a list, one item per argument: `run: [./myhost, "{library}", "{flags}"]`';
      r.error(runNode ?? run, `\`loaders.${name}.run\` must be a non-empty list of arguments, not ${kindOf(runNode)}`, hint);
    } else {
      for (const item of runNode.items) {
        const itemNode = r.deref(item);
        const text = r.scalarText(itemNode, `an argument of \`loaders.${name}.run\``);
        if (text === undefined) continue;
        for (const [, placeholder] of text.matchAll(PLACEHOLDER)) {
          if (!(LOADER_PLACEHOLDERS as readonly string[]).includes(placeholder)) {
            const valid = LOADER_PLACEHOLDERS.map((p) => `{${p}}`).join(', ');
            const guess = closest(placeholder, LOADER_PLACEHOLDERS);
            r.error(itemNode, `unknown placeholder {${placeholder}} in \`loaders.${name}.run\``, `${guess ? `did you mean {${guess}}? ` : ''}valid: ${valid}`);
          }
        }
        loader.run.push(text);
      }
      loader.usesFlags = loader.run.some((arg) => arg.includes('{flags}'));
    }
  }

  const env = pairs.get('env');
  if (env) {
    const envNode = r.value(env);
    if (!isMap(envNode)) {
      r.error(envNode ?? env, `\`loaders.${name}.env\` must be a mapping of variable to value, not ${kindOf(envNode)}`, 'e.g. `env: {LD_LIBRARY_PATH: target/release}`');
    } else {
      for (const [variable, variablePair] of r.pairs(envNode, undefined, 'environment variable')) {
        if (!ENV_NAME.test(variable)) {
          r.error(r.keyNode(variablePair), `\`${variable}\` is not an environment variable name`, 'use letters, digits and `_`, not starting with a digit');
          continue;
        }
        const value = r.scalarText(r.value(variablePair), `\`loaders.${name}.env.${variable}\``, r.keyNode(variablePair));
        if (value !== undefined) loader.env[variable] = value;
      }
    }
  }
  return r.errors.length === before ? loader : undefined;
}
