// The image contract's schema, its types and its readers agree: what the schema accepts, a full
// validator (ajv) accepts too, the samples below are typed with the TypeScript types (so the
// compiler holds the types to them), and every reader names the field of malformed input.
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { CONTRACT_SCHEMA, definition, type ContractDefinition } from './contract-schema.ts';
import { ContractError } from './contract-error.ts';
import { LAYOUT, layoutEnv } from './layout.ts';
import { parseManifest, type EnvironmentManifest, type SkippedManifest } from './manifest.ts';
import { findResultLine, type ResultLine } from './result-line.ts';
import { parseRunnerReply, type RunnerReply, type RunnerRequest } from './runner-protocol.ts';
import { schemaProblem } from './schema-check.ts';
import { parseTraceEvents, type TraceEvent } from './trace-events.ts';
import { distroToolchain } from '../test-support/make-manifests.ts';

const ajv = new Ajv2020({ allErrors: true, strict: false });
ajv.addSchema(CONTRACT_SCHEMA, 'contract');
const fullCheck = (name: ContractDefinition, value: unknown) => ajv.validate(`contract#/$defs/${name}`, value);
const smallCheck = (name: ContractDefinition, value: unknown) => schemaProblem(value, definition(name), CONTRACT_SCHEMA);

const toolchain = distroToolchain({ codename: 'trixie', release: '13', glibc: '2.41', python: '3.13.5', rustc: '1.85.0', cargo: '1.85.0' });
const variant = { library: `${LAYOUT.root}/variants/plain/src/probe/target/release/libdlmatrix_probe.so`, project: `${LAYOUT.root}/variants/plain/src/probe`, exports: ['dlmatrix_probe'], linked: { c: `${LAYOUT.root}/variants/plain/bin/loader-c-linked` }, hosts: [] };
const environment: EnvironmentManifest = {
  ...toolchain,
  stage: 'environment',
  python: { ...toolchain.python, build: 'standalone', libpython: { kind: 'static', path: '/root/.pyenv/versions/3.13.5/lib/libpython3.13.a' }, source: { url: 'http://example/python.tar.xz', sha256: 'a'.repeat(64) } },
  numpy: { request: 'latest', version: '2.3.2', source: 'pypi' },
  node: null,
  loaders: { c: `${LAYOUT.root}/bin/loader-c` },
  variants: { plain: variant, promote: variant },
};
const skipped: SkippedManifest = { schema: 1, stage: 'toolchain', status: 'skipped', skipReason: 'this distro has no Python 3.12 package (python3.12)' };
const request: RunnerRequest = { id: 'c#1', argv: ['/bin/true'], cwd: '/', env: { A: 'b' }, timeout: 60, watch: ['numpy'], maxOutput: 1024 };
const replies: RunnerReply[] = [
  { type: 'ready', pid: 7 },
  { type: 'result', id: 'c#1', exitCode: null, signal: 'SIGSEGV', timedOut: false, outOfMemory: false, stdout: '', stderr: '', trace: [{ event: 'start', pid: 3, python: '3.13.5' }], durationMs: 12 },
  { type: 'error', id: null, kind: 'runner', message: 'the cell runner failed:\nTraceback ...' },
];
const events: TraceEvent[] = [
  { event: 'start', pid: 1, python: '3.11.2', executable: '/usr/bin/python3' },
  { event: 'extension-failed', module: 'numpy._core._multiarray_umath', path: null, error: 'undefined symbol: PyObject_SelfIter' },
  { event: 'import-start', module: 'numpy' },
  { event: 'import', module: 'numpy', ok: true, version: '2.3.2' },
  { event: 'import', module: 'numpy', ok: false, chain: [{ type: 'ImportError', message: 'x' }], traceback: 'Traceback' },
  { event: 'garbled', text: '{' },
];
const lines: ResultLine[] = [
  { stage: 'probe', report: { python: '3.13.5', modules: [{ name: 'numpy', ok: false, chain: [{ type: 'ImportError', message: 'm' }] }] } },
  { stage: 'entry', entry: 'myplugin_init', returned: 3 },
  { stage: 'dlsym', error: 'undefined symbol: myplugin_int' },
];

