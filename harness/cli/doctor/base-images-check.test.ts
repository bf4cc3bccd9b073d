import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { baseImagesCheck, registryApiAnswers, type BaseImagesCheckDeps } from './base-images-check.ts';
import type { EngineState } from './engine.ts';
import type { System } from './system.ts';

const MIRROR = 'http://mirror.example/debian';
const engine: EngineState = { ok: true, info: { version: '20.10', apiVersion: '1.41', registries: ['https://mirror.example:5000', 'https://index.example/v1/'] } };

function system(root = true, ran: string[] = []): System {
  return { isRoot: () => root, has: () => true, hasSystemd: () => false, run: async (c, a) => (ran.push([c, ...a].join(' ')), 0), startDaemon: () => {} };
}

const check = (over: Partial<BaseImagesCheckDeps>) =>
  baseImagesCheck({ state: async () => engine, registryAnswers: async () => false, debootstrapInstalled: () => true, debianMirror: () => MIRROR, system: system(), ...over });

describe('base-images check', () => {
  it('ok when a registry the engine uses answers (mirrors first)', async () => {
    const asked: string[] = [];
    const result = await check({ registryAnswers: async (url) => (asked.push(url), url.includes('index')) }).run();
    expect(result).toEqual({ status: 'ok', what: 'registry index.example answers: base images are pulled' });
    expect(asked).toEqual(['https://mirror.example:5000', 'https://index.example/v1/']);
  });

  it('no registry: ok with debootstrap and the apt mirror as root, warn without root', async () => {
    expect(await check({}).run()).toEqual({
      status: 'ok',
      what: `no registry answers; base images are bootstrapped with debootstrap from ${MIRROR} (from the apt config)`,
    });
    const user = await check({ system: system(false) }).run();
    expect(user.status).toBe('warn');
    expect(user.what).toContain('needs root');
  });

  it('no registry and no debootstrap: fails, and --fix installs it with apt-get', async () => {
    const ran: string[] = [];
    let installed = false;
    const c = check({ debootstrapInstalled: () => installed, system: { ...system(true, ran), run: async (cmd, args) => (ran.push([cmd, ...args].join(' ')), (installed = args[0] === 'install' || installed), 0) } });
    const result = await c.run();
    expect(result.status).toBe('fail');
    expect(result.fix).toContain('apt-get install -y debootstrap');
    await c.fix!(() => {});
    expect(ran).toEqual(['apt-get update', 'apt-get install -y debootstrap']);
    expect((await c.run()).status).toBe('ok');
  });

  it('no registry and no Debian mirror in the apt config: fails naming DLMATRIX_DEBIAN_MIRROR', async () => {
    const result = await check({ debianMirror: () => undefined }).run();
    expect(result.status).toBe('fail');
    expect(result.fix).toContain('DLMATRIX_DEBIAN_MIRROR');
  });

  it('registryApiAnswers: any HTTP answer on /v2/ counts (401 included); a closed port does not', async () => {
    const paths: string[] = [];
    const server = createServer((req, res) => (paths.push(req.url!), res.writeHead(401).end())).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      expect(await registryApiAnswers(`http://127.0.0.1:${port}/v1/`)).toBe(true);
      expect(paths).toEqual(['/v2/']);
    } finally {
      server.close();
    }
    expect(await registryApiAnswers(`http://127.0.0.1:${port}/`, 2000)).toBe(false);
  });
});
