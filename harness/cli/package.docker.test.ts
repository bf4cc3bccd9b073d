// The npm package as a user gets it: `npm pack` (which compiles dist/ through prepack), install the
// tarball into an empty folder, and run the installed `dlmatrix` with plain node, no TypeScript
// loader: --version, plan, and one real cell in Docker using the probe crate shipped in the package.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { HARNESS_ROOT } from '../docker/build-context.ts';
import type { RunResults } from '../results/run-results.ts';

interface Done {
  code: number;
  stdout: string;
  stderr: string;
}

function sh(command: string, args: string[], cwd: string): Promise<Done> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, CI: 'true' } }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

interface PackResult {
  filename: string;
  size: number;
  unpackedSize: number;
  entryCount: number;
  files: Array<{ path: string }>;
}

const CELL = 'bookworm/py-system/np-system/c/RTLD_GLOBAL|RTLD_NOW/mitigation=none';
const version = JSON.parse(readFileSync(join(HARNESS_ROOT, 'package.json'), 'utf8')).version;

describe('the npm package, installed from its tarball', () => {
  const work = mkdtempSync(join(tmpdir(), 'dlmatrix-pack-'));
  const app = join(work, 'app');
  let pack: PackResult;

  beforeAll(async () => {
    const packed = await sh('npm', ['pack', '--json', '--pack-destination', work], HARNESS_ROOT);
    expect(packed.code, packed.stderr).toBe(0);
    // prepack's own output may precede the JSON.
    pack = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('[')))[0];
    console.log(`dlmatrix package: ${pack.filename}, ${(pack.size / 1024).toFixed(1)} kB packed, ${(pack.unpackedSize / 1024).toFixed(1)} kB unpacked, ${pack.entryCount} files`);
    mkdirSync(app);
    const installed = await sh('npm', ['install', '--no-audit', '--no-fund', join(work, pack.filename)], app);
    expect(installed.code, installed.stderr).toBe(0);
    // The default matrix, its project pointed at the crate shipped in the package.
    const matrix = readFileSync(join(HARNESS_ROOT, 'matrix.yaml'), 'utf8');
    expect(matrix).toMatch(/^  path: crates\/probe/m);
    writeFileSync(join(app, 'matrix.yaml'), matrix.replace(/^  path: crates\/probe/m, '  path: node_modules/dlmatrix/crates/probe'));
  });

  it('holds the compiled CLI, docker/, loaders/ and crates/, and no tests or TypeScript sources', () => {
    const paths = pack.files.map((f) => f.path);
    expect(paths).toContain('bin/dlmatrix.mjs');
    expect(paths).toContain('dist/cli/main.js');
    expect(paths).toContain('docker/toolchain.Dockerfile');
    expect(paths).toContain('crates/probe/src/lib.rs');
    expect(paths).toContain('loaders/c/loader.c');
    expect(paths.filter((p) => /\.test\./.test(p))).toEqual([]);
    expect(paths.filter((p) => p.endsWith('.ts') || p.startsWith('harness/'))).toEqual([]);
    expect(paths.filter((p) => /(^|\/)(target|node_modules)\//.test(p))).toEqual([]);
  });

  it('runs with plain node: no TypeScript loader installed, --version and -V print the version', async () => {
    expect(existsSync(join(app, 'node_modules', 'tsx'))).toBe(false);
    expect(existsSync(join(app, 'node_modules', 'dlmatrix', 'harness'))).toBe(false);
    for (const flag of ['--version', '-V']) {
      const run = await sh('npx', ['dlmatrix', flag], app);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toBe(`${version}\n`);
    }
  });

  it('runs doctor and init from the compiled code with only the runtime dependencies', async () => {
    const doctor = await sh('npx', ['dlmatrix', 'doctor'], app);
    expect(doctor.code, doctor.stdout + doctor.stderr).toBe(0);
    expect(doctor.stdout).toMatch(/^ok {4}Docker engine .* answers at /m);
    const crate = join(work, 'crate');
    mkdirSync(join(crate, 'src'), { recursive: true });
    writeFileSync(join(crate, 'Cargo.toml'), '[package]\nname = "probe"\n[lib]\ncrate-type = ["cdylib"]\n[dependencies]\npyo3 = "0.27"\n');
    writeFileSync(join(crate, 'src', 'lib.rs'), '#[no_mangle]\npub extern "C" fn probe() {}\n');
    const init = await sh('npx', ['dlmatrix', 'init', '--dir', crate], app);
    expect(init.code, init.stderr).toBe(0);
    expect(readFileSync(join(crate, 'matrix.yaml'), 'utf8')).toMatch(/^ {2}entry: probe /m);
  });

  it('plans the default matrix pointed at the probe crate shipped in the package', async () => {
    const plan = await sh('npx', ['dlmatrix', 'plan', '--json'], app);
    expect(plan.code, plan.stderr).toBe(0);
    const json = JSON.parse(plan.stdout);
    expect(json.cells.length).toBe(468);
    expect(json.cells.map((c: { id: string }) => c.id)).toContain(CELL);
  });

  it('runs one real cell in Docker: builds from the installed docker/, loaders/ and crates/, exits 0, writes results', async () => {
    const run = await sh('npx', ['dlmatrix', 'run', '--cell', CELL, '--out', 'reports'], app);
    expect(run.code, run.stderr).toBe(0);
    const results: RunResults = JSON.parse(readFileSync(join(app, 'reports', 'results.json'), 'utf8'));
    expect(results.tool.version).toBe(version);
    expect(results.cells.map((c) => [c.id, c.outcome, c.verdict])).toEqual([[CELL, 'loaded', 'pass']]);
    expect(results.cells[0].resolved.numpy).toMatch(/^\d+\.\d+/);
    expect(existsSync(join(app, 'reports', 'junit.xml'))).toBe(true);
    expect(existsSync(join(app, 'reports', 'index.html'))).toBe(true);
  });
});
