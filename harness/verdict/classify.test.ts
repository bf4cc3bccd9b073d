// The one classification path, on real captured runs: *.reply.json are the cell runner's replies
// (import trace included) from the real images of examples/embed-numpy, *.stdout the built-in
// loaders' output captured from the default matrix's images.
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
  trace: [],
  ...extra,
});
/** A runner reply as the runner sent it. */
const reply = (name: string): LoaderRun => {
  const r = JSON.parse(fixture(`${name}.reply.json`));
  return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode, ...(r.signal && { signal: r.signal }), timedOut: r.timedOut, trace: r.trace };
};
const numpy = ['numpy'];

describe('classify: the trace sees what the program hides', () => {
  it('finds PyObject_SelfIter although the host printed only "source directory" advice and exited 0', () => {
    const run = reply('host-numpy2.2.6-local');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('you should not try to import numpy from');
    expect(run.stdout).not.toContain('PyObject_SelfIter');
    const result = classify(run, numpy);
    expect(result).toMatchObject({ outcome: 'undefined-symbol', symbol: 'PyObject_SelfIter', resolved: { python: '3.11.2' } });
    expect(result.reason).toMatch(/_multiarray_umath.*undefined symbol: PyObject_SelfIter/);
    expect(result.modules).toEqual([expect.objectContaining({ name: 'numpy', ok: false, symbol: 'PyObject_SelfIter' })]);
  });

  it('finds PyExc_RecursionError under Debian NumPy 1.24 advice text', () => {
    expect(classify(reply('host-numpy1.24.2-local'), numpy)).toMatchObject({ outcome: 'undefined-symbol', symbol: 'PyExc_RecursionError' });
  });

  it('classifies a lazily opened library whose void entry failed the import', () => {
    expect(classify(reply('c-lazy-numpy2.2.6'), numpy)).toMatchObject({ outcome: 'undefined-symbol', symbol: 'PyObject_SelfIter' });
  });

  it('reports loaded with the version the trace saw, for a host linked at build time', () => {
    const result = classify(reply('linked-host-numpy2.2.6'), numpy);
    expect(result).toMatchObject({ outcome: 'loaded', resolved: { python: '3.11.2', numpy: '2.2.6' } });
    expect(result.modules).toEqual([{ name: 'numpy', ok: true, version: '2.2.6', source: 'trace' }]);
  });

  it('without a trace (Python run isolated), falls back to the text the program printed: never loaded', () => {
    const run = reply('host-isolated-numpy2.2.6');
    expect(run.trace).toEqual([]);
    const result = classify(run, numpy);
    expect(result.outcome).toBe('import-error');
    expect(result.reason).toContain('you should not try to import numpy');
  });
});

describe('classify: the built-in probe report (real captured outputs)', () => {
  it('finds PyExc_RecursionError under NumPy 1.24 advice text (C loader, RTLD_LOCAL)', () => {
    const result = classify(run(fixture('bookworm-numpy1.24.2-c-local.stdout')), numpy);
    expect(result).toMatchObject({ outcome: 'undefined-symbol', symbol: 'PyExc_RecursionError', resolved: { python: '3.11.2' } });
    expect(result.reason).toContain('_multiarray_umath');
  });

  it('sees through NumPy 2 blaming "its source directory" to PyObject_SelfIter', () => {
    for (const name of ['bookworm-numpy2.2.6-c-local.stdout', 'bookworm-numpy2.2.6-node-local.stdout', 'bookworm-numpy2.2.6-rust-local-lazy.stdout']) {
      const result = classify(run(fixture(name)), numpy);
      expect(result.outcome, name).toBe('undefined-symbol');
      expect(result.symbol, name).toBe('PyObject_SelfIter');
      expect(result.reason, name).not.toContain('source directory');
    }
  });

  it('reports loaded with the resolved NumPy version for RTLD_GLOBAL and linked', () => {
    for (const name of ['bookworm-numpy2.2.6-node-global.stdout', 'bookworm-numpy2.2.6-c-linked.stdout']) {
      expect(classify(run(fixture(name)), numpy)).toMatchObject({ outcome: 'loaded', resolved: { python: '3.11.2', numpy: '2.2.6' } });
    }
  });

  it('classifies a missing module as import-error with the root message', () => {
    const result = classify(run(fixture('bookworm-rust-missing-module.stdout')), ['numpy', 'nosuchmodule']);
    expect(result.outcome).toBe('import-error');
    expect(result.reason).toContain("No module named 'nosuchmodule'");
  });

  it('classifies a library that cannot be opened as dlopen-error', () => {
    const result = classify(run(fixture('bookworm-rust-dlopen-missing.stdout'), 1), numpy);
    expect(result.outcome).toBe('dlopen-error');
    expect(result.reason).toContain('cannot open shared object file');
  });

  it('classifies a segfault (exit 139, no result line) as crash with SIGSEGV', () => {
    expect(classify(run(fixture('crash-segv.stdout'), 139), numpy)).toMatchObject({ outcome: 'crash', signal: 'SIGSEGV' });
  });
});

