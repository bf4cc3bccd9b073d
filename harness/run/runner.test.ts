// The cell runner (docker/runtime/runner.py) and its import trace, run for real with this
// machine's python3 (the containers run the same file on their own Python): timeouts that
// SIGTERM cannot stop, floods of output, the trace of a failing extension module, and nothing
// left running once its stdin closes.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RunnerChannel } from './runner-channel.ts';
import type { RunnerRequest, RunnerResult } from '../image/runner-protocol.ts';
import { parseTraceEvents, type TraceEvent } from '../image/trace-events.ts';

const RUNNER = join(import.meta.dirname, '..', '..', 'docker', 'runtime', 'runner.py');
const python = spawnSync('python3', ['--version']);
if (python.status !== 0) throw new Error('these tests need python3 on the PATH (apt-get install python3)');

const started: Array<ReturnType<typeof spawn>> = [];
afterEach(() => started.splice(0).forEach((child) => child.kill('SIGKILL')));

function startRunner() {
  const child = spawn('python3', ['-u', RUNNER], { stdio: ['pipe', 'pipe', 'pipe'] });
  started.push(child);
  const ended = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const channel = new RunnerChannel({ stdin: child.stdin, stdout: child.stdout, stderr: child.stderr, ended }, 'the runner under test');
  return { child, channel, ended };
}

const request = (argv: string[], extra: Partial<RunnerRequest> = {}): RunnerRequest => ({
  id: `r${Math.random()}`,
  argv,
  cwd: tmpdir(),
  env: {},
  timeout: 30,
  watch: [],
  ...extra,
});

/** One request's result, its trace events each checked against the image contract. */
async function runOne(argv: string[], extra: Partial<RunnerRequest> = {}): Promise<Omit<RunnerResult, 'trace'> & { trace: TraceEvent[] }> {
  const { channel } = startRunner();
  await channel.ready;
  const reply = await channel.run(request(argv, extra));
  if (reply.type !== 'result') throw new Error(`runner error: ${reply.message}`);
  const trace = parseTraceEvents(reply.trace);
  expect(trace.filter((e) => e.event === 'garbled')).toEqual([]);
  return { ...reply, trace };
}

