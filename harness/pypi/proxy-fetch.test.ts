// The package index through a proxy, for real: a local HTTPS "index" (a throwaway certificate for
// localhost, in fixtures/) reached only through a local CONNECT proxy, as behind a corporate one.
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectIndex } from './package-index.ts';
import { proxyAwareFetch, proxyFor } from './proxy-fetch.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const ca = readFileSync(join(FIXTURES, 'localhost.crt'), 'utf8');

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

describe('proxyFor: which proxy, as pip and curl read the environment', () => {
  const url = (text: string) => new URL(text);
  it('uses https_proxy for https and http_proxy for http, lower case first', () => {
    const env = { https_proxy: 'http://lower:3128', HTTPS_PROXY: 'http://upper:3128', HTTP_PROXY: 'proxy:8080' };
    expect(proxyFor(url('https://pypi.org/simple/'), env)?.host).toBe('lower:3128');
    expect(proxyFor(url('http://mirror.example/simple/'), env)?.href).toBe('http://proxy:8080/');
    expect(proxyFor(url('https://pypi.org/simple/'), {})).toBeUndefined();
  });

  it('bypasses hosts in no_proxy: exact, domain suffix (with or without a dot), port, *', () => {
    const env = (noProxy: string) => ({ HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: noProxy });
    expect(proxyFor(url('https://pypi.org/x'), env('pypi.org'))).toBeUndefined();
    expect(proxyFor(url('https://files.pypi.org/x'), env('.pypi.org'))).toBeUndefined();
    expect(proxyFor(url('https://files.pypi.org/x'), env('localhost, pypi.org'))).toBeUndefined();
    expect(proxyFor(url('https://notpypi.org/x'), env('pypi.org'))).toBeDefined();
    expect(proxyFor(url('https://pypi.org/x'), env('pypi.org:8443'))).toBeDefined();
    expect(proxyFor(url('https://anything/x'), env('*'))).toBeUndefined();
  });
});

describe('proxyAwareFetch (real sockets)', () => {
  let index: Server;
  let proxy: Server;
  let indexPort: number;
  let proxyPort: number;
  const connects: string[] = [];
  let refuse = false;

  beforeAll(async () => {
    index = createHttpsServer({ key: readFileSync(join(FIXTURES, 'localhost.key')), cert: ca }, (request, response) => {
      response.writeHead(200, { 'content-type': 'application/vnd.pypi.simple.v1+json' });
      response.end(JSON.stringify({ files: [{ filename: 'numpy-2.2.6-cp311-cp311-manylinux_2_17_x86_64.whl', yanked: false }], asked: request.url }));
    });
    indexPort = await listen(index);
    // Plain http through a proxy: the request line names the absolute URL.
    proxy = createHttpServer((request, response) => response.writeHead(200, { 'content-type': 'text/plain' }).end(`proxied ${request.url} ${request.headers['proxy-authorization'] ?? ''}`.trim()));
    proxy.on('connect', (request, client) => {
      connects.push(`${request.url} ${request.headers['proxy-authorization'] ?? ''}`.trim());
      if (refuse) return void client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      const [host, port] = request.url!.split(':');
      const upstream = connect(Number(port), host === 'localhost' ? '127.0.0.1' : host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.pipe(client).pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
    });
    proxyPort = await listen(proxy);
  });

  afterAll(() => {
    index.close();
    proxy.close();
  });

  it('tunnels https through the proxy with CONNECT, with its credentials, and returns the answer', async () => {
    connects.length = 0;
    const env = { HTTPS_PROXY: `http://me:s%40cret@127.0.0.1:${proxyPort}` };
    const response = await proxyAwareFetch(`https://localhost:${indexPort}/numpy/`, { headers: { Accept: 'application/json' } }, { env, ca });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('json');
    expect(await response.json()).toMatchObject({ asked: '/numpy/' });
    expect(connects).toEqual([`localhost:${indexPort} Basic ${Buffer.from('me:s@cret').toString('base64')}`]);
  });

  it('asks the proxy for the absolute URL of a plain http index', async () => {
    const env = { http_proxy: `http://u:p@127.0.0.1:${proxyPort}` };
    const response = await proxyAwareFetch('http://mirror.invalid:8080/simple/numpy/', {}, { env });
    expect(await response.text()).toBe(`proxied http://mirror.invalid:8080/simple/numpy/ Basic ${Buffer.from('u:p').toString('base64')}`);
  });

  it('says which proxy refused, and the package index reports it as unreachable', async () => {
    refuse = true;
    try {
      const env = { HTTPS_PROXY: `http://127.0.0.1:${proxyPort}` };
      await expect(proxyAwareFetch(`https://localhost:${indexPort}/numpy/`, {}, { env, ca })).rejects.toThrow(`the proxy 127.0.0.1:${proxyPort} refused CONNECT localhost:${indexPort}: 403`);
    } finally {
      refuse = false;
    }
  });

  it('goes direct for a host in NO_PROXY (the proxy sees nothing)', async () => {
    connects.length = 0;
    const env = { HTTPS_PROXY: `http://127.0.0.1:${proxyPort}`, NO_PROXY: 'localhost' };
    // Direct means Node's own fetch, which does not trust the throwaway certificate: the failure
    // proves the request did not take the tunnel.
    await expect(proxyAwareFetch(`https://localhost:${indexPort}/numpy/`, {}, { env, ca })).rejects.toThrow();
    expect(connects).toEqual([]);
  });

  it('lets the package index read an index reachable only through the proxy', async () => {
    connects.length = 0;
    const env = { HTTPS_PROXY: `http://127.0.0.1:${proxyPort}` };
    const files = await projectIndex('numpy', {
      indexUrl: `https://localhost:${indexPort}/simple`,
      cacheDir: mkdtempSync(join(tmpdir(), 'dlmatrix-proxy-')),
      refresh: true,
      fetch: (url, init) => proxyAwareFetch(url, init, { env, ca }),
    });
    expect(files.files.map((f) => f.filename)).toEqual(['numpy-2.2.6-cp311-cp311-manylinux_2_17_x86_64.whl']);
    expect(connects).toHaveLength(1);
  });

  it("is the package index's default: with HTTPS_PROXY set, its requests go to the proxy", async () => {
    const saved = process.env.HTTPS_PROXY;
    process.env.HTTPS_PROXY = `http://127.0.0.1:${proxyPort}`;
    refuse = true;
    try {
      const reading = projectIndex('numpy', { indexUrl: `https://localhost:${indexPort}/simple`, cacheDir: mkdtempSync(join(tmpdir(), 'dlmatrix-proxy-')) });
      await expect(reading).rejects.toThrow(/refused CONNECT/);
    } finally {
      refuse = false;
      if (saved === undefined) delete process.env.HTTPS_PROXY;
      else process.env.HTTPS_PROXY = saved;
    }
  });
});
