// NumPy's releases from a real snapshot of PyPI's index (fixtures/numpy-index.json, 2026-11-25,
// Linux wheels and sdists only): typos found, latest/oldest per Python, pins without a wheel.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NumpyReleases } from './numpy-releases.ts';

const releases = new NumpyReleases(JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'numpy-index.json'), 'utf8')));
const target = (python: string, glibc: string, arch = 'x86_64') => ({ python, glibc, arch });

describe('NumPy releases', () => {
  it('knows which versions exist, and the nearest ones to a typo', () => {
    expect(releases.has('2.2.6')).toBe(true);
    expect(releases.has('2.2.66')).toBe(false);
    expect(releases.nearest('2.2.66')).toEqual(['2.2.4', '2.2.5', '2.2.6']);
    expect(releases.nearest('1.26.44')).toEqual(['1.26.2', '1.26.3', '1.26.4']);
  });

  it('resolves latest and oldest to final releases with a wheel for the Python', () => {
    expect(releases.resolve('latest', target('3.9.2', '2.31'))).toEqual({ version: '2.0.2' });
    expect(releases.resolve('oldest', target('3.9.2', '2.31'))).toEqual({ version: '1.19.3' });
    expect(releases.resolve('latest', target('3.11.2', '2.36'))).toEqual({ version: '2.4.6' });
    expect(releases.resolve('oldest', target('3.14.0', '2.42'))).toEqual({ version: '2.3.2' });
    expect(releases.resolve('latest', target('3.14.0', '2.42'))).toEqual({ version: '2.5.5' });
  });

  it('skips a pin that has no wheel for the Python, saying which Pythons it has wheels for', () => {
    expect(releases.resolve('2.2.6', target('3.13.5', '2.41'))).toEqual({ version: '2.2.6' });
    expect(releases.resolve('2.2.6', target('3.14.0', '2.42'))).toEqual({
      skip: 'PyPI has no NumPy 2.2.6 wheel for CPython 3.14 on Linux x86_64 (glibc 2.42); its wheels are for CPython 3.10, 3.11, 3.12, 3.13',
    });
  });

  it('respects the platform: glibc too old for a manylinux tag, another CPU', () => {
    // numpy 2.5 ships manylinux_2_27/2_28 wheels only: nothing for a glibc 2.17 system.
    expect(releases.resolve('latest', target('3.12.0', '2.17'))).not.toEqual({ version: '2.5.5' });
    expect(releases.resolve('latest', target('3.12.0', '2.36', 'aarch64'))).toEqual({ version: '2.5.5' });
  });
});
