// The package index client on a fetch double: cached for a day, refreshed on request, a stale
// copy when the index cannot be reached, a clear error when there is none.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PackageIndexError, projectIndex } from './package-index.ts';

const DAY = 24 * 60 * 60 * 1000;

function index() {
  const calls: string[] = [];
  let fail = false;
  const fetchDouble = (async (url: string, init?: RequestInit) => {
    calls.push(`${url} ${(init?.headers as Record<string, string>).Accept}`);
    if (fail) throw new Error('getaddrinfo ENOTFOUND pypi.org');
    const body = JSON.stringify({ files: [{ filename: 'numpy-2.2.6-cp311-cp311-manylinux_2_17_x86_64.whl', yanked: false }, { filename: 'numpy-2.2.5.tar.gz', yanked: 'broken' }] });
    return new Response(body, { headers: { 'content-type': 'application/vnd.pypi.simple.v1+json' } });
  }) as typeof fetch;
  return { calls, fetchDouble, setFail: (value: boolean) => (fail = value) };
}

describe('package index', () => {
  it('reads the JSON Simple API once a day, from the cache in between', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'pypi-'));
    const { calls, fetchDouble } = index();
    let now = Date.parse('2026-11-25T10:00:00Z');
    const options = { cacheDir, fetch: fetchDouble, now: () => now, indexUrl: 'https://pypi.org/simple/' };
    const first = await projectIndex('numpy', options);
    expect(first.files).toEqual([
      { filename: 'numpy-2.2.6-cp311-cp311-manylinux_2_17_x86_64.whl', yanked: false },
      { filename: 'numpy-2.2.5.tar.gz', yanked: true },
    ]);
    expect(calls).toEqual(['https://pypi.org/simple/numpy/ application/vnd.pypi.simple.v1+json, text/html;q=0.1']);
    now += DAY - 1;
    await projectIndex('numpy', options);
    expect(calls).toHaveLength(1);
    await projectIndex('numpy', { ...options, refresh: true });
    expect(calls).toHaveLength(2);
    now += DAY;
    await projectIndex('numpy', options);
    expect(calls).toHaveLength(3);
  });

  it('falls back to a stale copy when the index is unreachable, and says so; fails clearly without one', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'pypi-'));
    const { fetchDouble, setFail } = index();
    await projectIndex('numpy', { cacheDir, fetch: fetchDouble });
    setFail(true);
    expect(await projectIndex('numpy', { cacheDir, fetch: fetchDouble, refresh: true })).toMatchObject({ stale: true });
    await expect(projectIndex('numpy', { cacheDir: mkdtempSync(join(tmpdir(), 'pypi-')), fetch: fetchDouble })).rejects.toThrow(PackageIndexError);
    await expect(projectIndex('numpy', { cacheDir: mkdtempSync(join(tmpdir(), 'pypi-')), fetch: fetchDouble })).rejects.toThrow(/cannot read numpy from .*ENOTFOUND/);
  });
});