describe('the contract schema', () => {
  it('is the schema written out at the repo root (image-contract.schema.json; `npx vitest -u` rewrites it)', async () => {
    await expect(`${JSON.stringify(CONTRACT_SCHEMA, null, 2)}\n`).toMatchFileSnapshot('../../image-contract.schema.json');
  });

  it.each([
    ['manifest', [toolchain, environment, skipped]],
    ['runnerRequest', [request]],
    ['runnerReply', replies],
    ['traceEvent', events],
    ['resultLine', lines],
  ] as const)('accepts every typed sample of %s, as ajv does', (name, samples) => {
    for (const sample of samples) {
      expect(smallCheck(name, sample)).toBeUndefined();
      expect(fullCheck(name, sample)).toBe(true);
    }
  });

  const malformed: Array<[ContractDefinition, unknown, RegExp]> = [
    ['manifest', { ...toolchain, glibc: 2.36 }, /^glibc: must be a string \(got 2\.36\)$/],
    ['manifest', { ...toolchain, python: { ...toolchain.python, libpython: { kind: 'dynamic', path: '/x' } } }, /python\.libpython/],
    ['manifest', { ...toolchain, python: { ...toolchain.python, build: 'conda' } }, /^python\.build: must be one of "distro", "shared", "static", "standalone" \(got "conda"\)$/],
    ['manifest', { ...environment, variants: {} }, /^variants\.plain: missing$/],
    ['manifest', { ...environment, numpy: { request: 'latest', version: '2', source: 'conda' } }, /^numpy\.source: must be one of/],
    ['manifest', { ...skipped, skipReason: '' }, /^skipReason: must not be empty$/],
    ['manifest', { ...toolchain, schema: 2 }, /^schema: must be 1 \(got 2\)$/],
    ['manifest', { ...toolchain, extra: true }, /^extra: not a known field/],
    ['runnerReply', { ...replies[1], exitCode: '0' }, /^exitCode: must be an integer or null \(got "0"\)$/],
    ['runnerReply', { type: 'error', id: 'x', message: 'm' }, /^kind: missing$/],
    ['runnerReply', { type: 'hello' }, /matches none of its allowed shapes/],
    ['traceEvent', { event: 'import', module: 'numpy' }, /^ok: missing$/],
    ['resultLine', { stage: 'entry', entry: 'f', returned: 'x' }, /^returned: must be an integer/],
  ];
  it.each(malformed)('rejects a malformed %s, naming the field, as ajv does (%#)', (name, value, message) => {
    expect(smallCheck(name, value)).toMatch(message);
    expect(fullCheck(name, value)).toBe(false);
  });
});

describe('readers at the boundary', () => {
  it('parseManifest names the image and the field, never casts', () => {
    expect(parseManifest(JSON.stringify(toolchain), 'manifest.json of x')).toEqual(toolchain);
    const error = (() => {
      try {
        parseManifest(JSON.stringify({ ...toolchain, arch: '' }), 'manifest.json of dlmatrix/toolchain:x');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ContractError);
    expect((error as Error).message).toBe('manifest.json of dlmatrix/toolchain:x: arch: must not be empty');
    expect(() => parseManifest('{"schema": 1, "stage"', 'm')).toThrow(/^m: not JSON/);
    expect(() => parseManifest('null', 'm')).toThrow(/^m: \(the whole value\): matches none of its allowed shapes/);
  });

  it('parseRunnerReply checks each reply line', () => {
    expect(parseRunnerReply('{"type":"ready","pid":3}', 'r')).toEqual({ type: 'ready', pid: 3 });
    expect(() => parseRunnerReply('not json', 'the cell runner of x')).toThrow(/^the cell runner of x: not a JSON reply: not json$/);
    expect(() => parseRunnerReply('{"type":"result","id":"a","exitCode":0,"signal":null,"timedOut":false,"outOfMemory":false,"stdout":"","stderr":"","trace":[],"durationMs":-1}', 'r')).toThrow(
      /^r: durationMs: must be at least 0 \(got -1\)$/,
    );
  });

  it('parseTraceEvents keeps the good events and turns a malformed one into a named `garbled` event', () => {
    const parsed = parseTraceEvents([events[0], { event: 'import', module: 'numpy', ok: 'yes' }, events[3]]);
    expect(parsed[0]).toEqual(events[0]);
    expect(parsed[1]).toEqual({ event: 'garbled', text: expect.stringMatching(/^ok: must be a boolean \(got "yes"\)/) });
    expect(parsed[2]).toEqual(events[3]);
  });

  it('findResultLine takes the last well-formed line and skips garbled or wrong-shaped ones', () => {
    const stdout = ['@@dlmatrix {"stage":"entry","entry":"f"}', 'noise', '@@dlmatrix {"stage":"entry","entry":"g","returned":"x"}', '@@dlmatrix {"stage":'];
    expect(findResultLine(stdout)).toEqual({ stage: 'entry', entry: 'f' });
    expect(findResultLine(['@@dlmatrix {"stage":"dlopen"}'])).toBeUndefined();
  });
});

describe('the layout', () => {
  it('is written to layout.env as DLMATRIX_ lines that a shell and the image scripts read', () => {
    const env = layoutEnv();
    expect(env).toContain(`DLMATRIX_ROOT=${LAYOUT.root}\n`);
    expect(env).toContain(`DLMATRIX_MANIFEST=${LAYOUT.manifest}\n`);
    expect(env).toContain(`DLMATRIX_PYTHON_BUILD_INFO=${LAYOUT.pythonBuildInfo}\n`);
    for (const line of env.split('\n').filter((l) => l && !l.startsWith('#'))) expect(line).toMatch(/^DLMATRIX_[A-Z_]+=\/[^\s'"$`\\]*$/);
  });
});
