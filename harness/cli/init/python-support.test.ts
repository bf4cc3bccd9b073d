import { describe, expect, it } from 'vitest';
import { compareMinor, DEBIAN_PYTHON, distrosFor, pyo3PythonRange } from './python-support.ts';

describe('PyO3 -> supported CPython -> distros', () => {
  it('knows the supported CPython range of each PyO3 release', () => {
    expect(pyo3PythonRange('0.20.3')).toEqual({ min: '3.7', max: '3.12' });
    expect(pyo3PythonRange('0.21')).toEqual({ min: '3.7', max: '3.12' });
    expect(pyo3PythonRange('0.22.6')).toEqual({ min: '3.7', max: '3.13' });
    expect(pyo3PythonRange('0.24.2')?.max).toBe('3.13');
    expect(pyo3PythonRange('0.25.0')?.max).toBe('3.14');
    expect(pyo3PythonRange('0.27.2')).toEqual({ min: '3.7', max: '3.14' });
    expect(pyo3PythonRange('0.17.3')?.max).toBe('3.11');
    expect(pyo3PythonRange('0.15.2')).toEqual({ min: '3.6', max: '3.10' });
    expect(pyo3PythonRange('0.14.5')).toBeUndefined();
    // A release newer than the table: at least what the newest known one supports.
    expect(pyo3PythonRange('0.30.0')?.max).toBe('3.14');
    expect(pyo3PythonRange('1.0.0')?.max).toBe('3.14');
  });

  it("picks the Debian suites whose python3 is in range", () => {
    const supported = (pyo3: string) => distrosFor(pyo3PythonRange(pyo3)!).filter((d) => d.supported).map((d) => d.distro);
    expect(DEBIAN_PYTHON).toEqual({ bullseye: '3.9', bookworm: '3.11', trixie: '3.13', forky: '3.13' });
    expect(supported('0.20.0')).toEqual(['bullseye', 'bookworm']);
    expect(supported('0.22.0')).toEqual(['bullseye', 'bookworm', 'trixie', 'forky']);
    expect(supported('0.17.3')).toEqual(['bullseye', 'bookworm']);
    expect(supported('0.16.0')).toEqual(['bullseye']);
  });

  it('compares versions by major and minor, numerically', () => {
    expect(compareMinor('3.10', '3.9')).toBe(1);
    expect(compareMinor('0.22.6', '0.22')).toBe(0);
    expect(compareMinor('0.9', '0.15')).toBe(-1);
  });
});