describe('classify: how the process ended', () => {
  const ok = [{ event: 'start' as const, python: '3.13.5' }, { event: 'import' as const, module: 'numpy', ok: true as const, version: '2.3.1' }];

  it('is not loaded when every import succeeded but the process then died or failed', () => {
    expect(classify(run('', null, { signal: 'SIGSEGV', trace: ok }), numpy)).toMatchObject({ outcome: 'crash', signal: 'SIGSEGV' });
    const failed = classify(run('done\n', 3, { trace: ok }), numpy);
    expect(failed).toMatchObject({ outcome: 'crash', reason: expect.stringContaining('exited with code 3') });
    const returned = classify(run('@@dlmatrix {"stage":"entry","entry":"pytest","returned":2}\n', 0, { trace: ok }), numpy);
    expect(returned).toMatchObject({ outcome: 'crash', reason: expect.stringContaining('pytest() returned 2') });
    expect(classify(run('@@dlmatrix {"stage":"entry","entry":"pytest","returned":0}\n', 0, { trace: ok }), numpy).outcome).toBe('loaded');
  });

  it('is not loaded when the program exits 0 without ever importing the watched module', () => {
    const result = classify(run('ok\n', 0, { trace: [{ event: 'start', python: '3.11.2' }] }), numpy);
    expect(result.outcome).toBe('no-import');
    expect(result.reason).toContain('never imported numpy');
  });

  it('keeps the signal of a process that crashed after a failed import, and says so in the reason', () => {
    const failed = [
      { event: 'import-start' as const, module: 'numpy' },
      { event: 'extension-failed' as const, module: 'numpy._core._multiarray_umath', error: 'x.so: undefined symbol: PyObject_SelfIter' },
      { event: 'import' as const, module: 'numpy', ok: false as const, chain: [{ type: 'ImportError', message: 'advice' }] },
    ];
    const result = classify(run('', null, { signal: 'SIGSEGV', trace: failed }), numpy);
    expect(result).toMatchObject({ outcome: 'undefined-symbol', symbol: 'PyObject_SelfIter', signal: 'SIGSEGV', reason: 'x.so: undefined symbol: PyObject_SelfIter; then crashed (SIGSEGV)' });
  });

  it('a library its loader searched for and did not find is missing-library, naming it; a wrong path stays dlopen-error', () => {
    const dlopen = classify(run('@@dlmatrix {"stage":"dlopen","error":"libpython3.13.so.1.0: cannot open shared object file: No such file or directory"}\n', 1), numpy);
    expect(dlopen).toMatchObject({ outcome: 'missing-library', missing: 'libpython3.13.so.1.0' });
    const linked = classify({ ...run('', 127), stderr: '/opt/x/bin/loader-c-linked: error while loading shared libraries: libpython3.13.so.1.0: cannot open shared object file: No such file or directory\n' }, numpy);
    expect(linked).toMatchObject({ outcome: 'missing-library', missing: 'libpython3.13.so.1.0' });
    const libloading = classify({ ...run('', 101), stderr: "thread 'main' panicked at host/src/main.rs:6:62:\ncannot load the library: DlOpen { desc: \"libpython3.13.so.1.0: cannot open shared object file: No such file or directory\" }\n" }, numpy);
    expect(libloading).toMatchObject({ outcome: 'missing-library', missing: 'libpython3.13.so.1.0' });
    const quotedPath = classify({ ...run('', 101), stderr: 'DlOpen { desc: "/opt/x/libnothere.so: cannot open shared object file: No such file or directory" }\n' }, numpy);
    expect(quotedPath).toMatchObject({ outcome: 'dlopen-error' });
    const wrongPath = classify(run('@@dlmatrix {"stage":"dlopen","error":"/opt/x/libnothere.so: cannot open shared object file: No such file or directory"}\n', 1), numpy);
    expect(wrongPath).toMatchObject({ outcome: 'dlopen-error' });
  });

  it('a library without the entry the matrix names is no-entry, never the NumPy root cause', () => {
    const result = classify(run('@@dlmatrix {"stage":"dlsym","error":"/x/libplugin.so: undefined symbol: myplugin_int"}\n', 1), numpy);
    expect(result).toMatchObject({ outcome: 'no-entry', reason: expect.stringContaining('myplugin_int') });
    expect(result.symbol).toBeUndefined();
  });

  it('is a timeout when the runner killed it, saying how far the import got', () => {
    const result = classify(run('', null, { signal: 'SIGKILL', timedOut: true, trace: ok }), numpy);
    expect(result.outcome).toBe('timeout');
  });

  it('counts a failed watched import even if a later retry in the same process "succeeded"', () => {
    const trace = [
      { event: 'import-start' as const, module: 'numpy' },
      { event: 'extension-failed' as const, module: 'numpy._core._multiarray_umath', error: 'x.so: undefined symbol: PyObject_SelfIter' },
      { event: 'import' as const, module: 'numpy', ok: false as const, chain: [{ type: 'ImportError', message: 'source directory' }] },
      { event: 'import-start' as const, module: 'numpy' },
      { event: 'import' as const, module: 'numpy', ok: false as const, chain: [{ type: 'ImportError', message: 'cannot load module more than once per process' }] },
    ];
    expect(classify(run('', 0, { trace }), numpy)).toMatchObject({ outcome: 'undefined-symbol', symbol: 'PyObject_SelfIter' });
  });
});

