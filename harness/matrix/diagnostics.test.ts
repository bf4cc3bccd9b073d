import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { displayPath, formatDiagnostic, MatrixFileError, sortDiagnostics } from './diagnostics.ts';
import type { MatrixDiagnostic } from './types.ts';

const cwd = '/home/user/project';
function diag(line: number, col: number, message: string, extra: Partial<MatrixDiagnostic> = {}): MatrixDiagnostic {
  return { severity: 'error', at: { file: `${cwd}/matrix.yaml`, line, col }, message, ...extra };
}

describe('formatDiagnostic', () => {
  it('is compiler style FILE:LINE:COL: error: MESSAGE with an indented hint line', () => {
    const text = formatDiagnostic(diag(3, 14, 'invalid loader "rst"', { hint: 'did you mean `rust`?' }), cwd);
    expect(text).toBe('matrix.yaml:3:14: error: invalid loader "rst"\n    hint: did you mean `rust`?');
  });

  it('says warning for warnings and omits a missing hint', () => {
    expect(formatDiagnostic(diag(1, 1, 'unused rule', { severity: 'warning' }), cwd)).toBe('matrix.yaml:1:1: warning: unused rule');
  });

  it('keeps the absolute path when the relative one is longer', () => {
    const text = formatDiagnostic({ ...diag(2, 5, 'x'), at: { file: '/m.yaml', line: 2, col: 5 } }, cwd);
    expect(text.startsWith('/m.yaml:2:5: error: x')).toBe(true);
  });
});

describe('displayPath', () => {
  it('shortens paths under the working directory', () => {
    expect(displayPath(`${cwd}/ci/matrix.yaml`, cwd)).toBe(path.join('ci', 'matrix.yaml'));
  });

  it('uses ../ when that is shorter than the absolute path', () => {
    expect(displayPath('/home/user/other/m.yaml', cwd)).toBe(path.join('..', 'other', 'm.yaml'));
  });

  it('leaves relative paths as given', () => {
    expect(displayPath('matrix.yaml', cwd)).toBe('matrix.yaml');
  });
});

describe('sortDiagnostics', () => {
  it('orders by line, then column, keeping equal positions stable', () => {
    const sorted = sortDiagnostics([diag(5, 1, 'c'), diag(2, 9, 'b'), diag(2, 3, 'a'), diag(5, 1, 'd')]);
    expect(sorted.map((d) => d.message)).toEqual(['a', 'b', 'c', 'd']);
  });
});

describe('MatrixFileError', () => {
  it('carries every diagnostic, sorted by position', () => {
    const error = new MatrixFileError([diag(9, 1, 'second'), diag(1, 2, 'first')]);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('MatrixFileError');
    expect(error.diagnostics.map((d) => d.message)).toEqual(['first', 'second']);
  });

  it('has a message that can be acted on alone (count and formatted lines)', () => {
    const error = new MatrixFileError([diag(1, 2, 'first', { hint: 'fix it' })]);
    expect(error.message).toContain('1 error');
    expect(error.message).toContain(':1:2: error: first');
    expect(error.message).toContain('hint: fix it');
  });
});
