import { describe, expect, it } from 'vitest';
import { BuildQueue } from './build-queue.ts';

describe('BuildQueue', () => {
  it('keeps to its slots and starts later stages first, in the order asked within a stage', async () => {
    const queue = new BuildQueue(1);
    const started: string[] = [];
    let release!: () => void;
    const first = queue.run('cpython', () => new Promise<void>((resolve) => ((release = resolve), started.push('cpython 3.13'))));
    const rest = [
      queue.run('cpython', async () => void started.push('cpython 3.11')),
      queue.run('toolchain', async () => void started.push('toolchain')),
      queue.run('environment', async () => void started.push('environment 1')),
      queue.run('environment', async () => void started.push('environment 2')),
      queue.run('base', async () => void started.push('base')),
    ];
    expect(started).toEqual(['cpython 3.13']);
    release();
    await Promise.all([first, ...rest]);
    expect(started).toEqual(['cpython 3.13', 'base', 'environment 1', 'environment 2', 'toolchain', 'cpython 3.11']);
  });

  it('passes on a failure and frees the slot', async () => {
    const queue = new BuildQueue(1);
    await expect(queue.run('toolchain', async () => Promise.reject(new Error('apt failed')))).rejects.toThrow('apt failed');
    await expect(queue.run('toolchain', async () => 'next')).resolves.toBe('next');
  });
});
