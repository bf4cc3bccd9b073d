// The scheduling rules on a container engine double whose containers run a scripted cell runner:
// each test says what the runner answers (the fake knows no rule about flags or fixes, so what is
// asserted is the scheduler's and the classification's work, not the fake's). The real runner is
// tested in runner.test.ts, the real engine in the *.docker.test.ts files.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { LAYOUT } from '../image/layout.ts';
import { BuildFailedError, type AttachedStreams, type ContainerClient, type ContainerSpec } from '../docker/container-client.ts';
import { parseFlags } from '../matrix/flags.ts';
import type { CustomLoader, Mitigation } from '../matrix/types.ts';
import { planFromCells, type PlannedCell } from '../plan/plan.ts';
import type { Reporter } from '../report/reporter.ts';
import type { CellResult, Outcome } from '../results/run-results.ts';
import type { EnvironmentImage } from '../docker/images.ts';
import type { EnvironmentManifest } from '../image/manifest.ts';
import type { RunnerRequest } from '../image/runner-protocol.ts';
import type { InvocationContext } from './invocation.ts';
import { RunStop } from './run-stop.ts';
import { runPlan, type ImageProvider, type RunSettings } from './scheduler.ts';
import { distroToolchain } from '../test-support/make-manifests.ts';

const LIBRARY = `${LAYOUT.root}/variants/plain/src/fixture/target/release/libf.so`;
const PROMOTED = `${LAYOUT.root}/variants/promote/src/fixture/target/release/libf.so`;
const PLAIN_PROJECT = `${LAYOUT.root}/variants/plain/src/fixture`;
const PROMOTE_PROJECT = `${LAYOUT.root}/variants/promote/src/fixture`;
const LIBPYTHON = '/usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0';
const MANIFEST: EnvironmentManifest = {
  ...distroToolchain({ codename: 'bookworm', release: '12', glibc: '2.36', python: '3.11.2', rustc: '1.63.0', cargo: '1.65.0' }),
  stage: 'environment',
  numpy: { request: 'system', version: '1.24.2', source: 'distro' },
  node: 'v18.19.0',
  loaders: { c: `${LAYOUT.root}/bin/loader-c`, rust: `${LAYOUT.root}/bin/loader-rust`, node: `${LAYOUT.root}/loaders/node/loader.mjs` },
  variants: {
    plain: { library: LIBRARY, project: PLAIN_PROJECT, exports: ['dlmatrix_probe'], linked: { c: `${LAYOUT.root}/variants/plain/bin/loader-c-linked` }, hosts: [] },
    promote: { library: PROMOTED, project: PROMOTE_PROJECT, exports: ['dlmatrix_probe'], linked: {}, hosts: [] },
  },
};

type Reply = { exitCode?: number | null; signal?: string | null; timedOut?: boolean; outOfMemory?: boolean; stdout?: string; stderr?: string; trace?: unknown[] } | 'error' | 'runner-bug' | 'die';

const imported = (ok: boolean) =>
  ok
    ? [{ event: 'import-start', module: 'numpy' }, { event: 'import', module: 'numpy', ok: true, version: '1.24.2' }]
    : [
        { event: 'import-start', module: 'numpy' },
        { event: 'extension-failed', module: 'numpy.core._multiarray_umath', error: 'x.so: undefined symbol: PyExc_RecursionError' },
        { event: 'import', module: 'numpy', ok: false, chain: [{ type: 'ImportError', message: 'advice' }] },
      ];

/** Every import succeeds: what a test changes when it needs another answer. */
const importsWell = (): Reply => ({ trace: imported(true) });

class FakeEngine implements ContainerClient {
  created: ContainerSpec[] = [];
  attached: string[] = [];
  removed: string[] = [];
  requests: RunnerRequest[] = [];
  alive = true;
  respond: (request: RunnerRequest, attempt: number) => Reply = importsWell;
  private attempts = new Map<string, number>();
  private streams = new Map<string, { die: () => void }>();

