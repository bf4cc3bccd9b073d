import { describe, expect, it } from 'vitest';
import { makeCell } from '../test-support/make-results.ts';
import { couldNotRun, stoppedBeforeRun } from './not-run.ts';

const planned = (expected: ReturnType<typeof makeCell>['expected']) => {
  const { id, axes, environment } = makeCell();
  return { id, axes, environment, expected };
};

describe('cells that did not run', () => {
  it('a cell that could not run is judged by its expectation', () => {
    expect(couldNotRun(planned(['loaded']), 'build-error', 'error: x').verdict).toBe('fail');
    expect(couldNotRun(planned(['build-error']), 'build-error', 'error: x').verdict).toBe('pass');
    expect(couldNotRun(planned(['loaded']), 'skipped', 'no such Python').verdict).toBe('skip');
    expect(couldNotRun(planned(['skipped']), 'skipped', 'no such Python', { python: '3.9.2' })).toMatchObject({ verdict: 'pass', resolved: { python: '3.9.2' }, attempts: 0 });
  });

  it('a cell that should have run and did not fails, whatever was expected', () => {
    for (const expected of [['loaded'], ['skipped'], ['build-error']] as const) {
      expect(stoppedBeforeRun(planned([...expected]), 'not run: the run was interrupted (SIGINT)')).toMatchObject({
        outcome: 'skipped',
        verdict: 'fail',
        reason: 'not run: the run was interrupted (SIGINT)',
        attempts: 0,
        output: { stdout: '', stderr: '' },
      });
    }
  });
});
