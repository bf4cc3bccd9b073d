// Checks a value against the subset of JSON Schema (draft 2020-12) that the image contract uses,
// and says which field is wrong in words: `python.libpython.kind: must be one of "shared",
// "static" (got "dynamic")`. The same schema (contract-schema.ts) is what the image-side tests
// hold runner.py, sitecustomize.py and the loaders to with a full validator (ajv); here, at run
// time, a small interpreter of it is enough and keeps the harness free of a validator dependency.
//
// Supported keywords: type, properties, required, additionalProperties, items, enum, const,
// oneOf (the branch whose `const` discriminators match is reported), $ref (#/$defs/...),
// minimum, minLength, pattern.

export type JsonSchema = {
  type?: JsonType | readonly JsonType[];
  properties?: Readonly<Record<string, JsonSchema>>;
  required?: readonly string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: readonly unknown[];
  const?: unknown;
  oneOf?: readonly JsonSchema[];
  $ref?: string;
  $defs?: Readonly<Record<string, JsonSchema>>;
  minimum?: number;
  minLength?: number;
  pattern?: string;
  description?: string;
  title?: string;
  $schema?: string;
  $id?: string;
};
type JsonType = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'null';

/** The first problem found, as `path: what is wrong`, or undefined when the value conforms. */
export function schemaProblem(value: unknown, schema: JsonSchema, root: JsonSchema = schema, path = ''): string | undefined {
  if (schema.$ref) return schemaProblem(value, resolveRef(schema.$ref, root), root, path);
  const at = path || '(the whole value)';
  if (schema.type !== undefined) {
    const types = typeof schema.type === 'string' ? [schema.type] : schema.type;
    if (!types.some((type) => hasType(value, type))) return `${at}: must be ${types.map(article).join(' or ')} (got ${describe(value)})`;
  }
  if ('const' in schema && value !== schema.const) return `${at}: must be ${JSON.stringify(schema.const)} (got ${describe(value)})`;
  if (schema.enum && !schema.enum.includes(value)) return `${at}: must be one of ${schema.enum.map((v) => JSON.stringify(v)).join(', ')} (got ${describe(value)})`;
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) return `${at}: must be at least ${schema.minimum} (got ${value})`;
  }
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && value.length < schema.minLength) return `${at}: must not be empty`;
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value)) return `${at}: must match ${schema.pattern} (got ${describe(value)})`;
  }
  if (Array.isArray(value) && schema.items) {
    for (const [index, item] of value.entries()) {
      const problem = schemaProblem(item, schema.items, root, `${path}[${index}]`);
      if (problem) return problem;
    }
  }
  if (isObject(value)) {
    for (const name of schema.required ?? []) if (!(name in value)) return `${join(path, name)}: missing`;
    for (const [name, item] of Object.entries(value)) {
      const property = schema.properties?.[name];
      if (property) {
        const problem = schemaProblem(item, property, root, join(path, name));
        if (problem) return problem;
      } else if (schema.additionalProperties === false) {
        return `${join(path, name)}: not a known field${schema.properties ? ` (known: ${Object.keys(schema.properties).join(', ')})` : ''}`;
      } else if (typeof schema.additionalProperties === 'object') {
        const problem = schemaProblem(item, schema.additionalProperties, root, join(path, name));
        if (problem) return problem;
      }
    }
  }
  if (schema.oneOf) {
    const problems = schema.oneOf.map((branch) => schemaProblem(value, branch, root, path));
    const matching = problems.filter((problem) => problem === undefined).length;
    if (matching === 1) return undefined;
    if (matching > 1) return `${at}: matches more than one of its allowed shapes`;
    // The branch whose discriminating constants (type, stage, ...) agree most with the value
    // says best what is wrong.
    const scores = schema.oneOf.map((branch) => constantsMatched(value, branch, root));
    const best = Math.max(...scores);
    return best > 0 ? problems[scores.indexOf(best)] : `${at}: matches none of its allowed shapes (${problems[0]})`;
  }
  return undefined;
}

function constantsMatched(value: unknown, branch: JsonSchema, root: JsonSchema): number {
  const schema = branch.$ref ? resolveRef(branch.$ref, root) : branch;
  if (!isObject(value) || !schema.properties) return 0;
  return Object.entries(schema.properties).filter(([name, p]) => 'const' in p && value[name] === p.const).length;
}

function resolveRef(ref: string, root: JsonSchema): JsonSchema {
  const name = /^#\/\$defs\/(.+)$/.exec(ref)?.[1];
  const target = name === undefined ? undefined : root.$defs?.[name];
  if (!target) throw new Error(`schema reference ${ref} names nothing`);
  return target;
}

function hasType(value: unknown, type: JsonType): boolean {
  switch (type) {
    case 'null':
      return value === null;
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isObject(value);
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    default:
      return typeof value === type;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const join = (path: string, name: string) => (path ? `${path}.${name}` : name);
const article = (type: string) => (type === 'null' ? 'null' : /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`);

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
