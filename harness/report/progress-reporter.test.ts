import { describe, expect, it, vi } from 'vitest';
import { makeCell, makeResults } from '../test-support/make-results.ts';
import { ProgressReporter } from './progress-reporter.ts';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  const stream = { isTTY, columns: 120, write: (chunk: string) => (writes.push(chunk), true) } as unknown as NodeJS.WriteStream;
  return { stream, writes, text: () => writes.join('') };
}

const pass = makeCell({ axes: { distro: 'bookworm', python: 'system', numpy: 'system', loader: 'c', flags: 'linked' }, outcome: 'loaded', verdict: 'pass' });
const fail = makeCell({
  axes: { distro: 'trixie', python: 'system', numpy: 'system', loader: 'rust', flags: 'RTLD_GLOBAL|RTLD_NOW' },
  outcome: 'undefined-symbol',
  symbol: 'PyObject_SelfIter\u001b[31m',
  expected: ['loaded'],
  verdict: 'fail',
});

describe('ProgressReporter', () => {
  it('in CI prints one whole plain line per finished cell, never a carriage return', () => {
    const { stream, writes, text } = fakeStream(false);
    const progress = new ProgressReporter({ stream });
    progress.onBegin({ matrixFile: 'matrix.yaml', totalCells: 2, environments: 2 });
    progress.onCellBegin(pass.id);
    progress.onCellEnd(pass);
    progress.onCellEnd(fail);
    progress.onEnd(makeResults([pass, fail]));
    expect(writes.every((w) => w.endsWith('\n') && !w.includes('\r'))).toBe(true);
    expect(text()).toContain(`PASS  ${pass.id}  loaded`);
    expect(text()).toContain(`FAIL  ${fail.id}  undefined-symbol (PyObject_SelfIter), expected loaded`);
    expect(text()).not.toContain('\u001b');
    expect(text()).toMatch(/2 cells: 1 passed, 1 failed, 0 flaky, 0 skipped/);
  });

  it('ends with the findings, then the counts', () => {
    const { stream, text } = fakeStream(false);
    const local = makeCell({ axes: { flags: 'RTLD_LOCAL|RTLD_NOW' }, outcome: 'undefined-symbol', symbol: 'PyObject_SelfIter', expected: ['undefined-symbol'] });
    const global = makeCell({ axes: { flags: 'RTLD_GLOBAL|RTLD_NOW' } });
    new ProgressReporter({ stream }).onEnd(makeResults([local, global], { durationMs: 1500 }));
    expect(text()).toBe(
      'Findings over the 2 cells that ran:\n' +
        '  - flags alone decides the outcome: RTLD_LOCAL|RTLD_NOW -> undefined-symbol (1 of 1 cell), RTLD_GLOBAL|RTLD_NOW -> loaded (1 of 1 cell)\n' +
        '  - every undefined-symbol cell misses PyObject_SelfIter (1 of 1 cell)\n' +
        '2 cells: 2 passed, 0 failed, 0 flaky, 0 skipped in 1.5 s\n',
    );
  });

  it('on a TTY redraws one live line with counts and the running cell, and keeps failures above it', () => {
    const { stream, text } = fakeStream(true);
    const progress = new ProgressReporter({ stream, live: true, color: false });
    progress.onBegin({ matrixFile: 'matrix.yaml', totalCells: 2, environments: 1 });
    progress.onCellBegin(fail.id);
    expect(text()).toContain(`\r\u001b[2K[0/2] 0 pass 0 fail 0 skip`);
    expect(text()).toContain(`running ${fail.id}`);
    progress.onCellEnd(pass);
    progress.onCellEnd(fail);
    expect(text()).not.toContain(`PASS  ${pass.id}`); // passes only move the counter
    expect(text()).toContain(`FAIL  ${fail.id}`);
    expect(text()).toContain('[2/2] 1 pass 1 fail 0 skip');
  });

  it('on a TTY keeps the clock moving while a long build says nothing new, and stops it at the end', () => {
    vi.useFakeTimers();
    try {
      const { stream, writes, text } = fakeStream(true);
      const progress = new ProgressReporter({ stream, live: true, color: false });
      progress.onBegin({ matrixFile: 'matrix.yaml', totalCells: 3, environments: 1 });
      progress.onProgress('building dlmatrix/cpython:x [build 5/5] - CPython 3.13.5 (shared): make -j2');
      vi.advanceTimersByTime(95_000);
      expect(writes.at(-1)).toBe('\r\u001b[2K[0/3] 0 pass 0 fail 0 skip  95s  building dlmatrix/cpython:x [build 5/5] - CPython 3.13.5 (shared): make -j2');
      progress.onEnd(makeResults([]));
      const ended = text().length;
      vi.advanceTimersByTime(5_000);
      expect(text().length).toBe(ended);
    } finally {
      vi.useRealTimers();
    }
  });

  it('with --quiet prints only failures and the summary', () => {
    const { stream, text } = fakeStream(false);
    const progress = new ProgressReporter({ stream, quiet: true });
    progress.onCellEnd(pass);
    progress.onCellEnd(fail);
    expect(text()).not.toContain(pass.id);
    expect(text()).toContain(fail.id);
  });

  it('colours verdicts on a TTY unless NO_COLOR is set, and never without a TTY', () => {
    // No `color` option: the reporter must decide from the environment and the stream itself.
    const failLine = (isTTY: boolean, noColor: string | undefined) => {
      vi.stubEnv('NO_COLOR', noColor);
      const { stream, text } = fakeStream(isTTY);
      new ProgressReporter({ stream, live: false }).onCellEnd(fail);
      vi.unstubAllEnvs();
      return text();
    };
    expect(failLine(true, undefined)).toContain('\u001b[31mFAIL');
    expect(failLine(true, '1')).not.toContain('\u001b[');
    expect(failLine(false, undefined)).not.toContain('\u001b[');
  });

  it('shows a build error once, with where it went wrong and its log; its cells point to it; a run where nothing built says so', () => {
    const { stream, text } = fakeStream(false);
    const progress = new ProgressReporter({ stream });
    const environment = {
      key: 'trixie/py-system/np-system',
      distro: 'trixie',
      python: 'system',
      numpy: 'system',
      resolved: {},
      buildError: 'error[E0308]: mismatched types\n--> src/lib.rs:13:5\n13 |     1\nbuild of dlmatrix/env:x failed in [project 6/6]\n--- last lines of the failed step ---\n...',
      buildCause: 'error[E0308]: mismatched types\n--> src/lib.rs:13:5\n13 |     1',
      buildLog: '/work/reports/logs/dlmatrix_env_x.log',
    };
    const cells = [1, 2].map((i) =>
      makeCell({ axes: { distro: 'trixie', loader: `l${i}` }, environment: environment.key, outcome: 'build-error', reason: 'its environment trixie/py-system/np-system did not build: ...', verdict: 'fail' }),
    );
    progress.onEnvironmentReady(environment);
    for (const cell of cells) progress.onCellEnd(cell);
    progress.onEnd(makeResults(cells, { environments: [environment] }));
    expect(text().match(/mismatched types/g)).toHaveLength(1);
    expect(text()).toContain('environment trixie/py-system/np-system: build failed: error[E0308]: mismatched types\n    --> src/lib.rs:13:5\n    13 |     1\n    full log: /work/reports/logs/dlmatrix_env_x.log\n');
    expect(text()).toContain(`FAIL  ${cells[0]!.id}  build-error, expected loaded: its environment did not build (its error is above, once)`);
    expect(text()).toMatch(/no environment built \(1 of 1\): nothing about the library was tested; each one's error is above, and the full logs are in \/work\/reports\/logs\//);
  });

  it('shows build progress in the live line only, never as log lines in CI', () => {
    const live = fakeStream(true);
    const reporter = new ProgressReporter({ stream: live.stream, live: true, color: false });
    reporter.onBegin({ matrixFile: 'matrix.yaml', totalCells: 3, environments: 1 });
    reporter.onProgress('building env:x [project 6/6] - cargo: compiling pyo3 (12/37)');
    expect(live.writes.at(-1)).toMatch(/^\r\x1b\[2K\[0\/3\].*cargo: compiling pyo3 \(12\/37\)$/);
    const ci = fakeStream(false);
    const list = new ProgressReporter({ stream: ci.stream });
    list.onProgress('building dlmatrix/env:x - cargo: compiling pyo3 (12/37)');
    expect(ci.text()).toBe('');
  });
});
