import { describe, expect, it } from 'vitest';
import { parseWheelName, wheelFits } from './wheel-tags.ts';

const fits = (name: string, python = '3.11.2', glibc = '2.36', arch = 'x86_64') => wheelFits(parseWheelName(name)!, { python, glibc, arch });

describe('wheel tags', () => {
  it('parses the name of a wheel, compressed tag sets included', () => {
    expect(parseWheelName('numpy-2.2.6-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl')).toEqual({
      version: '2.2.6',
      pythons: ['cp311'],
      abis: ['cp311'],
      platforms: ['manylinux_2_17_x86_64', 'manylinux2014_x86_64'],
    });
    expect(parseWheelName('numpy-2.2.6.tar.gz')).toBeUndefined();
  });

  it('takes a wheel for the same CPython on a glibc at least as new, for this CPU', () => {
    expect(fits('numpy-2.2.6-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl')).toBe(true);
    expect(fits('numpy-1.19.5-cp39-cp39-manylinux2010_x86_64.whl', '3.9.2', '2.31')).toBe(true);
    expect(fits('numpy-2.2.6-cp312-cp312-manylinux_2_17_x86_64.whl')).toBe(false);
    expect(fits('numpy-2.5.0-cp311-cp311-manylinux_2_28_x86_64.whl', '3.11.2', '2.27')).toBe(false);
    expect(fits('numpy-2.2.6-cp311-cp311-manylinux_2_17_aarch64.whl')).toBe(false);
    expect(fits('numpy-2.2.6-cp311-cp311-musllinux_1_2_x86_64.whl')).toBe(false);
  });

  it('refuses free-threaded builds and takes abi3 and pure wheels', () => {
    expect(fits('numpy-2.3.0-cp313-cp313t-manylinux_2_28_x86_64.whl', '3.13.5', '2.41')).toBe(false);
    expect(fits('x-1.0-cp38-abi3-manylinux_2_17_x86_64.whl', '3.11.2')).toBe(true);
    expect(fits('x-1.0-cp312-abi3-manylinux_2_17_x86_64.whl', '3.11.2')).toBe(false);
    expect(fits('x-1.0-py3-none-any.whl')).toBe(true);
  });
});
