import { describe, expect, it } from 'vitest';
import { axisValueKey, checkAxisValue } from './axis-values.ts';

function valid(axis: string, value: string): string {
  const result = checkAxisValue(axis, value);
  if (!result.ok) throw new Error(`${axis}=${value}: ${result.message}`);
  return result.value;
}

function invalid(axis: string, value: string): { message: string; hint: string } {
  const result = checkAxisValue(axis, value);
  if (result.ok) throw new Error(`${axis}=${value} was accepted`);
  return result;
}

describe('checkAxisValue', () => {
  it('python: system, 3.<minor>, or a release 3.<minor>.<patch>', () => {
    for (const v of ['system', '3.8', '3.12', '3.13', '3.13.5', '3.1.2']) expect(valid('python', v)).toBe(v);
    for (const v of ['3', '2.7', 'py3.12', 'System', '3.12t', '3.13.5.1', '3.13.x']) expect(invalid('python', v).hint).toContain('"3.12"');
  });

  it('python-build: distro, shared, static or standalone, with a suggestion for typos', () => {
    for (const v of ['distro', 'shared', 'static', 'standalone']) expect(valid('python-build', v)).toBe(v);
    expect(invalid('python-build', 'standlone').hint).toContain('did you mean `standalone`?');
    expect(invalid('python-build', 'conda')).toMatchObject({ message: 'invalid python-build "conda"' });
  });

  it('numpy: system or a release version', () => {
    for (const v of ['system', '1.26.4', '2.2.6', '2.0', '2.1.0rc1', '1.24.2']) expect(valid('numpy', v)).toBe(v);
    for (const v of ['1', 'newest', 'v1.26.4', '1.26-4', '1.26.4 ']) expect(invalid('numpy', v).message).toContain('numpy');
  });

  it('loader: only c, rust and node, with a suggestion for typos', () => {
    for (const v of ['c', 'rust', 'node']) expect(valid('loader', v)).toBe(v);
    expect(invalid('loader', 'rsut').hint).toContain('did you mean `rust`?');
    expect(invalid('loader', 'python').hint).toContain('c, rust, node');
  });

  it('flags: parsed, and stored without spaces around |', () => {
    expect(valid('flags', 'RTLD_LOCAL | RTLD_NOW')).toBe('RTLD_LOCAL|RTLD_NOW');
    expect(valid('flags', 'linked')).toBe('linked');
    expect(invalid('flags', 'RTLD_NOWW').hint).toContain('did you mean RTLD_NOW?');
  });

  it('other axes: any non-empty value, unchanged', () => {
    expect(valid('distro', 'forky')).toBe('forky');
    expect(valid('myaxis', ' spaced ')).toBe(' spaced ');
    expect(invalid('distro', '').message).toMatch(/empty/);
    expect(invalid('myaxis', '  ').message).toMatch(/empty/);
  });
});

describe('axisValueKey', () => {
  it('makes flag sets equal regardless of order', () => {
    expect(axisValueKey('flags', 'RTLD_NOW|RTLD_LOCAL')).toBe(axisValueKey('flags', 'RTLD_LOCAL|RTLD_NOW'));
    expect(axisValueKey('flags', 'RTLD_NOW')).not.toBe(axisValueKey('flags', 'RTLD_LOCAL|RTLD_NOW'));
  });

  it('is the value itself for other axes', () => {
    expect(axisValueKey('numpy', '1.26.4')).toBe('1.26.4');
  });
});
