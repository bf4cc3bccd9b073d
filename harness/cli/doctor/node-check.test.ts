import { expect, it } from 'vitest';
import { nodeCheck } from './node-check.ts';

it('Node.js 20 or later passes, older fails with how to upgrade', async () => {
  expect(await nodeCheck('20.0.0').run()).toEqual({ status: 'ok', what: 'Node.js 20.0.0' });
  expect((await nodeCheck('22.11.1').run()).status).toBe('ok');
  const old = await nodeCheck('18.19.0').run();
  expect(old.status).toBe('fail');
  expect(old.what).toContain('18.19.0');
  expect(old.fix).toMatch(/install Node\.js 20\+/);
});