  async ping() {
    if (!this.alive) throw new Error('connect ENOENT /var/run/docker.sock');
  }
  async engineVersion() {
    return 'fake';
  }
  async inspectImage() {
    return undefined;
  }
  async pullImage() {}
  async importImage() {}
  async removeImage() {}
  async buildImage() {}
  async createContainer(spec: ContainerSpec) {
    this.created.push(spec);
    return `container-${this.created.length}`;
  }
  async readFile(): Promise<Buffer> {
    throw new Error('the scheduler reads no file: manifests come with the images');
  }
  async attachAndStart(id: string): Promise<AttachedStreams> {
    this.attached.push(id);
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let die!: () => void;
    const ended = new Promise<void>((resolve) => (die = resolve));
    this.streams.set(id, { die });
    const send = (value: unknown) => stdout.write(`${JSON.stringify(value)}\n`);
    let buffer = '';
    stdin.on('data', (chunk: Buffer) => {
      buffer += chunk;
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const request = JSON.parse(buffer.slice(0, newline)) as RunnerRequest;
        buffer = buffer.slice(newline + 1);
        this.requests.push(request);
        const key = request.id.replace(/#\d+$/, '');
        const attempt = (this.attempts.get(key) ?? 0) + 1;
        this.attempts.set(key, attempt);
        const reply = this.respond(request, attempt);
        // Answers come on the next turn of the event loop, never on a timer: once runPlan has
        // returned, one setImmediate has let every answer that could still come arrive.
        setImmediate(() => {
          if (reply === 'die') return die();
          if (reply === 'error') return send({ type: 'error', id: request.id, kind: 'start', message: 'cannot start: No such file' });
          if (reply === 'runner-bug') return send({ type: 'error', id: request.id, kind: 'runner', message: 'the cell runner failed:\nTraceback (most recent call last):\nKeyError: argv' });
          send({ type: 'result', id: request.id, exitCode: 0, signal: null, timedOut: false, outOfMemory: false, stdout: '', stderr: '', trace: [], durationMs: 1, ...reply });
        });
      }
    });
    setImmediate(() => send({ type: 'ready', pid: 1 }));
    return { stdin, stdout, stderr, ended };
  }
  async removeContainer(id: string) {
    this.removed.push(id);
    this.streams.get(id)?.die();
  }
  async listContainers() {
    return [];
  }
  // Image operations the scheduler never uses.
  async listImages() {
    return [];
  }
  async tagImage() {}
  async pushImage() {}
  async pullImageWithAuth() {}
  async registryHasImage() {
    return false;
  }
  async saveImages() {}
  async loadImages() {}
  async imagesDiskUsage() {
    return 0;
  }
}

const images = (failing: string[] = [], manifest: EnvironmentManifest = MANIFEST, skipped?: string): ImageProvider => ({
  async environment({ distro, numpy }): Promise<EnvironmentImage> {
    if (failing.includes(distro)) throw new BuildFailedError(`build of ${distro} failed`, 'Get:1 ...\nE: Unable to locate package rustc-web', '[toolchain 3/6] RUN sh install-toolchain.sh');
    if (skipped) return { status: 'skipped', reason: skipped, python: '3.13.5' };
    return { status: 'ready', image: { ref: `img-${distro}-${numpy}`, id: `sha256:${distro}`, built: false, buildMs: 0 }, manifest };
  },
});

let counter = 0;
function cell(distro: string, loader: string, flags: string, expected: Outcome[], mitigation: Mitigation = 'none'): PlannedCell {
  const environment = `${distro}/py-system/np-system`;
  const axes = { distro, python: 'system', numpy: 'system', loader, flags, ...(mitigation !== 'none' && { mitigation }) };
  return { id: `${environment}/${loader}/${flags}/${mitigation}#${counter++}`, axes, environment, mode: parseFlags(flags), mitigation, expected };
}

const context = (loaders: Record<string, CustomLoader> = {}): InvocationContext => ({
  entry: 'dlmatrix_probe',
  entryKind: 'probe',
  loaders,
  imports: ['numpy'],
  koffiMinimumNode: 16,
  cellThreads: 1,
});

