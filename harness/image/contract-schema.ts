// The JSON Schema of everything that crosses between the harness and its images: the manifest
// every dlmatrix image carries (layout.ts: manifest), the cell runner's requests and replies, the
// import trace's events and the built-in loaders' result line. The TypeScript types beside it
// (manifest.ts, runner-protocol.ts, trace-events.ts, result-line.ts) describe the same shapes;
// contract-schema.test.ts checks that they agree, image-contract.schema.json at the repo root is
// this object written out for people writing a loader of their own, and the image-side tests hold
// runner.py, sitecustomize.py, manifest.py and the loaders to it with a full validator.
import type { JsonSchema } from './schema-check.ts';

/** Bump on an incompatible change of the manifest: an image built for another version is rebuilt (its tag changes with the scripts anyway). */
export const MANIFEST_SCHEMA_VERSION = 1;

const text: JsonSchema = { type: 'string', minLength: 1 };
const path: JsonSchema = { type: 'string', pattern: '^/' };

const exceptionLink: JsonSchema = {
  type: 'object',
  required: ['type', 'message'],
  properties: { type: { type: 'string' }, message: { type: 'string' } },
};

const libpython: JsonSchema = {
  oneOf: [
    {
      type: 'object',
      description: 'A shared libpython: what the library under test links and what `preload` preloads.',
      required: ['kind', 'path', 'soname', 'onLoaderPath'],
      additionalProperties: false,
      properties: {
        kind: { const: 'shared' },
        path,
        soname: text,
        onLoaderPath: { type: 'boolean', description: 'The dynamic loader finds it by its soname without any rpath or LD_LIBRARY_PATH (ld.so.cache or a default folder).' },
      },
    },
    {
      type: 'object',
      description: 'Only a static libpython (libpython3.X.a): nothing to preload or promote.',
      required: ['kind', 'path'],
      additionalProperties: false,
      properties: { kind: { const: 'static' }, path },
    },
  ],
};

