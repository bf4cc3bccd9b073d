// The classifier on real loader outputs captured from the Docker images (fixtures/*.stdout;
// exit codes as docker exec reported them).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classify, signalName, type LoaderRun } from './classify.ts';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');
const run = (stdout: string, exitCode: number | null = 0, extra: Partial<LoaderRun> = {}): LoaderRun => ({
  stdout,
  stderr: '',
  exitCode,
  timedOut: false,
  ...extra,
});

describe('classify (real captured outputs)', () => {
  it('finds PyExc_RecursionError under NumPy 1.24 advice text (bookworm, C loader, RTLD_LOCAL)', () => {
    const result = classify(run(fixture('bookworm-numpy1.24.2-c-local.stdout')));
    expect(result.outcome).toBe('undefined-symbol');
    expect(result.symbol).toBe('PyExc_RecursionError');
    expect(result.reason).toContain('_multiarray_umath');
    expect(result.resolved.python).toBe('3.11.2');
  });

  it('sees through NumPy 2 blaming "its source directory" to PyObject_SelfIter', () => {
    for (const name of ['bookworm-numpy2.2.6-c-local.stdout', 'bookworm-numpy2.2.6-node-local.stdout', 'bookworm-numpy2.2.6-rust-local-lazy.stdout']) {
      const result = classify(run(fixture(name)));
      expect(result.outcome, name).toBe('undefined-symbol');
      expect(result.symbol, name).toBe('PyObject_SelfIter');
      expect(result.reason, name).not.toContain('source directory');
    }
  });

  it('reports loaded with the resolved NumPy version for RTLD_GLOBAL and linked', () => {
    for (const name of ['bookworm-numpy2.2.6-node-global.stdout', 'bookworm-numpy2.2.6-c-linked.stdout']) {
      const result = classify(run(fixture(name)));
      expect(result).toEqual({ outcome: 'loaded', resolved: { python: '3.11.2', numpy: '2.2.6' } });
    }
  });

  it('classifies a missing module as import-error with the root message', () => {
    const result = classify(run(fixture('bookworm-rust-missing-module.stdout')));
    expect(result.outcome).toBe('import-error');
    expect(result.reason).toContain("No module named 'nosuchmodule'");
  });

  it('classifies a library that cannot be opened as dlopen-error', () => {
    const result = classify(run(fixture('bookworm-rust-dlopen-missing.stdout'), 1));
    expect(result.outcome).toBe('dlopen-error');
    expect(result.reason).toContain('cannot open shared object file');
  });

  it('classifies a segfault (exit 139, no result line) as crash with SIGSEGV', () => {
    const result = classify(run(fixture('crash-segv.stdout'), 139));
    expect(result).toMatchObject({ outcome: 'crash', signal: 'SIGSEGV' });
  });

  it('classifies a killed hung loader as timeout even though it printed nothing', () => {
    expect(classify(run(fixture('timeout.stdout'), 124, { timedOut: true })).outcome).toBe('timeout');
  });
});

describe('classify (edge cases)', () => {
  it('treats an undefined symbol at dlopen time as undefined-symbol', () => {
    const stdout = '@@dlmatrix {"stage":"dlopen","error":"/x/libf.so: undefined symbol: PyFoo_Bar"}\n';
    expect(classify(run(stdout, 1))).toMatchObject({ outcome: 'undefined-symbol', symbol: 'PyFoo_Bar' });
  });

  it('catches lazy-binding aborts from ld.so on stderr', () => {
    const result = classify(run('', 127, { stderr: './loader: symbol lookup error: /x/lib.so: undefined symbol: PyList_New\n' }));
    expect(result).toMatchObject({ outcome: 'undefined-symbol', symbol: 'PyList_New' });
  });

  it('uses the last well-formed result line and ignores garbage around it', () => {
    const stdout = 'noise\n@@dlmatrix {broken\n@@dlmatrix {"stage":"probe","report":{"python":"3.9.2","modules":[{"name":"numpy","ok":true,"version":"1.19.5"}]}}\ntrailing';
    expect(classify(run(stdout)).outcome).toBe('loaded');
  });

  it('reports an exit without a result line as crash with the exit code', () => {
    expect(classify(run('', 3, { stderr: 'boom' }))).toMatchObject({ outcome: 'crash', reason: expect.stringContaining('exited with code 3') });
  });

  it('maps exit codes above 128 to signal names', () => {
    expect(signalName(134)).toBe('SIGABRT');
    expect(signalName(1)).toBeUndefined();
    expect(signalName(null)).toBeUndefined();
  });
});
