// The image side held to the contract, run for real on this machine: manifest.py on the host's
// python3 writes manifests the schema accepts, and the C loader (compiled here with gcc, against
// a small library compiled here too) prints result lines the schema accepts. runner.py's replies
// and the trace's events are held to it in harness/run/runner.test.ts, through RunnerChannel,
// which checks every reply; the probe's line is checked on real runs in the Docker tests.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONTRACT_SCHEMA } from './contract-schema.ts';
import { parseManifest } from './manifest.ts';
import { findResultLine, RESULT_LINE_PREFIX } from './result-line.ts';

const REPO = join(import.meta.dirname, '..', '..');
const ajv = new Ajv2020({ allErrors: true, strict: false });
ajv.addSchema(CONTRACT_SCHEMA, 'contract');
const accepts = (name: string, value: unknown) => {
  const ok = ajv.validate(`contract#/$defs/${name}`, value);
  return ok ? 'valid' : ajv.errorsText(ajv.errors);
};

for (const tool of ['python3', 'gcc', 'nm']) {
  if (spawnSync(tool, ['--version']).status !== 0) throw new Error(`these tests need ${tool} on the PATH`);
}

describe('manifest.py (real python3)', { timeout: 60_000 }, () => {
  let dir: string;
  const manifest = (...args: string[]) => {
    const run = spawnSync('python3', [join(dir, 'scripts', 'manifest.py'), ...args], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`manifest.py ${args.join(' ')}: ${run.stderr}`);
  };
  const written = () => readFileSync(join(dir, 'manifest.json'), 'utf8');

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dlmatrix-manifest-'));
    mkdirSync(join(dir, 'scripts'));
    cpSync(join(REPO, 'docker', 'scripts', 'manifest.py'), join(dir, 'scripts', 'manifest.py'));
    // The layout the image scripts read, pointing into the test's folder.
    writeFileSync(join(dir, 'scripts', 'layout.env'), `DLMATRIX_ROOT=${dir}\nDLMATRIX_MANIFEST=${dir}/manifest.json\n`);
  });

  it('writes a toolchain manifest the schema accepts, with the interpreter running it', () => {
    manifest('python', 'distro', 'system');
    manifest('system');
    manifest('set', 'rustc', 'rustc 1.85.0');
    manifest('set', 'cargo', 'cargo 1.85.0');
    manifest('ready', 'toolchain');
    const value = JSON.parse(written());
    expect(accepts('manifest', value)).toBe('valid');
    const parsed = parseManifest(written(), 'test');
    expect(parsed).toMatchObject({ stage: 'toolchain', status: 'ready', python: { build: 'distro', request: 'system' } });
    const version = spawnSync('python3', ['-c', 'import platform; print(platform.python_version())'], { encoding: 'utf8' }).stdout.trim();
    expect(value.python.version).toBe(version);
    expect(['shared', 'static']).toContain(value.python.libpython.kind);
  });

  it('adds an environment: NumPy, Node.js, loaders and a library variant with its exports (nm)', () => {
    const library = join(dir, 'libplugin.so');
    writeFileSync(join(dir, 'plugin.c'), 'int myplugin_init(void) { return 0; }\nstatic int hidden(void) { return 1; }\nint (*keep)(void) = hidden;\n');
    expect(spawnSync('gcc', ['-shared', '-fPIC', '-o', library, join(dir, 'plugin.c')]).status).toBe(0);
    manifest('set', 'numpy', '{"request": "latest", "version": "2.3.2", "source": "pypi"}', '--json');
    manifest('set', 'node', 'null', '--json');
    manifest('set', 'loaders', `{"c": "${dir}/loader-c"}`, '--json');
    manifest('linked', 'plain', 'c', `${dir}/loader-c-linked`);
    manifest('variant', 'plain', library, dir, 'host');
    manifest('ready', 'environment');
    const value = JSON.parse(written());
    expect(accepts('manifest', value)).toBe('valid');
    expect(value.variants.plain).toEqual({ library, project: dir, exports: ['myplugin_init'], linked: { c: `${dir}/loader-c-linked` }, hosts: ['host'] });
  });

  it('writes a skipped manifest the schema accepts', () => {
    manifest('skip', 'environment', "python3-numpy is built for the distro's default python3 (3.11), not Python 3.13");
    const value = JSON.parse(written());
    expect(accepts('manifest', value)).toBe('valid');
    expect(parseManifest(written(), 'test')).toMatchObject({ status: 'skipped', skipReason: expect.stringContaining('python3-numpy') });
  });
});

describe('the C loader (real gcc, real dlopen)', { timeout: 60_000 }, () => {
  let dir: string;
  const loader = (...args: string[]) => spawnSync(join(dir, 'loader-c'), args, { encoding: 'utf8' });
  const resultLines = (stdout: string) => stdout.split('\n').filter((l) => l.startsWith(RESULT_LINE_PREFIX)).map((l) => JSON.parse(l.slice(RESULT_LINE_PREFIX.length)));

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dlmatrix-loader-'));
    const c = join(REPO, 'loaders', 'c');
    expect(spawnSync('gcc', ['-O1', '-Wall', '-o', join(dir, 'loader-c'), join(c, 'loader.c'), '-ldl']).status).toBe(0);
    writeFileSync(join(dir, 'plugin.c'), 'int myplugin_init(void) { return 3; }\nvoid myplugin_void(void) {}\n');
    expect(spawnSync('gcc', ['-shared', '-fPIC', '-o', join(dir, 'libplugin.so'), join(dir, 'plugin.c')]).status).toBe(0);
  });

  it.each([
    ['an int entry', ['int', 'myplugin_init'], { stage: 'entry', entry: 'myplugin_init', returned: 3 }],
    ['a void entry', ['void', 'myplugin_void'], { stage: 'entry', entry: 'myplugin_void' }],
    ['a missing entry', ['int', 'myplugin_int'], { stage: 'dlsym', error: expect.stringContaining('myplugin_int') }],
  ])('prints one result line for %s that the schema accepts', (_, [kind, entry], expected) => {
    const run = loader(join(dir, 'libplugin.so'), 'RTLD_LOCAL|RTLD_NOW', entry!, kind!, 'numpy');
    const lines = resultLines(run.stdout);
    expect(lines).toEqual([expected]);
    expect(accepts('resultLine', lines[0])).toBe('valid');
    expect(findResultLine(run.stdout.split('\n'))).toEqual(lines[0]);
  });

  it('prints a dlopen line for a library that does not exist, and a flags line for unknown flags', () => {
    const missing = resultLines(loader(join(dir, 'libnone.so'), 'RTLD_LOCAL|RTLD_NOW', 'f', 'void', 'numpy').stdout);
    expect(missing).toEqual([{ stage: 'dlopen', error: expect.stringContaining('cannot open shared object file') }]);
    const flags = resultLines(loader(join(dir, 'libplugin.so'), 'RTLD_SOMETIMES', 'f', 'void', 'numpy').stdout);
    expect(flags).toEqual([{ stage: 'flags', error: 'RTLD_SOMETIMES' }]);
    for (const line of [...missing, ...flags]) expect(accepts('resultLine', line)).toBe('valid');
  });
});
