// The orchestration rules, on a container engine double (the real engine is exercised by
// run-plan.docker.test.ts).
import { describe, expect, it } from 'vitest';
import { BuildFailedError, type ContainerClient, type ExecRequest, type ExecResult } from '../docker/container-client.ts';
import type { LoadMode } from '../matrix/flags.ts';
import { planFromCells, type PlannedCell } from '../plan/plan.ts';
import type { CellResult, Outcome } from '../results/types.ts';
import { runPlan, type ImageProvider, type RunSettings } from './run-plan.ts';

const probeLine = (ok: boolean) =>
  ok
    ? '@@dlmatrix {"stage":"probe","report":{"python":"3.11.2","modules":[{"name":"numpy","ok":true,"version":"1.24.2"}]}}\n'
    : '@@dlmatrix {"stage":"probe","report":{"python":"3.11.2","modules":[{"name":"numpy","ok":false,"chain":[{"type":"ImportError","message":"x.so: undefined symbol: PyExc_RecursionError"}]}]}}\n';

class FakeEngine implements ContainerClient {
  started: string[] = [];
  removed: string[] = [];
  execs: string[][] = [];
  facts = 'python=3.11.2\nnumpy=1.24.2\n';
  /** Decides each loader exec's result from its command line. */
  respond: (cmd: string[], attempt: number) => Partial<ExecResult> = (cmd) => ({ stdout: probeLine(!cmd.join(' ').includes('RTLD_LOCAL')) });
  private attempts = new Map<string, number>();
  async ping() {}
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
  async startContainer(image: string) {
    this.started.push(image);
    return `container-${this.started.length}`;
  }
  async exec(_id: string, request: ExecRequest): Promise<ExecResult> {
    if (request.cmd[0] === 'sh') return { exitCode: 0, stdout: this.facts, stderr: '', hostTimedOut: false };
    this.execs.push(request.cmd);
    const key = request.cmd.join(' ');
    const attempt = (this.attempts.get(key) ?? 0) + 1;
    this.attempts.set(key, attempt);
    await new Promise((r) => setTimeout(r, 1));
    return { exitCode: 0, stdout: '', stderr: '', hostTimedOut: false, ...this.respond(request.cmd, attempt) };
  }
  async removeContainer(id: string) {
    this.removed.push(id);
  }
  async listContainers() {
    return [];
  }
}

const images = (failing: string[] = []): ImageProvider => ({
  async environment(distro, python, numpy) {
    if (failing.includes(distro)) throw new BuildFailedError(`build of ${distro} failed`, 'E: Unable to locate package rustc');
    return { ref: `img-${distro}-${numpy}`, id: `sha256:${distro}`, built: false, buildMs: 0 };
  },
});

function cell(distro: string, loader: string, flags: string, expected: Outcome[]): PlannedCell {
  const mode: LoadMode = flags === 'linked' ? { kind: 'linked' } : { kind: 'dlopen', flags: flags.split('|') as never };
  const environment = `${distro}/py-system/np-system`;
  return { id: `${environment}/${loader}/${flags}`, axes: { distro, python: 'system', numpy: 'system', loader, flags }, environment, mode, expected };
}

const settings = (overrides: Partial<RunSettings> = {}): RunSettings => ({
  runId: 'test',
  imports: ['numpy'],
  jobs: 4,
  timeoutSeconds: 60,
  retries: 0,
  failFast: false,
  signal: new AbortController().signal,
  ...overrides,
});

const noReporter = { name: 'none' };
const byId = (cells: CellResult[]) => Object.fromEntries(cells.map((c) => [c.id, c]));

