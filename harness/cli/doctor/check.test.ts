import { describe, expect, it } from 'vitest';
import { formatResult, runChecks, type Check } from './check.ts';

describe('doctor check lines', () => {
  it('print `ok|warn|FAIL  what  (how to fix)`, the fix only when there is one', () => {
    expect(formatResult({ status: 'ok', what: 'Node.js 20.1.0' })).toBe('ok    Node.js 20.1.0');
    expect(formatResult({ status: 'warn', what: 'low disk', fix: 'prune' })).toBe('warn  low disk  (prune)');
    expect(formatResult({ status: 'fail', what: 'no engine', fix: 'start it' })).toBe('FAIL  no engine  (start it)');
  });

  it('a check that throws is reported as failed and the others still run, in order', async () => {
    const checks: Check[] = [
      { name: 'a', run: async () => ({ status: 'ok', what: 'a fine' }) },
      { name: 'b', run: async () => Promise.reject(new Error('boom')) },
      { name: 'c', run: async () => ({ status: 'warn', what: 'c meh', fix: 'x' }) },
    ];
    const seen: string[] = [];
    const results = await runChecks(checks, (check, result) => seen.push(`${check.name}:${result.status}`));
    expect(seen).toEqual(['a:ok', 'b:fail', 'c:warn']);
    expect(results[1].what).toContain('boom');
  });
});
