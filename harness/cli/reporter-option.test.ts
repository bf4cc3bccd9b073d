// --reporter on `run`: checked before anything touches Docker, documented in --help with the
// exit code for reports that cannot be written.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { captureOutput } from '../test-support/capture-output.ts';
import type { ContainerClient } from '../docker/container-client.ts';
import { runCommand } from './run-command.ts';
import { main } from './main.ts';

const output = captureOutput();

function matrixFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dlmatrix-cli-'));
  mkdirSync(join(dir, 'project'));
  writeFileSync(join(dir, 'project', 'Cargo.toml'), '[package]\nname = "f"\n');
  writeFileSync(join(dir, 'matrix.yaml'), 'project: project\nmatrix:\n  distro: [bookworm]\n  python: [system]\n  numpy: [system]\n  loader: [c]\n  flags: [linked]\n');
  return join(dir, 'matrix.yaml');
}

describe('dlmatrix run --reporter', () => {
  it('rejects an unknown reporter with a suggestion, exit 2, before asking Docker anything', async () => {
    const client = { ping: vi.fn() } as unknown as ContainerClient;
    expect(await runCommand(['--config', matrixFile(), '--reporter', 'list,dots'], client).catch((err: Error) => err.message)).toBe(
      '--reporter: unknown reporter "dots"; did you mean dot? (valid: list, line, dot, github, junit, html, json, ctrf)',
    );
    expect(client.ping).not.toHaveBeenCalled();
    expect(await main(['run', '--config', matrixFile(), '--reporter', 'xunit'])).toBe(2);
    expect(output.stderr).toContain('dlmatrix run: --reporter: unknown reporter "xunit"; did you mean junit? (valid: list, line, dot, github, junit, html, json, ctrf)');
  });

  it('documents the reporters, that results.json is always written, and exit code 4', async () => {
    for (const command of ['run', 'merge']) {
      output.stdout = '';
      expect(await main([command, '--help'])).toBe(0);
      expect(output.stdout).toContain('--reporter');
      expect(output.stdout).toContain('list, line, dot, github, junit, html, json, ctrf');
      expect(output.stdout).toContain('results.json is always written');
      expect(output.stdout).toMatch(/4 a report could not be written/);
    }
  });
});