describe('runPlan', () => {
  it('runs every cell in one container per environment, classifies and judges it, and removes the containers', async () => {
    const engine = new FakeEngine();
    const plan = planFromCells([
      cell('bookworm', 'c', 'RTLD_LOCAL|RTLD_NOW', ['undefined-symbol']),
      cell('bookworm', 'rust', 'RTLD_GLOBAL|RTLD_NOW', ['loaded']),
      cell('trixie', 'c', 'linked', ['loaded']),
    ]);
    const outcome = await runPlan(plan, { client: engine, images: images(), reporter: noReporter }, settings());
    expect(outcome.cells.map((c) => [c.outcome, c.verdict])).toEqual([
      ['undefined-symbol', 'pass'],
      ['loaded', 'pass'],
      ['loaded', 'pass'],
    ]);
    expect(outcome.cells[0].symbol).toBe('PyExc_RecursionError');
    expect(engine.started).toHaveLength(2);
    expect(engine.removed.sort()).toEqual(['container-1', 'container-2']);
    expect(engine.execs[0].slice(0, 4)).toEqual(['timeout', '-k', '5', '60']);
    expect(outcome.environments[0].resolved).toMatchObject({ python: '3.11.2', numpy: '1.24.2' });
  });

  it('marks the cells of an environment that failed to build build-error with the log tail, and still runs the others', async () => {
    const engine = new FakeEngine();
    const plan = planFromCells([cell('bullseye', 'c', 'linked', ['loaded']), cell('bookworm', 'c', 'linked', ['loaded'])]);
    const { cells, environments } = await runPlan(plan, { client: engine, images: images(['bullseye']), reporter: noReporter }, settings());
    expect(cells[0]).toMatchObject({ outcome: 'build-error', verdict: 'fail' });
    expect(cells[0].reason).toContain('Unable to locate package rustc');
    expect(cells[1]).toMatchObject({ outcome: 'loaded', verdict: 'pass' });
    expect(environments[0].buildError).toContain('build of bullseye failed');
  });

  it('skips every cell of an environment that cannot exist, with the reason the image recorded', async () => {
    const engine = new FakeEngine();
    engine.facts = 'python=3.13.5\nskip=PyPI has no NumPy 1.26.4 wheel for Python 3.13.5 on this platform\n';
    const plan = planFromCells([cell('trixie', 'c', 'linked', ['loaded'])]);
    const { cells } = await runPlan(plan, { client: engine, images: images(), reporter: noReporter }, settings());
    expect(cells[0]).toMatchObject({ outcome: 'skipped', verdict: 'skip', reason: expect.stringContaining('no NumPy 1.26.4 wheel') });
    expect(engine.execs).toHaveLength(0);
  });

  it('skips node cells where Node.js is too old for koffi', async () => {
    const engine = new FakeEngine();
    engine.facts = 'python=3.9.2\nunavailable_node=Node.js v12.22.12 is too old for koffi (needs >= 16)\n';
    const { cells } = await runPlan(planFromCells([cell('bullseye', 'node', 'RTLD_GLOBAL|RTLD_NOW', ['loaded'])]), { client: engine, images: images(), reporter: noReporter }, settings());
    expect(cells[0]).toMatchObject({ outcome: 'skipped', reason: expect.stringContaining('too old for koffi') });
  });

  it('reports a cell that passes only on retry as flaky, with its attempts', async () => {
    const engine = new FakeEngine();
    engine.respond = (_cmd, attempt) => (attempt === 1 ? { exitCode: 139, stdout: '' } : { stdout: probeLine(true) });
    const { cells } = await runPlan(planFromCells([cell('bookworm', 'c', 'linked', ['loaded'])]), { client: engine, images: images(), reporter: noReporter }, settings({ retries: 2 }));
    expect(cells[0]).toMatchObject({ outcome: 'loaded', verdict: 'flaky', attempts: 2, previousAttempts: [{ outcome: 'crash', signal: 'SIGSEGV', exitCode: 139 }] });
  });

  it('reports an in-container timeout (exit 124) as timeout', async () => {
    const engine = new FakeEngine();
    engine.respond = () => ({ exitCode: 124, stdout: '' });
    const { cells } = await runPlan(planFromCells([cell('bookworm', 'c', 'linked', ['loaded'])]), { client: engine, images: images(), reporter: noReporter }, settings());
    expect(cells[0]).toMatchObject({ outcome: 'timeout', verdict: 'fail' });
  });

  it('stops scheduling after the first failure with --fail-fast; the rest are skipped, not dropped', async () => {
    const engine = new FakeEngine();
    const cells = Array.from({ length: 6 }, (_, i) => cell('bookworm', 'c', i === 0 ? 'RTLD_LOCAL|RTLD_NOW' : 'RTLD_GLOBAL|RTLD_NOW', ['loaded']));
    cells.forEach((c, i) => (c.id += `#${i}`));
    const outcome = await runPlan(planFromCells(cells), { client: engine, images: images(), reporter: noReporter }, settings({ jobs: 1, failFast: true }));
    expect(outcome.interrupted).toBe(true);
    expect(outcome.cells).toHaveLength(6);
    expect(outcome.cells[0].verdict).toBe('fail');
    expect(outcome.cells.slice(1).every((c) => c.outcome === 'skipped' && c.reason?.includes('--fail-fast'))).toBe(true);
  });

  it('on abort keeps what finished, marks the rest interrupted and removes the containers', async () => {
    const engine = new FakeEngine();
    const controller = new AbortController();
    let count = 0;
    engine.respond = () => {
      if (++count === 2) controller.abort();
      return { stdout: probeLine(true) };
    };
    const cells = Array.from({ length: 5 }, (_, i) => ({ ...cell('bookworm', 'c', 'linked', ['loaded']), id: `cell-${i}` }));
    const outcome = await runPlan(planFromCells(cells), { client: engine, images: images(), reporter: noReporter }, settings({ jobs: 1, signal: controller.signal }));
    expect(outcome.interrupted).toBe(true);
    expect(byId(outcome.cells)['cell-0'].outcome).toBe('loaded');
    expect(outcome.cells.filter((c) => c.reason?.includes('interrupted')).length).toBeGreaterThanOrEqual(3);
    expect(engine.removed).toContain('container-1');
  });
});
