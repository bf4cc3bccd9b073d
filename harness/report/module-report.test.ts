import { describe, expect, it } from 'vitest';
import { moduleReport } from './module-report.ts';

const TRACEBACK = 'Traceback (most recent call last):\n  File "<string>", line 1, in <module>\nImportError: x.so: undefined symbol: PyObject_SelfIter\n';

describe('moduleReport', () => {
  it('shows a failed import as the traceback Python printed', () => {
    const text = moduleReport({ modules: [{ name: 'numpy', ok: false, error: 'x.so: undefined symbol: PyObject_SelfIter', symbol: 'PyObject_SelfIter', traceback: TRACEBACK }] })!;
    expect(text).toBe(`import numpy: failed\n${TRACEBACK}`);
  });

  it('shows the root error when no traceback was recorded, and a successful import with its version', () => {
    expect(moduleReport({ modules: [{ name: 'numpy', ok: false, error: 'x.so: undefined symbol: PyExc_RecursionError' }] })).toBe(
      'import numpy: failed\nx.so: undefined symbol: PyExc_RecursionError\n',
    );
    expect(moduleReport({ modules: [{ name: 'numpy', ok: true, version: '2.2.6' }, { name: 'scipy', ok: true }] })).toBe('import numpy: ok (2.2.6)\n\nimport scipy: ok\n');
  });

  it('has nothing to show for a cell without watched imports', () => {
    expect(moduleReport({})).toBeUndefined();
    expect(moduleReport({ modules: [] })).toBeUndefined();
  });
});
