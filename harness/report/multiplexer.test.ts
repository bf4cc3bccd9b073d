import { mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { makeCell, makeResults } from '../test-support/make-results.ts';
import { JsonReporter } from './json-reporter.ts';
import { JUnitReporter } from './junit-reporter.ts';
import { Multiplexer } from './multiplexer.ts';
import type { Reporter } from './reporter.ts';

function recorder(name: string, calls: string[]): Reporter {
  return {
    name,
    onBegin: () => void calls.push(`${name}.onBegin`),
    onLog: (line) => void calls.push(`${name}.onLog ${line}`),
    onEnvironmentReady: (env) => void calls.push(`${name}.onEnvironmentReady ${env.key}`),
    onCellEnd: async (cell) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      calls.push(`${name}.onCellEnd ${cell.axes.loader}`);
    },
    onEnd: () => void calls.push(`${name}.onEnd`),
  };
}

describe('Multiplexer', () => {
  const results = makeResults([makeCell()]);
  const run = { matrixFile: 'matrix.yaml', totalCells: 1, environments: 1 };

  it('calls every hook of every reporter, in order, awaiting each', async () => {
    const calls: string[] = [];
    const mux = new Multiplexer([recorder('a', calls), recorder('b', calls)], () => {});
    await mux.onBegin(run);
    await mux.onLog('pulling debian:bookworm');
    await mux.onEnvironmentReady(results.environments[0]!);
    await mux.onCellEnd(results.cells[0]!);
    await mux.onEnd(results);
    const env = results.environments[0]!.key;
    expect(calls).toEqual([
      'a.onBegin', 'b.onBegin',
      'a.onLog pulling debian:bookworm', 'b.onLog pulling debian:bookworm',
      `a.onEnvironmentReady ${env}`, `b.onEnvironmentReady ${env}`,
      'a.onCellEnd c', 'b.onCellEnd c',
      'a.onEnd', 'b.onEnd',
    ]);
    expect(mux.errors).toEqual([]);
  });

  it('skips hooks a reporter does not implement', async () => {
    const calls: string[] = [];
    const mux = new Multiplexer([{ name: 'bare' }, recorder('b', calls)], () => {});
    await mux.onEnd(results);
    expect(calls).toEqual(['b.onEnd']);
  });

  it('keeps going when a reporter throws or rejects, recording and logging each failure', async () => {
    const calls: string[] = [];
    const logged: string[] = [];
    const broken: Reporter = {
      name: 'broken',
      onCellEnd: () => {
        throw new Error('disk full');
      },
      onEnd: () => Promise.reject(new Error('cannot write junit.xml')),
    };
    const mux = new Multiplexer([recorder('a', calls), broken, recorder('c', calls)], (line) => logged.push(line));
    await expect(mux.onCellEnd(results.cells[0]!)).resolves.toBeUndefined();
    await expect(mux.onEnd(results)).resolves.toBeUndefined();
    expect(calls).toEqual(['a.onCellEnd c', 'c.onCellEnd c', 'a.onEnd', 'c.onEnd']);
    expect(mux.errors.map(({ reporter, hook, error }) => [reporter, hook, (error as Error).message])).toEqual([
      ['broken', 'onCellEnd', 'disk full'],
      ['broken', 'onEnd', 'cannot write junit.xml'],
    ]);
    expect(logged).toHaveLength(2);
    expect(logged[0]).toMatch(/^dlmatrix: the broken reporter failed in onCellEnd \(the run goes on\): Error: disk full/);
    expect(logged[1]).toMatch(/^dlmatrix: the broken report could not be written: Error: cannot write junit.xml/);
    expect(mux.endFailures.map((failure) => failure.reporter)).toEqual(['broken']);
  });

  it('names the file and the reason, without a stack, when a report file cannot be written', async () => {
    const logged: string[] = [];
    const dir = mkdtempSync(join(tmpdir(), 'dlmatrix-mux-'));
    mkdirSync(join(dir, 'junit.xml'));
    const mux = new Multiplexer([new JUnitReporter(join(dir, 'junit.xml')), new JsonReporter(join(dir, 'results.json'))], (line) => logged.push(line));
    await mux.onEnd(results);
    expect(logged).toEqual([`dlmatrix: the junit report could not be written: cannot write ${join(dir, 'junit.xml')}: a directory is in the way (EISDIR)`]);
    expect(mux.endFailures.map((failure) => failure.reporter)).toEqual(['junit']);
    expect(readdirSync(dir).sort()).toEqual(['junit.xml', 'results.json']); // no temp file left, the other report written
  });

  it('logs to stderr by default', async () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await new Multiplexer([{ name: 'x', onBegin: () => { throw 'plain string'; } }]).onBegin(run);
      expect(write.mock.calls).toEqual([['dlmatrix: the x reporter failed in onBegin (the run goes on): plain string\n']]);
    } finally {
      write.mockRestore();
    }
  });
});
