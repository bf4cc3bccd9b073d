// What loaders, host programs and image builds print, as real runs print it, for the generated
// results (generated-results.ts): the `@@dlmatrix` probe line with NumPy's exception chain and
// traceback, a crashing interpreter's fault report, a host program's log, a failed build's tail.
// Sizes and repetition follow real runs: the same environment prints the same traceback in every
// loader; crash reports, timestamps and pids differ from cell to cell.

import { LAYOUT } from '../image/layout.ts';

/** The import trace every loader process starts with: it shows in every traceback. */
const TRACE = `${LAYOUT.runtime}/trace/sitecustomize.py`;

/** Where NumPy lives and what its C extension is called, in one environment. */
export interface NumpyInstall {
  python: string; // 3.11.2
  numpy: string; // 1.24.2
  /** Debian's package (dist-packages under /usr/lib) or a PyPI wheel (/usr/local/lib/pythonX.Y). */
  fromDistro: boolean;
}

const minor = (python: string) => python.split('.').slice(0, 2).join('.');
const tag = (python: string) => minor(python).replace('.', '');

function numpyDir(install: NumpyInstall): string {
  return install.fromDistro ? '/usr/lib/python3/dist-packages/numpy' : `/usr/local/lib/python${minor(install.python)}/dist-packages/numpy`;
}

/** The C extension whose load fails: numpy/core before NumPy 2, numpy/_core since. */
export function extensionPath(install: NumpyInstall): string {
  const core = install.numpy.startsWith('1.') ? 'core' : '_core';
  return `${numpyDir(install)}/${core}/_multiarray_umath.cpython-${tag(install.python)}-x86_64-linux-gnu.so`;
}

const probeLine = (report: unknown) => `@@dlmatrix ${JSON.stringify({ stage: 'probe', report })}\n`;

export function loadedStdout(install: NumpyInstall): string {
  return probeLine({ python: install.python, executable: '/usr/bin/python3', modules: [{ name: 'numpy', ok: true, version: install.numpy }] });
}

function adviceMessage(install: NumpyInstall, original: string): string {
  return (
    '\n\nIMPORTANT: PLEASE READ THIS FOR ADVICE ON HOW TO SOLVE THIS ISSUE!\n\nImporting the numpy C-extensions failed. This error can happen for\n' +
    'many reasons, often due to issues with your setup or how NumPy was\ninstalled.\n\nWe have compiled some common reasons and troubleshooting tips at:\n\n' +
    '    https://numpy.org/devdocs/user/troubleshooting-importerror.html\n\nPlease note and check the following:\n\n' +
    `  * The Python version is: Python${minor(install.python)} from "/usr/bin/python3"\n  * The NumPy version is: "${install.numpy}"\n\n` +
    'and make sure that they are the versions you expect.\nPlease carefully study the documentation linked above for further help.\n\n' +
    `Original error was: ${original}\n`
  );
}

function traceback(install: NumpyInstall, original: string): string {
  const dir = numpyDir(install);
  const core = install.numpy.startsWith('1.') ? 'core' : '_core';
  const carets = minor(install.python) >= '3.11' ? '           ^^^^^^^^^^^^^^^^^^^^^^^^^\n' : '';
  return (
    'Traceback (most recent call last):\n' +
    `  File "${dir}/${core}/__init__.py", line 23, in <module>\n    from . import multiarray\n` +
    `  File "${dir}/${core}/multiarray.py", line 10, in <module>\n    from . import overrides\n` +
    `  File "${dir}/${core}/overrides.py", line 7, in <module>\n    from numpy.${core}._multiarray_umath import (\n` +
    `  File "${TRACE}", line 45, in traced_create_module\n    return create_module(self, spec)\n` +
    carets +
    `ImportError: ${original}\n\nDuring handling of the above exception, another exception occurred:\n\nTraceback (most recent call last):\n` +
    `  File "dlmatrix_probe.py", line 16, in probe\n  File "${TRACE}", line 91, in traced_exec_module\n    exec_module(module)\n` +
    `  File "${dir}/__init__.py", line 140, in <module>\n    from . import ${core}\n  File "${dir}/${core}/__init__.py", line 49, in <module>\n    raise ImportError(msg)\n` +
    `ImportError: ${adviceMessage(install, original)}\n`
  );
}

