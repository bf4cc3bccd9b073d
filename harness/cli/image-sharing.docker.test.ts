// Sharing images between machines and CI jobs, for real: a registry (Debian's docker-registry,
// started here on a free port) filled by one run, then every image of the run deleted, then a
// second run that builds nothing and pulls everything, with the same verdicts; `images save` and
// `load` for folder caches; `clean` removing what the matrix no longer uses.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HARNESS_ROOT } from '../docker/build-context.ts';
import type { RunResults } from '../results/run-results.ts';
import { readResults, runCli } from '../test-support/run-cli.ts';

const docker = (...args: string[]) => spawnSync('docker', args, { encoding: 'utf8' });
const verdicts = (results: RunResults) => results.cells.map(({ id, outcome, symbol, verdict }) => ({ id, outcome, symbol, verdict }));

/** Environment images only this file made (its projects are unique): removed when it ends, or every test run would leave some. */
const madeHere = new Set<string>();
const rememberImages = (out: string) => {
  if (existsSync(join(out, 'results.json'))) for (const environment of readResults(out).environments) if (environment.image) madeHere.add(environment.image);
};

/** A copy of the probe crate with a unique comment: images no other test has, so deleting them is safe. */
function uniqueProject(): { matrix: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'dlmatrix-share-'));
  cpSync(join(HARNESS_ROOT, 'crates', 'probe'), join(dir, 'project'), { recursive: true, filter: (src) => !src.includes('/target') });
  cpSync(join(HARNESS_ROOT, 'crates', 'promote-libpython'), join(dir, 'promote-libpython'), { recursive: true });
  const lib = join(dir, 'project', 'src', 'lib.rs');
  writeFileSync(lib, `${readFileSync(lib, 'utf8')}\n// ${dir}\n`);
  const matrix = join(dir, 'matrix.yaml');
  writeFileSync(
    matrix,
    `project: project
matrix:
  distro: [bookworm]
  python: [system]
  numpy: [system]
  loader: [c]
  flags: ["RTLD_LOCAL|RTLD_NOW", "RTLD_GLOBAL|RTLD_NOW"]
expect:
  - when: {flags: "RTLD_LOCAL*"}
    outcome: undefined-symbol
  - outcome: loaded
`,
  );
  return { matrix, dir };
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('sharing images (real Docker)', () => {
  let registry: ChildProcess;
  let repository: string;

  beforeAll(async () => {
    if (!existsSync('/usr/bin/docker-registry')) throw new Error('these tests need a registry: apt-get install docker-registry');
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'registry-'));
    writeFileSync(join(dir, 'config.yml'), `version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: ${dir}/data\nhttp:\n  addr: 127.0.0.1:${port}\n`);
    registry = spawn('/usr/bin/docker-registry', ['serve', join(dir, 'config.yml')], { stdio: 'ignore' });
    repository = `localhost:${port}/dlmatrix-test`;
    for (let i = 0; i < 50; i++) {
      if ((await fetch(`http://127.0.0.1:${port}/v2/`).then((r) => r.ok).catch(() => false)) === true) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error('the registry did not start');
  });

  afterAll(() => {
    registry?.kill();
    for (const image of madeHere) docker('rmi', '--force', image);
    // The registry's own tags of every image the runs pushed or pulled (the registry is gone now).
    const tags = docker('images', '--format', '{{.Repository}}:{{.Tag}}').stdout.split('\n');
    for (const tag of tags) if (repository && tag.startsWith(`${repository}/`)) docker('rmi', tag);
  });

  it('fills the registry in one run; after every image of the run is deleted, the next run builds nothing and pulls everything', async () => {
    const { matrix, dir } = uniqueProject();
    const first = await runCli(['run', '--config', matrix, '--out', join(dir, 'first'), '--cache-registry', repository, '--verbose']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/^building dlmatrix\/env:/m);
    const pushed = [...first.stderr.matchAll(/^pushed (\S+) to /gm)].map((m) => m[1]);
    expect(pushed.some((ref) => ref.startsWith('dlmatrix/env:'))).toBe(true);

    // Every image the run used, gone from this engine: its environment, toolchain and base.
    rememberImages(join(dir, 'first'));
    const results = readResults(join(dir, 'first'));
    const environment = results.environments[0]!.image!;
    const toolchain = docker('image', 'inspect', '--format', '{{index .Config.Labels "dev.dlmatrix.toolchain"}}', environment).stdout.trim();
    const base = docker('image', 'inspect', '--format', '{{.Config.Image}}', toolchain).stdout.trim();
    const used = [environment, toolchain, 'dlmatrix/base:bookworm-slim2'];
    expect(toolchain).toMatch(/^dlmatrix\/toolchain:/);
    for (const ref of used) expect(docker('rmi', ref).status, ref).toBe(0);
    expect(base).toBeDefined();

    const second = await runCli(['run', '--config', matrix, '--out', join(dir, 'second'), '--cache-registry', repository, '--verbose']);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).not.toMatch(/^building /m);
    expect(second.stderr).not.toMatch(/debootstrap/);
    for (const ref of used) expect(second.stderr).toContain(`pulled ${ref} from ${repository}`);
    expect(verdicts(readResults(join(dir, 'second')))).toEqual(verdicts(results));
  });

  it('saves the images a matrix uses to a folder and loads them back: nothing to build afterwards', async () => {
    const { matrix, dir } = uniqueProject();
    const cache = join(dir, 'image-cache');
    expect((await runCli(['run', '--config', matrix, '--out', join(dir, 'first')])).code).toBe(0);
    const save = await runCli(['images', 'save', cache, '--config', matrix]);
    expect(save.code, save.stderr).toBe(0);
    expect(save.stdout).toMatch(/^saved \d+ images to .*images\.tar/m);
    const listed = JSON.parse(readFileSync(join(cache, 'images.json'), 'utf8')).images as Array<{ ref: string }>;
    rememberImages(join(dir, 'first'));
    const environment = readResults(join(dir, 'first')).environments[0]!.image!;
    expect(listed.map((i) => i.ref)).toContain(environment);
    expect((await runCli(['images', 'save', cache, '--config', matrix])).stdout).toMatch(/already holds these \d+ images: nothing to save/);

    expect(docker('rmi', environment).status).toBe(0);
    const load = await runCli(['images', 'load', cache]);
    expect(load.code, load.stderr).toBe(0);
    const again = await runCli(['run', '--config', matrix, '--out', join(dir, 'again'), '--verbose']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).not.toMatch(/^building /m);
  });

  it('clean removes the images the matrix no longer uses and the containers of dead runs, keeps the current ones, and says what it freed', async () => {
    const { matrix, dir } = uniqueProject();
    expect((await runCli(['run', '--config', matrix, '--out', join(dir, 'old')])).code).toBe(0);
    const old = readResults(join(dir, 'old')).environments[0]!.image!;
    const lib = join(dir, 'project', 'src', 'lib.rs');
    writeFileSync(lib, `${readFileSync(lib, 'utf8')}\n// changed\n`);
    expect((await runCli(['run', '--config', matrix, '--out', join(dir, 'new')])).code).toBe(0);
    rememberImages(join(dir, 'old'));
    rememberImages(join(dir, 'new'));
    const current = readResults(join(dir, 'new')).environments[0]!.image!;
    expect(current).not.toBe(old);
    // A container a killed run created and never started (its harness pid cannot be alive).
    const orphan = docker('create', '--label', 'dev.dlmatrix.managed=true', '--label', 'dev.dlmatrix.container=cell-runner', '--label', `dev.dlmatrix.owner=${spawnSync('hostname').stdout.toString().trim()}:999999999`, current, 'true').stdout.trim();

    // The whole engine: what clean would remove (a real removal here would take other tests' images).
    const preview = await runCli(['clean', '--config', matrix, '--dry-run']);
    expect(preview.code, preview.stderr).toBe(0);
    expect(preview.stdout).toContain(`would remove ${old} (`);
    expect(preview.stdout).not.toContain(`would remove ${current} (`);
    expect(docker('image', 'inspect', old).status).toBe(0);

    const clean = await runCli(['clean', '--config', matrix, '--project-only']);
    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.stdout).toContain(`removed ${old}`);
    expect(clean.stdout).toMatch(/^removed 1 container of dead runs and 1 image; kept \d+ the matrix uses; freed \d/m);
    expect(docker('image', 'inspect', old).status).not.toBe(0);
    expect(docker('image', 'inspect', current).status).toBe(0);
    expect(docker('container', 'inspect', orphan).status).not.toBe(0);
  });
});