describe('classify: output of any shape', () => {
  it('treats an undefined symbol at dlopen time as undefined-symbol', () => {
    const stdout = '@@dlmatrix {"stage":"dlopen","error":"/x/libf.so: undefined symbol: PyFoo_Bar"}\n';
    expect(classify(run(stdout, 1), numpy)).toMatchObject({ outcome: 'undefined-symbol', symbol: 'PyFoo_Bar' });
  });

  it("catches glibc's lazy-binding abort and musl's relocation error", () => {
    const glibc = classify(run('', 127, { stderr: './loader: symbol lookup error: /x/lib.so: undefined symbol: PyList_New\n' }), numpy);
    expect(glibc).toMatchObject({ outcome: 'undefined-symbol', symbol: 'PyList_New' });
    const musl = classify(run('', 127, { stderr: 'Error relocating /x/_multiarray_umath.so: PyObject_SelfIter: symbol not found\n' }), numpy);
    expect(musl).toMatchObject({ outcome: 'undefined-symbol', symbol: 'PyObject_SelfIter' });
  });

  it('ignores garbled and wrong-shaped result lines, using the last well-formed one', () => {
    const good = '@@dlmatrix {"stage":"probe","report":{"python":"3.9.2","modules":[{"name":"numpy","ok":true,"version":"1.19.5"}]}}';
    const stdout = ['noise', good, '@@dlmatrix {broken', '@@dlmatrix {"stage":"probe","report":"not an object"}', '@@dlmatrix [1,2]', 'trailing'].join('\n');
    expect(classify(run(stdout), numpy).outcome).toBe('loaded');
  });

  it('finds the result at the end of megabytes of output', () => {
    const stdout = `${'x'.repeat(5_000_000)}\n@@dlmatrix {"stage":"probe","report":{"python":"3.9.2","modules":[{"name":"numpy","ok":true,"version":"1.19.5"}]}}\n`;
    expect(classify(run(stdout), numpy).outcome).toBe('loaded');
  });

  it('reports no output at all with the exit code, never as loaded', () => {
    expect(classify(run('', 0), numpy).outcome).toBe('no-import');
    expect(classify(run('', 3, { stderr: 'boom' }), numpy)).toMatchObject({ outcome: 'crash', reason: expect.stringContaining('exited with code 3') });
  });

  it('reads a program that could not start (the runner answers like a shell: 127)', () => {
    expect(classify(run('', 127, { stderr: "cannot start ['./myhost']: [Errno 2] No such file or directory" }), numpy)).toMatchObject({
      outcome: 'crash',
      reason: expect.stringContaining('No such file'),
    });
  });

  it('maps exit codes above 128 to signal names', () => {
    expect(signalName(134)).toBe('SIGABRT');
    expect(signalName(1)).toBeUndefined();
    expect(signalName(null)).toBeUndefined();
  });
});
