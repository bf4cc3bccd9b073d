import { describe, expect, it } from 'vitest';
import { makeCell } from '../test-support/make-results.ts';
import { SharedValues } from './shared-values.ts';

describe('SharedValues', () => {
  it('keeps one copy of each repeated value, and changes no value', () => {
    const parsed = () => JSON.parse(JSON.stringify(makeCell({ reason: 'x.so: undefined symbol: PyObject_SelfIter', output: { stdout: 'a long traceback', stderr: '' } })));
    const shared = new SharedValues();
    const [a, b] = [shared.cell(parsed()), shared.cell(parsed())];
    expect(a).toEqual(parsed());
    expect(a.axes).toBe(b.axes);
    expect(a.expected).toBe(b.expected);
    expect(a.resolved).toBe(b.resolved);
    const other = shared.cell({ ...parsed(), axes: { ...parsed().axes, loader: 'rust' } });
    expect(other.axes).not.toBe(a.axes);
    expect(other.axes.loader).toBe('rust');
  });
});
