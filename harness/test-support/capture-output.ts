// Captures what a command writes to stdout and stderr, for tests that call commands in-process.
import { afterEach, beforeEach, vi } from 'vitest';

export function captureOutput(): { stdout: string; stderr: string } {
  const captured = { stdout: '', stderr: '' };
  beforeEach(() => {
    captured.stdout = captured.stderr = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((captured.stdout += String(chunk)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((captured.stderr += String(chunk)), true));
  });
  afterEach(() => vi.restoreAllMocks());
  return captured;
}