/** The probe's report of an import that failed with `original` (the dynamic loader's message). */
export function failedImportStdout(install: NumpyInstall, original: string): string {
  const chain = [
    { type: 'ImportError', message: adviceMessage(install, original) },
    { type: 'ImportError', message: original },
  ];
  return probeLine({ python: install.python, executable: '/usr/bin/python3', modules: [{ name: 'numpy', ok: false, chain, traceback: traceback(install, original) }] });
}

/** CPython's fault handler as a segfaulting loader leaves it: the thread address differs per process. */
export function crashStderr(install: NumpyInstall, threadAddress: string): string {
  const dir = numpyDir(install);
  return (
    'Fatal Python error: Segmentation fault\n\n' +
    `Current thread ${threadAddress} (most recent call first):\n` +
    `  File "${dir}/${install.numpy.startsWith('1.') ? 'core' : '_core'}/__init__.py", line 23 in <module>\n` +
    '  File "<frozen importlib._bootstrap>", line 488 in _call_with_frames_removed\n' +
    '  File "<frozen importlib._bootstrap_external>", line 1026 in exec_module\n' +
    '  File "<frozen importlib._bootstrap>", line 935 in _load_unlocked\n' +
    '  File "<frozen importlib._bootstrap>", line 1331 in _find_and_load_unlocked\n' +
    '  File "dlmatrix_probe.py", line 16 in probe\n\n' +
    'Extension modules: numpy._core._multiarray_umath (total: 1)\n'
  );
}

/** A user's host program logs each step with a timestamp and its pid: unique in every cell. */
export function hostProgramLog(at: Date, pid: number, library: string, flags: string, steps: string[]): string {
  return steps
    .map((step, i) => `[host-app ${new Date(at.getTime() + i * 7).toISOString()} pid=${pid}] ${step.replace('{lib}', library).replace('{flags}', flags)}\n`)
    .join('');
}

/** What buildErrorText (run/build-error-text.ts) makes of a failed pip step: headline, image, log tail. */
export function pipBuildError(image: string, numpy: string, python: string, lines: number): string {
  const tail: string[] = [
    `#14 [runtime 4/9] RUN python${minor(python)} -m pip install --no-cache-dir --break-system-packages numpy==${numpy}`,
    `#14 0.912 Collecting numpy==${numpy}`,
    `#14 1.204   Downloading numpy-${numpy}.tar.gz (15.8 MB)`,
    '#14 4.118   Installing build dependencies: started',
  ];
  for (let i = 0; tail.length < lines - 6; i++) {
    tail.push(`#14 ${(12.5 + i * 0.731).toFixed(3)}       [${i + 1}/${lines}] Compiling C object numpy/_core/_multiarray_umath.cpython-${tag(python)}-x86_64-linux-gnu.so.p/src_multiarray_${['ctors', 'descriptor', 'dtypemeta', 'scalartypes', 'methods'][i % 5]}.c.o`);
  }
  tail.push(
    `#14 58.02       ../numpy/_core/src/multiarray/compiled_base.c:1121:5: error: implicit declaration of function 'PyUnicode_AS_UNICODE'`,
    '#14 58.31       ninja: build stopped: subcommand failed.',
    '#14 58.44   error: metadata-generation-failed',
    '#14 58.44 ',
    '#14 58.44 × Encountered error while generating package metadata.',
    '#14 ERROR: process "/bin/sh -c python -m pip install numpy" did not complete successfully: exit code: 1',
  );
  return `ERROR: Failed building wheel for numpy\nbuilding ${image} failed at step [runtime 4/9]\n--- last lines of the failed step ---\n${tail.join('\n')}\n`;
}
