// What CI does to a run, for real: kill -9 (a cancelled job, again and again), the engine going
// away mid-run, a loader that ignores SIGTERM, two runs at once on one engine or into one folder,
// a reader that closes the pipe, a full disk, a typo in a NumPy pin. Nothing leaks, nothing
// gathered is lost, nothing turns green by mistake.
import { spawn, spawnSync } from 'node:child_process';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HARNESS_ROOT } from '../docker/build-context.ts';
import { LAYOUT } from '../image/layout.ts';
import { CLI, containersOf, readResults, runCli } from '../test-support/run-cli.ts';
import { fill, smallFilesystem } from '../test-support/small-filesystem.ts';

const PROBE = join(HARNESS_ROOT, 'crates', 'probe');

/** Cells that take a while: a host program that waits, then loads the library with the C loader. */
function slowMatrix(cells: number, { loader = 'slow', numpy = 'system' } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'dlmatrix-resilience-'));
  const waits = Array.from({ length: cells }, (_, i) => `"${i}"`).join(', ');
  writeFileSync(
    join(dir, 'matrix.yaml'),
    `project: ${PROBE}
loaders:
  slow:
    run: [sh, -c, 'sleep 1; exec ${LAYOUT.bin}/loader-c "$0" "RTLD_GLOBAL|RTLD_NOW" dlmatrix_probe probe numpy', "{library}"]
  stubborn:
    run: [sh, -c, 'trap "" TERM; echo started; while :; do sleep 1; done']
  chatty:
    run: [sh, -c, 'head -c 100000 /dev/zero | tr "\\0" x; echo; exec ${LAYOUT.bin}/loader-c "$0" "RTLD_GLOBAL|RTLD_NOW" dlmatrix_probe probe numpy', "{library}"]
matrix:
  distro: [bookworm]
  python: [system]
  numpy: [${numpy}]
  loader: [${loader}]
  wait: [${waits}]
`,
  );
  return join(dir, 'matrix.yaml');
}

function spawnRun(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn('node', [CLI, 'run', ...args], { env: { ...process.env, CI: 'true', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : null))));
  const firstPass = new Promise<void>((resolve) =>
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
      if (/^PASS /m.test(stderr)) resolve();
    }),
  );
  return { child, exited, firstPass, stderr: () => stderr };
}

async function until(condition: () => boolean, timeoutMs: number): Promise<number> {
  const began = Date.now();
  while (!condition()) {
    if (Date.now() - began > timeoutMs) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 500));
  }
  return Date.now() - began;
}

/** A Unix socket that forwards to the real engine, and can be made to go away. */
function engineProxy(): Promise<{ host: string; vanish: () => void; server: Server }> {
  const path = join(mkdtempSync(join(tmpdir(), 'engine-')), 'docker.sock');
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const engine = connect('/var/run/docker.sock');
    for (const s of [client, engine]) {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(engine).pipe(client);
  });
  return new Promise((resolve) =>
    server.listen(path, () =>
      resolve({
        host: `unix://${path}`,
        server,
        vanish: () => {
          server.close();
          for (const s of sockets) s.destroy();
        },
      }),
    ),
  );
}