describe('cell runner (real python3)', () => {
  it('returns exit code, stdout and stderr of a program', async () => {
    const result = await runOne(['sh', '-c', 'echo out; echo err >&2; exit 3']);
    expect(result).toMatchObject({ exitCode: 3, signal: null, timedOut: false, stdout: 'out\n', stderr: 'err\n' });
  });

  it('reports a program killed by a signal by its name', async () => {
    const result = await runOne(['sh', '-c', 'kill -SEGV $$']);
    expect(result).toMatchObject({ exitCode: null, signal: 'SIGSEGV', timedOut: false });
  });

  it('kills a program that ignores SIGTERM at the timeout and says it timed out', async () => {
    const began = Date.now();
    const result = await runOne(['sh', '-c', 'trap "" TERM; echo waiting; while :; do sleep 1; done'], { timeout: 1, killGrace: 1 });
    expect(result).toMatchObject({ timedOut: true, signal: 'SIGKILL', stdout: 'waiting\n' });
    expect(Date.now() - began).toBeLessThan(10_000);
  });

  it('ends a program that obeys SIGTERM at the timeout with SIGTERM, and one that finishes in time is not timed out', async () => {
    const slow = await runOne(['sleep', '30'], { timeout: 0.5, killGrace: 5 });
    expect(slow).toMatchObject({ timedOut: true, signal: 'SIGTERM' });
    expect(slow.durationMs).toBeLessThan(5_000);
    const quick = await runOne(['sh', '-c', 'sleep 0.2; echo done'], { timeout: 0.5, killGrace: 5 });
    expect(quick).toMatchObject({ timedOut: false, exitCode: 0, stdout: 'done\n' });
  });

  it('keeps the head and the tail of a flood, so a result line printed last survives', async () => {
    const result = await runOne(['python3', '-c', 'import sys; sys.stdout.write("x" * 3000000 + "\\nRESULT\\n")'], { maxOutput: 100_000 });
    expect(result.stdout.length).toBeLessThan(101_000);
    expect(result.stdout).toMatch(/\[dlmatrix: \d+ bytes dropped here\]/);
    expect(result.stdout.endsWith('RESULT\n')).toBe(true);
  });

  it('answers with an error, not a hang, when the program cannot start', async () => {
    const { channel } = startRunner();
    await channel.ready;
    const reply = await channel.run(request(['/nonexistent/host']));
    expect(reply).toMatchObject({ type: 'error', kind: 'start', message: expect.stringContaining('No such file') });
  });

  it('answers a failure of its own with kind runner and its traceback (a dlmatrix bug, not the program\'s crash)', async () => {
    const diagnostics: string[] = [];
    const child = spawn('python3', ['-u', RUNNER], { stdio: ['pipe', 'pipe', 'pipe'] });
    started.push(child);
    const ended = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    const channel = new RunnerChannel({ stdin: child.stdin, stdout: child.stdout, stderr: child.stderr, ended }, 'the runner under test', (line) => diagnostics.push(line));
    await channel.ready;
    // argv that is not a list of strings makes the runner itself fail.
    const reply = await channel.run({ ...request([]), argv: 5 as unknown as string[] });
    expect(reply).toMatchObject({ type: 'error', kind: 'runner', message: expect.stringMatching(/^the cell runner failed:\nTraceback/) });
    // The traceback also reaches the harness's diagnostics, from the runner's stderr.
    await new Promise<void>((resolve) => (diagnostics.some((l) => l.startsWith('Traceback')) ? resolve() : child.stderr.once('data', () => setImmediate(resolve))));
    expect(diagnostics.some((line) => line.startsWith('Traceback'))).toBe(true);
  });

  it('runs requests concurrently: four programs that each wait for all four to have started', async () => {
    const { channel } = startRunner();
    await channel.ready;
    const dir = mkdtempSync(join(tmpdir(), 'rendezvous-'));
    // Serial execution can never finish: the first program would wait for the others until its timeout.
    const program = `touch ${dir}/$$; while [ $(ls ${dir} | wc -l) -lt 4 ]; do sleep 0.05; done`;
    const replies = await Promise.all([1, 2, 3, 4].map(() => channel.run(request(['sh', '-c', program], { timeout: 20 }))));
    expect(replies.map((r) => (r.type === 'result' ? [r.exitCode, r.timedOut] : r.message))).toEqual([[0, false], [0, false], [0, false], [0, false]]);
  });

  it('stops everything it started and exits when its stdin closes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runner-'));
    const { child, channel, ended } = startRunner();
    await channel.ready;
    const pending = channel.run(request(['sh', '-c', `echo $$ > ${dir}/pid; exec sleep 60`]));
    pending.catch(() => {});
    for (let i = 0; i < 50 && !readPid(dir); i++) await new Promise((r) => setTimeout(r, 50));
    const pid = readPid(dir)!;
    expect(isAlive(pid)).toBe(true);
    child.stdin.end();
    await ended;
    // The killed process may linger a moment as a zombie until it is reaped.
    for (let i = 0; i < 40 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 50));
    expect(isAlive(pid)).toBe(false);
    await expect(pending).rejects.toThrow(/stopped/);
  });
});

describe('import trace (real python3)', () => {
  it('records watched imports with their version, and still runs the sitecustomize it shadows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trace-'));
    writeFileSync(join(dir, 'sitecustomize.py'), `open(${JSON.stringify(join(dir, 'ran'))}, "w").write("yes")\n`);
    writeFileSync(join(dir, 'watched.py'), '__version__ = "1.2.3"\n');
    const result = await runOne(['python3', '-c', 'import watched'], { env: { PYTHONPATH: dir }, watch: ['watched'] });
    expect(result.exitCode).toBe(0);
    expect(result.trace).toEqual([
      expect.objectContaining({ event: 'start' }),
      { event: 'import-start', module: 'watched' },
      { event: 'import', module: 'watched', ok: true, version: '1.2.3' },
    ]);
    expect(readFileSync(join(dir, 'ran'), 'utf8')).toBe('yes');
  });

  it("records the dynamic loader's message of an extension module that fails to load, even when the program hides it", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trace-'));
    const suffix = spawnSync('python3', ['-c', 'import importlib.machinery as m; print(m.EXTENSION_SUFFIXES[0])'], { encoding: 'utf8' }).stdout.trim();
    writeFileSync(join(dir, `broken${suffix}`), 'not an ELF file');
    const program = 'try:\n    import broken\nexcept ImportError:\n    print("all good")\n';
    const result = await runOne(['python3', '-c', program], { env: { PYTHONPATH: dir }, watch: ['broken'] });
    expect(result.stdout).toBe('all good\n');
    const failed = result.trace.find((e) => e.event === 'extension-failed');
    expect(failed).toMatchObject({ module: 'broken', error: expect.stringMatching(/broken.*(invalid ELF header|file too short)/) });
    expect(result.trace.at(-1)).toMatchObject({ event: 'import', module: 'broken', ok: false });
  });
});

function readPid(dir: string): number | undefined {
  try {
    return Number(readFileSync(join(dir, 'pid'), 'utf8').trim()) || undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