const settings = (overrides: Partial<RunSettings> = {}): RunSettings => ({
  runId: 'test',
  owner: 'host:1',
  jobs: 4,
  timeoutSeconds: 60,
  retries: 0,
  failFast: false,
  sandbox: { memoryBytes: 2 ** 31, pids: 1024 },
  context: context(),
  stop: new RunStop(),
  ...overrides,
});

/** Records every reporter event, and whether any came after runPlan returned. */
class EventLog implements Reporter {
  readonly name = 'events';
  events: string[] = [];
  closed = false;
  late = 0;
  onEnvironmentReady() {
    if (this.closed) this.late++;
  }
  onCellBegin(id: string) {
    if (this.closed) this.late++;
    this.events.push(`begin ${id}`);
  }
  onCellEnd(cell: CellResult) {
    if (this.closed) this.late++;
    this.events.push(`end ${cell.id}`);
  }
}

describe('runPlan', () => {
  it('runs every cell in one container per environment, through the runner, and removes the containers', async () => {
    const engine = new FakeEngine();
    engine.respond = (request) => ({ trace: imported(!request.argv.includes('RTLD_LOCAL|RTLD_NOW')) });
    const plan = planFromCells([
      cell('bookworm', 'c', 'RTLD_LOCAL|RTLD_NOW', ['undefined-symbol']),
      cell('bookworm', 'rust', 'RTLD_GLOBAL|RTLD_NOW', ['loaded']),
      cell('trixie', 'c', 'linked', ['loaded']),
    ]);
    const outcome = await runPlan(plan, { client: engine, images: images(), reporter: { name: 'none' } }, settings());
    expect(outcome.cells.map((c) => [c.outcome, c.verdict])).toEqual([
      ['undefined-symbol', 'pass'],
      ['loaded', 'pass'],
      ['loaded', 'pass'],
    ]);
    expect(outcome.cells[0]).toMatchObject({ symbol: 'PyExc_RecursionError', modules: [{ name: 'numpy', ok: false, symbol: 'PyExc_RecursionError' }] });
    expect(engine.created).toHaveLength(2);
    expect(engine.created[0]).toMatchObject({
      image: 'img-bookworm-system',
      stdinOnce: true,
      cmd: [LAYOUT.python, '-u', LAYOUT.runner],
      sandbox: { memoryBytes: 2 ** 31, pids: 1024 },
      labels: { 'dev.dlmatrix.run': 'test', 'dev.dlmatrix.owner': 'host:1' },
    });
    expect(engine.removed.sort()).toEqual(['container-1', 'container-2']);
    expect(engine.requests[0]).toMatchObject({
      argv: [`${LAYOUT.root}/bin/loader-c`, LIBRARY, 'RTLD_LOCAL|RTLD_NOW', 'dlmatrix_probe', 'probe', 'numpy'],
      cwd: PLAIN_PROJECT,
      timeout: 60,
      watch: ['numpy'],
    });
    expect(engine.requests.find((r) => r.argv[0].endsWith('linked'))?.argv).toEqual([`${LAYOUT.root}/variants/plain/bin/loader-c-linked`, 'numpy']);
    expect(outcome.environments[0].resolved).toEqual({ python: '3.11.2', numpy: '1.24.2', node: 'v18.19.0', rustc: 'rustc 1.63.0', os: 'Debian GNU/Linux 12 (bookworm)' });
  });

  it('applies the mitigation: LD_PRELOAD of libpython, or the library built with its own fix', async () => {
    const engine = new FakeEngine();
    const plan = planFromCells([
      cell('bookworm', 'c', 'RTLD_LOCAL|RTLD_NOW', ['loaded'], 'preload'),
      cell('bookworm', 'c', 'RTLD_LOCAL|RTLD_NOW', ['loaded'], 'promote'),
    ]);
    const outcome = await runPlan(plan, { client: engine, images: images(), reporter: { name: 'none' } }, settings());
    expect(outcome.cells.map((c) => c.outcome)).toEqual(['loaded', 'loaded']);
    const [preload, promote] = engine.requests;
    expect(preload.env).toEqual({ OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', LD_PRELOAD: LIBPYTHON });
    expect(promote.argv[1]).toBe(PROMOTED);
    expect(promote.cwd).toBe(PROMOTE_PROJECT);
  });

  it("runs the user's host program with its placeholders filled, in the project folder, with its env", async () => {
    const engine = new FakeEngine();
    const host: CustomLoader = { name: 'myhost', run: ['./myhost', '{library}', '{entry}'], env: { LD_LIBRARY_PATH: 'target/release' }, usesFlags: false, at: { file: 'm', line: 1, col: 1 } };
    engine.respond = () => ({ stdout: 'error: you should not import numpy from its source directory\n', trace: imported(false) });
    const plan = planFromCells([cell('bookworm', 'myhost', 'own', ['undefined-symbol'])]);
    const outcome = await runPlan(plan, { client: engine, images: images(), reporter: { name: 'none' } }, settings({ context: { ...context({ myhost: host }), entry: 'pytest', entryKind: 'void' } }));
    expect(engine.requests[0]).toMatchObject({ argv: ['./myhost', LIBRARY, 'pytest'], cwd: PLAIN_PROJECT, env: { LD_LIBRARY_PATH: 'target/release' } });
    expect(outcome.cells[0]).toMatchObject({ outcome: 'undefined-symbol', verdict: 'pass' });
    expect(outcome.cells[0].command).toEqual([
      'env', '-C', PLAIN_PROJECT, 'OPENBLAS_NUM_THREADS=1', 'OMP_NUM_THREADS=1', 'LD_LIBRARY_PATH=target/release', './myhost', LIBRARY, 'pytest',
    ]);
  });

  it("puts a mitigation's search paths in front of a host program's own, never in place of them", async () => {
    const engine = new FakeEngine();
    const env = { LD_LIBRARY_PATH: 'target/release', LD_PRELOAD: '/usr/lib/libjemalloc.so.2' };
    const host: CustomLoader = { name: 'myhost', run: ['./myhost', '{library}'], env, usesFlags: false, at: { file: 'm', line: 1, col: 1 } };
    const plan = planFromCells([cell('bookworm', 'myhost', 'own', ['loaded'], 'library-path'), cell('bookworm', 'myhost', 'own', ['loaded'], 'preload')]);
    await runPlan(plan, { client: engine, images: images(), reporter: { name: 'none' } }, settings({ jobs: 1, context: context({ myhost: host }) }));
    const [libraryPath, preload] = engine.requests;
    expect(libraryPath.env).toMatchObject({ LD_LIBRARY_PATH: `${LIBPYTHON.replace(/\/[^/]*$/, '')}:target/release`, LD_PRELOAD: env.LD_PRELOAD });
    expect(preload.env).toMatchObject({ LD_LIBRARY_PATH: 'target/release', LD_PRELOAD: `${LIBPYTHON}:${env.LD_PRELOAD}` });
  });

  it("sizes each cell's BLAS/OpenMP thread pools by cell-threads; a host program's own env wins, and `default` sets nothing", async () => {
    const host: CustomLoader = { name: 'myhost', run: ['./myhost', '{library}'], env: { OMP_NUM_THREADS: '4' }, usesFlags: false, at: { file: 'm', line: 1, col: 1 } };
    const plan = () => planFromCells([cell('bookworm', 'c', 'RTLD_GLOBAL|RTLD_NOW', ['loaded']), cell('bookworm', 'myhost', 'own', ['loaded'])]);
    const run = async (cellThreads: number | 'default') => {
      const engine = new FakeEngine();
      await runPlan(plan(), { client: engine, images: images(), reporter: { name: 'none' } }, settings({ jobs: 1, context: { ...context({ myhost: host }), cellThreads } }));
      return engine.requests.map((r) => r.env);
    };
    expect(await run(2)).toEqual([{ OPENBLAS_NUM_THREADS: '2', OMP_NUM_THREADS: '2' }, { OPENBLAS_NUM_THREADS: '2', OMP_NUM_THREADS: '4' }]);
    expect(await run('default')).toEqual([{}, { OMP_NUM_THREADS: '4' }]);
  });

  it('marks the cells of an environment that failed to build build-error, headed by the telling line, and still runs the others', async () => {
    const engine = new FakeEngine();
    const plan = planFromCells([cell('bullseye', 'c', 'linked', ['loaded']), cell('bookworm', 'c', 'linked', ['loaded'])]);
    const { cells, environments } = await runPlan(plan, { client: engine, images: images(['bullseye']), reporter: { name: 'none' } }, settings());
    expect(cells[0]).toMatchObject({ outcome: 'build-error', verdict: 'fail' });
    // The cell points to its environment, which carries the whole error once.
    expect(cells[0].reason).toBe(`its environment ${cells[0].environment} did not build: E: Unable to locate package rustc-web (the whole error is shown once, with the environment)`);
    expect(cells[1]).toMatchObject({ outcome: 'loaded', verdict: 'pass' });
    expect(environments[0].buildError?.split('\n')[0]).toBe('E: Unable to locate package rustc-web');
    expect(environments[0].buildError).toContain('build of bullseye failed');
    expect(environments[0].buildCause).toBe('E: Unable to locate package rustc-web');
  });

  it('skips every cell of an environment that cannot exist without creating a container', async () => {
    const engine = new FakeEngine();
    const skipped = images([], MANIFEST, 'this distro has no Python 3.13 package (python3.13)');
    const { cells, environments } = await runPlan(planFromCells([cell('bookworm', 'c', 'linked', ['loaded'])]), { client: engine, images: skipped, reporter: { name: 'none' } }, settings());
    expect(cells[0]).toMatchObject({ outcome: 'skipped', verdict: 'skip', reason: expect.stringContaining('no Python 3.13'), resolved: { python: '3.13.5' } });
    expect(environments[0].skipReason).toContain('no Python 3.13');
    expect(engine.created).toHaveLength(0);
  });

  it("makes a host program that did not build a build error of its own cells only, with the linker's cause; the other loaders run", async () => {
    const engine = new FakeEngine();
    const output = '  = note: /usr/bin/ld: warning: libpython3.13.so.1.0, needed by target/debug/libmylib.so, not found (try using -rpath or -rpath-link)\n';
    const failedHosts = { 'linked-host': { command: 'cargo build -p linked-host', exit: 101, output: `error: linking with \`cc\` failed: exit status: 1\n${output}` } };
    const manifest = { ...MANIFEST, variants: { ...MANIFEST.variants, plain: { ...MANIFEST.variants.plain, hosts: ['host'], failedHosts } } };
    const loader = (name: string): CustomLoader => ({ name, run: [`target/debug/${name}`, '{library}'], env: {}, usesFlags: false, at: { file: 'm', line: 1, col: 1 } });
    const plan = planFromCells([cell('trixie', 'linked-host', 'own', ['loaded']), cell('trixie', 'host', 'own', ['loaded']), cell('trixie', 'c', 'RTLD_GLOBAL|RTLD_NOW', ['loaded'])]);
    const { cells } = await runPlan(plan, { client: engine, images: images([], manifest), reporter: { name: 'none' } }, settings({ jobs: 1, context: context({ host: loader('host'), 'linked-host': loader('linked-host') }) }));
    expect(cells.map((c) => [c.axes.loader, c.outcome])).toEqual([['linked-host', 'build-error'], ['host', 'loaded'], ['c', 'loaded']]);
    expect(cells[0]!.reason).toBe(
      'host program linked-host did not build (exit 101: cargo build -p linked-host): error: linking with `cc` failed: exit status: 1\ncaused by: /usr/bin/ld: warning: libpython3.13.so.1.0, needed by target/debug/libmylib.so, not found (try using -rpath or -rpath-link)',
    );
    expect(cells[0]!.output.stderr).toContain('needed by target/debug/libmylib.so');
    expect(cells[0]!.verdict).toBe('fail');
    expect(engine.requests.map((r) => r.argv[0])).toEqual(['target/debug/host', `${LAYOUT.root}/bin/loader-c`]);
  });

  it('skips node cells where Node.js is too old for koffi', async () => {
    const engine = new FakeEngine();
    const old = images([], { ...MANIFEST, node: 'v12.22.12' });
    const { cells } = await runPlan(planFromCells([cell('bullseye', 'node', 'RTLD_GLOBAL|RTLD_NOW', ['loaded'])]), { client: engine, images: old, reporter: { name: 'none' } }, settings());
    expect(cells[0]).toMatchObject({ outcome: 'skipped', reason: 'Node.js v12.22.12 is too old for koffi (needs >= 16)' });
  });

  it('skips preload where the Python has no shared libpython to preload (a static build)', async () => {
    const engine = new FakeEngine();
    const staticPython = images([], { ...MANIFEST, python: { ...MANIFEST.python, build: 'static', libpython: { kind: 'static', path: '/root/.pyenv/versions/3.13.5/lib/libpython3.13.a' } } });
    const { cells } = await runPlan(planFromCells([cell('trixie', 'c', 'RTLD_LOCAL|RTLD_NOW', ['loaded'], 'preload')]), { client: engine, images: staticPython, reporter: { name: 'none' } }, settings());
    expect(cells[0]).toMatchObject({ outcome: 'skipped', verdict: 'skip', reason: expect.stringMatching(/preload needs a shared libpython.*libpython3\.13\.a/) });
    expect(engine.requests).toHaveLength(0);
  });

  it('an import that failed and then a crash: the import\'s outcome, the signal kept, and only an expectation naming crash passes it', async () => {
    const engine = new FakeEngine();
    engine.respond = () => ({ exitCode: null, signal: 'SIGSEGV', trace: imported(false) });
    const plan = planFromCells([cell('bookworm', 'c', 'RTLD_LOCAL|RTLD_NOW', ['undefined-symbol']), cell('bookworm', 'rust', 'RTLD_LOCAL|RTLD_NOW', ['undefined-symbol', 'crash'])]);
    const { cells } = await runPlan(plan, { client: engine, images: images(), reporter: { name: 'none' } }, settings());
    expect(cells[0]).toMatchObject({ outcome: 'undefined-symbol', signal: 'SIGSEGV', exitCode: null, verdict: 'fail', reason: expect.stringMatching(/PyExc_RecursionError; then crashed \(SIGSEGV\)$/) });
    expect(cells[1]).toMatchObject({ outcome: 'undefined-symbol', signal: 'SIGSEGV', verdict: 'pass' });
  });

  it("a failure of the runner itself is a harness-error with its traceback, never the program's crash", async () => {
    const engine = new FakeEngine();
    engine.respond = () => 'runner-bug';
    const { cells } = await runPlan(planFromCells([cell('bookworm', 'c', 'linked', ['loaded', 'crash'])]), { client: engine, images: images(), reporter: { name: 'none' } }, settings());
    expect(cells[0]).toMatchObject({ outcome: 'harness-error', verdict: 'fail', reason: expect.stringContaining('KeyError: argv') });
  });

  it('stops with a matrix error at `entry:` when the built library does not export the entry, naming the nearest export', async () => {
    const engine = new FakeEngine();
    const exporting = images([], { ...MANIFEST, variants: { plain: { ...MANIFEST.variants.plain, exports: ['myplugin_init', 'myplugin_version'] } } });
    const at = { file: '/p/matrix.yaml', line: 4, col: 10 };
    const outcome = await runPlan(
      planFromCells([cell('bookworm', 'c', 'RTLD_LOCAL|RTLD_NOW', ['undefined-symbol'])]),
      { client: engine, images: exporting, reporter: { name: 'none' } },
      settings({ context: { ...context(), entry: 'myplugin_int', entryKind: 'void', entryAt: at } }),
    );
    expect(outcome.stopReason).toMatchObject({ kind: 'matrix-error', diagnostics: [{ at, message: expect.stringContaining('exports no function `myplugin_int`'), hint: expect.stringContaining('did you mean `myplugin_init`?') }] });
    // Never classified, never passing as the NumPy failure it expected.
    expect(outcome.cells[0]).toMatchObject({ outcome: 'skipped', verdict: 'fail' }); // should have run and did not (results/not-run.ts)
    expect(engine.requests).toHaveLength(0);
  });

  it('reports a cell that passes only on retry as flaky, with its attempts', async () => {
    const engine = new FakeEngine();
    engine.respond = (_request, attempt) => (attempt === 1 ? { exitCode: null, signal: 'SIGSEGV', trace: [] } : { trace: imported(true) });
    const { cells } = await runPlan(planFromCells([cell('bookworm', 'c', 'linked', ['loaded'])]), { client: engine, images: images(), reporter: { name: 'none' } }, settings({ retries: 2 }));
    expect(cells[0]).toMatchObject({ outcome: 'loaded', verdict: 'flaky', attempts: 2, previousAttempts: [{ outcome: 'crash', signal: 'SIGSEGV' }] });
  });

  it('says a cell the kernel killed for memory reached cell-memory', async () => {
    const engine = new FakeEngine();
    engine.respond = () => ({ exitCode: null, signal: 'SIGKILL', outOfMemory: true });
    const { cells } = await runPlan(planFromCells([cell('bookworm', 'c', 'linked', ['loaded'])]), { client: engine, images: images(), reporter: { name: 'none' } }, settings());
    expect(cells[0]).toMatchObject({ outcome: 'crash', signal: 'SIGKILL', reason: expect.stringContaining('killed by the kernel for memory (SIGKILL): it reached options.cell-memory') });
  });

  it('reports what the runner killed at the timeout as timeout', async () => {
    const engine = new FakeEngine();
    engine.respond = () => ({ exitCode: null, signal: 'SIGKILL', timedOut: true });
    const { cells } = await runPlan(planFromCells([cell('bookworm', 'c', 'linked', ['loaded'])]), { client: engine, images: images(), reporter: { name: 'none' } }, settings());
    expect(cells[0]).toMatchObject({ outcome: 'timeout', verdict: 'fail' });
  });

  it('gives a cell the runner could not start its own outcome; its siblings are not affected', async () => {
    const engine = new FakeEngine();
    engine.respond = (request) => (request.argv[0]!.includes('rust') ? 'error' : { trace: imported(true) });
    const plan = planFromCells([cell('bookworm', 'rust', 'RTLD_GLOBAL|RTLD_NOW', ['loaded']), cell('bookworm', 'c', 'RTLD_GLOBAL|RTLD_NOW', ['loaded'])]);
    const { cells, environments } = await runPlan(plan, { client: engine, images: images(), reporter: { name: 'none' } }, settings());
    expect(cells[0]).toMatchObject({ outcome: 'crash', reason: expect.stringContaining('No such file') });
    expect(cells[1]).toMatchObject({ outcome: 'loaded' });
    expect(environments[0].buildError).toBeUndefined();
  });

  it('when a container dies under its cells (engine still up), they are engine-error, not build-error, and no event comes after the end', async () => {
    const engine = new FakeEngine();
    let count = 0;
    engine.respond = () => (++count === 2 ? 'die' : { trace: imported(true) });
    const cells = Array.from({ length: 5 }, () => cell('bookworm', 'c', 'RTLD_GLOBAL|RTLD_NOW', ['loaded']));
    const events = new EventLog();
    const outcome = await runPlan(planFromCells(cells), { client: engine, images: images(), reporter: events }, settings({ jobs: 1 }));
    events.closed = true;
    // The fake answers on setImmediate: one more turn lets any answer still due arrive.
    await new Promise((r) => setImmediate(r));
    expect(outcome.cells[0].outcome).toBe('loaded');
    expect(outcome.cells.slice(1).map((c) => c.outcome)).toEqual(['engine-error', 'engine-error', 'engine-error', 'engine-error']);
    expect(outcome.cells[1].reason).toContain("the environment's container failed");
    expect(outcome.environments[0].buildError).toBeUndefined();
    expect(outcome.stopReason).toBeUndefined();
    expect(events.late).toBe(0);
    expect(engine.removed).toContain('container-1');
  });

  it('when the engine goes away, stops the run: finished cells kept, the rest not run with that reason', async () => {
    const engine = new FakeEngine();
    let count = 0;
    engine.respond = () => {
      if (++count < 3) return { trace: imported(true) };
      engine.alive = false;
      return 'die';
    };
    const cells = Array.from({ length: 6 }, () => cell('bookworm', 'c', 'RTLD_GLOBAL|RTLD_NOW', ['loaded']));
    const outcome = await runPlan(planFromCells(cells), { client: engine, images: images(), reporter: { name: 'none' } }, settings({ jobs: 1 }));
    expect(outcome.stopReason?.kind).toBe('engine-lost');
    expect(outcome.cells.slice(0, 2).map((c) => c.outcome)).toEqual(['loaded', 'loaded']);
    expect(outcome.cells.slice(2).every((c) => c.outcome === 'skipped' && c.reason?.includes('Docker engine stopped answering'))).toBe(true);
  });

  it('stops scheduling after the first failure with --fail-fast; the rest are not run, not dropped', async () => {
    const engine = new FakeEngine();
    engine.respond = (request) => ({ trace: imported(!request.argv.includes('RTLD_LOCAL|RTLD_NOW')) });
    const cells = Array.from({ length: 6 }, (_, i) => cell('bookworm', 'c', i === 0 ? 'RTLD_LOCAL|RTLD_NOW' : 'RTLD_GLOBAL|RTLD_NOW', ['loaded']));
    const outcome = await runPlan(planFromCells(cells), { client: engine, images: images(), reporter: { name: 'none' } }, settings({ jobs: 1, failFast: true }));
    expect(outcome.stopReason?.kind).toBe('fail-fast');
    expect(outcome.cells).toHaveLength(6);
    expect(outcome.cells[0].verdict).toBe('fail');
    expect(outcome.cells.slice(1).every((c) => c.outcome === 'skipped' && c.reason?.includes('--fail-fast'))).toBe(true);
  });

  it('--fail-fast also stops environments whose image is still building', async () => {
    const engine = new FakeEngine();
    engine.respond = () => ({ trace: imported(false) });
    let releaseBuild!: () => void;
    const slow: ImageProvider = {
      async environment(request) {
        if (request.distro === 'trixie') await new Promise<void>((resolve) => (releaseBuild = resolve));
        return images().environment(request);
      },
    };
    const stop = new RunStop();
    stop.signal.addEventListener('abort', () => releaseBuild?.());
    const plan = planFromCells([cell('bookworm', 'c', 'RTLD_LOCAL|RTLD_NOW', ['loaded']), cell('trixie', 'c', 'linked', ['loaded'])]);
    const outcome = await runPlan(plan, { client: engine, images: slow, reporter: { name: 'none' } }, settings({ failFast: true, stop }));
    expect(outcome.cells[1]).toMatchObject({ outcome: 'skipped', reason: expect.stringContaining('--fail-fast') });
    expect(engine.created.map((c) => c.image)).toEqual(['img-bookworm-system']);
  });

  it('on interrupt keeps what finished, marks the rest interrupted and closes the sessions', async () => {
    const engine = new FakeEngine();
    const interrupt = new AbortController();
    let count = 0;
    engine.respond = () => {
      if (++count === 2) interrupt.abort({ kind: 'interrupted', message: 'not run: the run was interrupted (SIGINT)' });
      return { trace: imported(true) };
    };
    const cells = Array.from({ length: 5 }, () => cell('bookworm', 'c', 'linked', ['loaded']));
    const outcome = await runPlan(planFromCells(cells), { client: engine, images: images(), reporter: { name: 'none' } }, settings({ jobs: 1, stop: new RunStop(interrupt.signal) }));
    expect(outcome.stopReason?.kind).toBe('interrupted');
    expect(outcome.cells[0].outcome).toBe('loaded');
    expect(outcome.cells.filter((c) => c.reason?.includes('interrupted (SIGINT)')).length).toBeGreaterThanOrEqual(3);
    expect(engine.removed).toContain('container-1');
  });
});