describe('resilience (real Docker)', () => {
  it('after kill -9: no container is left within 60 s, and `dlmatrix report` recovers the finished cells', async () => {
    const out = mkdtempSync(join(tmpdir(), 'dlmatrix-kill-'));
    const run = spawnRun(['--config', slowMatrix(8), '--out', out, '--jobs', '1']);
    await run.firstPass;
    expect(containersOf(run.child.pid!).length).toBeGreaterThan(0);
    run.child.kill('SIGKILL');
    await run.exited;
    // The engine removes them (AutoRemove) once their stdin closes; `until` fails the test if
    // one is still there after 60 s.
    await until(() => containersOf(run.child.pid!).length === 0, 60_000);
    expect(containersOf(run.child.pid!)).toEqual([]);

    const report = await runCli(['report', out]);
    expect(report.code, report.stderr).toBe(1); // the run had not finished: never green
    expect(report.stderr).toMatch(/recovered \d+ finished cells of an interrupted run; \d+ not run/);
    const results = readResults(out);
    expect(results.interrupted).toBe(true);
    expect(results.cells).toHaveLength(8);
    const finished = results.cells.filter((c) => c.outcome === 'loaded');
    expect(finished.length).toBeGreaterThanOrEqual(1);
    expect(results.cells.filter((c) => c.reason?.startsWith('not run: the run ended before this cell finished')).length).toBe(8 - finished.length);

    // A second run into the folder is killed too: the next run keeps both, each in its own folder.
    const second = spawnRun(['--config', slowMatrix(4), '--out', out, '--jobs', '1']);
    await second.firstPass;
    expect(second.stderr()).toContain(`its reports are in ${join(out, 'interrupted-run')}`);
    second.child.kill('SIGKILL');
    await second.exited;
    const next = await runCli(['run', '--config', slowMatrix(1), '--out', out]);
    expect(next.code, next.stderr).toBe(0);
    expect(next.stderr).toContain(`its reports are in ${join(out, 'interrupted-run-2')}`);
    expect(readResults(join(out, 'interrupted-run')).cells).toHaveLength(8);
    expect(readResults(join(out, 'interrupted-run-2')).cells).toHaveLength(4);
    expect(readResults(join(out, 'interrupted-run')).startedAt).toBe(results.startedAt);
    expect(readResults(out).cells).toHaveLength(1);
  });

  it('SIGTERM (a CI cancel) exits 143 with the results gathered so far; a second Ctrl-C quits at once and still leaves no container', async () => {
    const out = mkdtempSync(join(tmpdir(), 'dlmatrix-term-'));
    const run = spawnRun(['--config', slowMatrix(6), '--out', out, '--jobs', '1']);
    await run.firstPass;
    run.child.kill('SIGTERM');
    expect(await run.exited, run.stderr()).toBe(143);
    expect(readResults(out).cells.some((c) => c.outcome === 'loaded')).toBe(true);
    expect(containersOf(run.child.pid!)).toEqual([]);

    const impatient = spawnRun(['--config', slowMatrix(6), '--out', mkdtempSync(join(tmpdir(), 'dlmatrix-int-')), '--jobs', '1']);
    await impatient.firstPass;
    impatient.child.kill('SIGINT');
    impatient.child.kill('SIGINT');
    expect(await impatient.exited).toBe(130);
    // It did not wait to remove them: the engine closes their runners' stdin, and they go.
    await until(() => containersOf(impatient.child.pid!).length === 0, 30_000);
  });

  it('when the engine goes away mid-run: exit 3, the finished cells kept, the rest not run with that reason', async () => {
    const out = mkdtempSync(join(tmpdir(), 'dlmatrix-engine-'));
    const proxy = await engineProxy();
    const run = spawnRun(['--config', slowMatrix(8), '--out', out, '--jobs', '1', '--timeout', '30'], { DOCKER_HOST: proxy.host });
    await run.firstPass;
    const began = Date.now();
    proxy.vanish();
    expect(await run.exited, run.stderr()).toBe(3);
    expect(Date.now() - began).toBeLessThan(30_000); // within the cell timeout
    expect(run.stderr()).toMatch(/Docker engine stopped answering/);
    const results = readResults(out);
    expect(results.interrupted).toBe(true);
    expect(results.cells.some((c) => c.outcome === 'loaded')).toBe(true);
    const rest = results.cells.filter((c) => c.outcome !== 'loaded');
    expect(rest.length).toBeGreaterThan(0);
    for (const cell of rest) expect(cell.reason, cell.id).toMatch(/Docker engine stopped answering/);
    // Its containers lost their harness: they go too.
    await until(() => containersOf(run.child.pid!).length === 0, 60_000);
  });

  it('kills a loader that ignores SIGTERM at the timeout and reports it as timeout', async () => {
    const out = mkdtempSync(join(tmpdir(), 'dlmatrix-timeout-'));
    const run = await runCli(['run', '--config', slowMatrix(1, { loader: 'stubborn' }), '--out', out, '--timeout', '2']);
    expect(run.code).toBe(1);
    const [cell] = readResults(out).cells;
    expect(cell).toMatchObject({ outcome: 'timeout', verdict: 'fail' });
    expect(cell.output.stdout).toBe('started\n');
    expect(cell.durationMs).toBeLessThan(15_000);
  });

  it('two runs on one engine at once do not disturb each other', async () => {
    const [a, b] = [mkdtempSync(join(tmpdir(), 'dlmatrix-a-')), mkdtempSync(join(tmpdir(), 'dlmatrix-b-'))];
    const first = spawnRun(['--config', slowMatrix(6), '--out', a, '--jobs', '1']);
    await first.firstPass;
    // The second starts while the first runs: its start-up reaping must leave the first alone.
    const second = await runCli(['run', '--config', slowMatrix(3), '--out', b]);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).not.toMatch(/removed \d+ container/);
    expect(await first.exited, first.stderr()).toBe(0);
    expect(readResults(a).cells.every((c) => c.outcome === 'loaded')).toBe(true);
    expect(readResults(b).cells.every((c) => c.outcome === 'loaded')).toBe(true);
  });

  it('two runs into one folder: the second refuses (exit 2) or, with --wait, waits; neither disturbs the other', async () => {
    const out = mkdtempSync(join(tmpdir(), 'dlmatrix-shared-'));
    const first = spawnRun(['--config', slowMatrix(6), '--out', out, '--jobs', '1']);
    await first.firstPass;
    const refused = await runCli(['run', '--config', slowMatrix(2), '--out', out]);
    expect(refused.code, refused.stderr).toBe(2);
    expect(refused.stderr).toContain(`is in use by dlmatrix run (pid ${first.child.pid} on `);
    const waiting = spawnRun(['--config', slowMatrix(2), '--out', out, '--wait']);
    expect(await first.exited, first.stderr()).toBe(0);
    expect(await waiting.exited, waiting.stderr()).toBe(0);
    expect(waiting.stderr()).toContain(`waiting for dlmatrix run (pid ${first.child.pid} on `);
    // The first run finished whole (its journal has one begin and one end), then the second ran.
    expect(first.stderr()).toMatch(/6 cells: 6 passed/);
    expect(readResults(out).cells).toHaveLength(2);
    expect(existsSync(join(out, 'interrupted-run'))).toBe(false);
    const lines = readFileSync(join(out, 'results.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line).type);
    expect(lines.filter((type) => type === 'begin')).toHaveLength(1);
    expect(lines.at(-1)).toBe('end');
  });

  it('a closed stdout/stderr (`run 2>&1 | head -1`) does not stop the run: every cell runs and the reports are written', async () => {
    const out = mkdtempSync(join(tmpdir(), 'dlmatrix-epipe-'));
    const piped = spawnSync('bash', ['-c', `node ${CLI} run --config ${slowMatrix(3)} --out ${out} --jobs 1 2>&1 | head -1; exit \${PIPESTATUS[0]}`], {
      encoding: 'utf8',
      env: { ...process.env, CI: 'true' },
    });
    expect(piped.stdout.split('\n').filter(Boolean)).toHaveLength(1);
    expect(piped.status).toBe(0);
    expect(readResults(out).cells.map((c) => c.outcome)).toEqual(['loaded', 'loaded', 'loaded']);
    expect(readFileSync(join(out, 'results.jsonl'), 'utf8').trim().split('\n').at(-1)).toBe('{"type":"end"}');
  });

  it('on a full disk: exit 4 naming the file, no `end` in the journal, and the next run keeps the run and writes its reports', async () => {
    const disk = smallFilesystem('2m');
    const out = join(disk, 'reports');
    // Two cells printing 100 kB each: the journal fits, the reports do not.
    const matrix = slowMatrix(2, { loader: 'chatty' });
    fill(disk, 230 * 1024);
    const full = await runCli(['run', '--config', matrix, '--out', out]);
    expect(full.code, full.stderr).toBe(4);
    expect(full.stderr).toMatch(/the json report could not be written: cannot write .*results\.json: no space left on the device \(ENOSPC\)/);
    // Only what was written is listed (junit.xml, which repeats no passing cell's output, fits).
    expect(full.stderr).not.toMatch(/reports in .*(results\.json|index\.html)/);
    const journal = readFileSync(join(out, 'results.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line).type);
    expect(journal).toEqual(['begin', 'environment', 'cell', 'cell', 'finish']);
    // Space again: the next run first writes the reports of the one whose reports failed.
    for (const name of readdirSync(disk).filter((n) => n.startsWith('filler'))) rmSync(join(disk, name));
    const next = await runCli(['run', '--config', slowMatrix(1), '--out', out]);
    expect(next.code, next.stderr).toBe(0);
    expect(next.stderr).toContain(`the previous run into ${out} did not write its reports: the run had finished: 2 cells`);
    expect(readResults(join(out, 'interrupted-run')).cells.map((c) => c.outcome)).toEqual(['loaded', 'loaded']);
  });

  it('a NumPy pin that does not exist is an error before anything runs, not a green run of skipped cells', async () => {
    const run = await runCli(['run', '--config', slowMatrix(1, { numpy: '"2.2.66"' }), '--out', mkdtempSync(join(tmpdir(), 'dlmatrix-typo-out-'))]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/matrix\.yaml:\d+:\d+: error: NumPy 2\.2\.66 does not exist on PyPI/);
    expect(run.stderr).toMatch(/nearest releases: .*2\.2\.6/);
  });
});