const python: JsonSchema = {
  type: 'object',
  required: ['request', 'build', 'version', 'executable', 'prefix', 'onPath', 'libpython'],
  additionalProperties: false,
  properties: {
    request: { ...text, description: 'The `python` axis value: system, X.Y or X.Y.Z.' },
    build: { enum: ['distro', 'shared', 'static', 'standalone'], description: 'The `python-build` axis value: where this interpreter comes from and how it is laid out.' },
    version: { type: 'string', pattern: '^\\d+\\.\\d+\\.\\d+' },
    executable: path,
    prefix: path,
    onPath: { type: 'boolean', description: 'A `python3` on PATH is this interpreter (an embedded interpreter looks for its home there).' },
    libpython,
    source: {
      type: 'object',
      description: 'For a build from source: the verified release tarball.',
      required: ['url', 'sha256'],
      additionalProperties: false,
      properties: { url: text, sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' } },
    },
  },
};

const variant: JsonSchema = {
  type: 'object',
  required: ['library', 'project', 'exports', 'linked', 'hosts'],
  additionalProperties: false,
  properties: {
    library: { ...path, description: 'The built library ({library} of a host program).' },
    project: { ...path, description: 'The project copy it was built in: host programs run there.' },
    exports: { type: 'array', items: { type: 'string' }, description: 'The library\'s exported function symbols (the dynamic symbol table).' },
    linked: {
      type: 'object',
      additionalProperties: path,
      description: 'The built-in loaders linked against this library at build time, by loader name.',
    },
    hosts: { type: 'array', items: text, description: 'The user\'s host programs built in this copy (`loaders:` names).' },
    failedHosts: {
      type: 'object',
      description: 'The user\'s host programs whose build failed in this copy, by `loaders:` name: their cells are build errors, the rest runs.',
      additionalProperties: {
        type: 'object',
        required: ['command', 'exit', 'output'],
        additionalProperties: false,
        properties: {
          command: text,
          exit: { type: 'integer' },
          output: { type: 'string', description: 'The last lines of the build\'s output.' },
        },
      },
    },
  },
};

const distro: JsonSchema = {
  type: 'object',
  required: ['id', 'codename', 'name'],
  additionalProperties: false,
  properties: { id: text, codename: { type: 'string' }, name: text },
};

const manifestCommon = {
  schema: { const: MANIFEST_SCHEMA_VERSION },
  distro,
  glibc: { type: 'string', pattern: '^\\d+\\.\\d+' },
  arch: text,
  python,
} satisfies Record<string, JsonSchema>;

const toolchainFacts = {
  rustc: text,
  cargo: text,
} satisfies Record<string, JsonSchema>;

const environmentFacts = {
  numpy: {
    type: 'object',
    required: ['request', 'version', 'source'],
    additionalProperties: false,
    properties: { request: text, version: text, source: { enum: ['distro', 'pypi'] } },
  },
  node: { type: ['string', 'null'], description: 'Node.js version (`v20.19.2`), or null when the environment has none.' },
  loaders: {
    type: 'object',
    description: 'The built-in dlopen loaders present, by name (c, rust, node).',
    additionalProperties: path,
  },
  variants: {
    type: 'object',
    required: ['plain'],
    additionalProperties: false,
    properties: { plain: variant, promote: variant },
  },
} satisfies Record<string, JsonSchema>;

const skipped = (stage: string): JsonSchema => ({
  type: 'object',
  description: `A ${stage} image of an environment that cannot exist: its cells are skipped with this reason. Facts found before the skip may be present too.`,
  required: ['schema', 'stage', 'status', 'skipReason'],
  properties: {
    stage: { const: stage },
    status: { const: 'skipped' },
    skipReason: text,
    ...manifestCommon,
    python: { type: 'object', description: 'What is known of the Python (its version, when the distro has it).' },
  },
});

export const CONTRACT_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://github.com/dlmatrix/dlmatrix/image-contract.schema.json',
  title: 'dlmatrix image contract',
  description: 'What crosses between the dlmatrix harness and its images. Generated from harness/image/contract-schema.ts.',
  $defs: {
    manifest: {
      description: 'manifest.json at the root of every dlmatrix image (toolchain and environment).',
      oneOf: [{ $ref: '#/$defs/toolchainManifest' }, { $ref: '#/$defs/environmentManifest' }, { $ref: '#/$defs/skippedToolchain' }, { $ref: '#/$defs/skippedEnvironment' }],
    },
    toolchainManifest: {
      type: 'object',
      required: ['schema', 'stage', 'status', 'distro', 'glibc', 'arch', 'python', 'rustc', 'cargo'],
      additionalProperties: false,
      properties: { stage: { const: 'toolchain' }, status: { const: 'ready' }, ...manifestCommon, ...toolchainFacts },
    },
    environmentManifest: {
      type: 'object',
      required: ['schema', 'stage', 'status', 'distro', 'glibc', 'arch', 'python', 'rustc', 'cargo', 'numpy', 'node', 'loaders', 'variants'],
      additionalProperties: false,
      properties: { stage: { const: 'environment' }, status: { const: 'ready' }, ...manifestCommon, ...toolchainFacts, ...environmentFacts },
    },
    skippedToolchain: skipped('toolchain'),
    skippedEnvironment: skipped('environment'),
    runnerRequest: {
      type: 'object',
      required: ['id', 'argv', 'cwd', 'env', 'timeout', 'watch'],
      additionalProperties: false,
      properties: {
        id: text,
        argv: { type: 'array', items: { type: 'string' } },
        cwd: path,
        env: { type: 'object', additionalProperties: { type: 'string' } },
        timeout: { type: 'number', minimum: 0 },
        killGrace: { type: 'number', minimum: 0 },
        watch: { type: 'array', items: text },
        maxOutput: { type: 'integer', minimum: 1 },
      },
    },
    runnerReply: {
      oneOf: [
        {
          type: 'object',
          required: ['type', 'pid'],
          additionalProperties: false,
          properties: { type: { const: 'ready' }, pid: { type: 'integer' } },
        },
        {
          type: 'object',
          required: ['type', 'id', 'exitCode', 'signal', 'timedOut', 'outOfMemory', 'stdout', 'stderr', 'trace', 'durationMs'],
          additionalProperties: false,
          properties: {
            type: { const: 'result' },
            id: text,
            exitCode: { type: ['integer', 'null'] },
            signal: { type: ['string', 'null'] },
            timedOut: { type: 'boolean' },
            outOfMemory: { type: 'boolean', description: 'The kernel killed it for memory: the container\'s cell-memory limit.' },
            stdout: { type: 'string' },
            stderr: { type: 'string' },
            trace: {
              type: 'array',
              description: 'The import trace\'s events; each is checked as a traceEvent on its own, and one of the wrong shape is kept as `garbled` (the rest of the trace still counts).',
              items: { type: 'object', required: ['event'], properties: { event: { type: 'string' } } },
            },
            durationMs: { type: 'integer', minimum: 0 },
          },
        },
        {
          type: 'object',
          required: ['type', 'id', 'kind', 'message'],
          additionalProperties: false,
          properties: {
            type: { const: 'error' },
            id: { type: ['string', 'null'] },
            kind: { enum: ['start', 'runner'], description: 'start: the program could not be started (its own problem); runner: the runner itself failed (a dlmatrix bug, with its traceback).' },
            message: { type: 'string' },
          },
        },
      ],
    },
    traceEvent: {
      oneOf: [
        {
          type: 'object',
          required: ['event'],
          properties: { event: { const: 'start' }, pid: { type: 'integer' }, python: { type: 'string' }, executable: { type: 'string' } },
        },
        {
          type: 'object',
          required: ['event', 'module', 'error'],
          properties: { event: { const: 'extension-failed' }, module: text, path: { type: ['string', 'null'] }, error: { type: 'string' } },
        },
        { type: 'object', required: ['event', 'module'], properties: { event: { const: 'import-start' }, module: text } },
        {
          type: 'object',
          required: ['event', 'module', 'ok'],
          properties: {
            event: { const: 'import' },
            module: text,
            ok: { type: 'boolean' },
            version: { type: 'string' },
            chain: { type: 'array', items: exceptionLink },
            traceback: { type: 'string' },
          },
        },
        { type: 'object', required: ['event'], properties: { event: { const: 'garbled' }, text: { type: 'string' } } },
      ],
    },
    resultLine: {
      description: 'The JSON after `@@dlmatrix ` on the one result line a built-in loader prints.',
      oneOf: [
        {
          type: 'object',
          required: ['stage', 'report'],
          properties: {
            stage: { const: 'probe' },
            report: {
              type: 'object',
              properties: {
                python: { type: 'string' },
                executable: { type: 'string' },
                fatal: { type: 'string' },
                modules: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['name', 'ok'],
                    properties: {
                      name: text,
                      ok: { type: 'boolean' },
                      version: { type: 'string' },
                      chain: { type: 'array', items: exceptionLink },
                      traceback: { type: 'string' },
                    },
                  },
                },
              },
            },
          },
        },
        {
          type: 'object',
          required: ['stage', 'entry'],
          properties: { stage: { const: 'entry' }, entry: text, returned: { type: 'integer' } },
        },
        { type: 'object', required: ['stage', 'error'], properties: { stage: { const: 'dlopen' }, error: { type: 'string' } } },
        { type: 'object', required: ['stage', 'error'], properties: { stage: { const: 'dlsym' }, error: { type: 'string' } } },
        { type: 'object', required: ['stage', 'error'], properties: { stage: { const: 'flags' }, error: { type: 'string' } } },
      ],
    },
  },
} as const satisfies JsonSchema;

export type ContractDefinition = keyof typeof CONTRACT_SCHEMA.$defs;

/** The schema of one definition, resolvable on its own (its $refs point into CONTRACT_SCHEMA). */
export function definition(name: ContractDefinition): JsonSchema {
  return CONTRACT_SCHEMA.$defs[name] as JsonSchema;
}
