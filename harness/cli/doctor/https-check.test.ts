import { describe, expect, it } from 'vitest';
import { httpsCheck, PROBE_HOST } from './https-check.ts';
import { proxyFor, type TlsOutcome } from './tls-probe.ts';

const BUNDLE = Buffer.from('-----BEGIN CERTIFICATE-----\nproxy CA\n-----END CERTIFICATE-----\n');

/** A network where PyPI's certificate is signed by `issuer`, trusted by the public roots or only by BUNDLE. */
function network(answer: 'public' | 'intercepted' | 'down') {
  const asked: Array<{ host: string; bundle: boolean }> = [];
  const probe = async (host: string, ca: unknown): Promise<TlsOutcome> => {
    const bundle = Buffer.isBuffer(ca) && ca.equals(BUNDLE);
    asked.push({ host, bundle });
    if (answer === 'down') return { kind: 'unreachable', reason: 'ENOTFOUND' };
    if (answer === 'public') return { kind: 'verified', issuer: 'Public Root CA' };
    return bundle ? { kind: 'verified', issuer: 'Corp Proxy CA' } : { kind: 'untrusted', issuer: 'Corp Proxy CA', reason: 'SELF_SIGNED_CERT_IN_CHAIN' };
  };
  return { probe, asked };
}

const run = (answer: 'public' | 'intercepted' | 'down', env: NodeJS.ProcessEnv, readable = true) =>
  httpsCheck({ probe: network(answer).probe, env, readable: () => readable, read: () => BUNDLE }).run();

describe('https check', () => {
  it('ok when PyPI answers with a publicly trusted certificate', async () => {
    const { probe, asked } = network('public');
    expect(await httpsCheck({ probe, env: {} }).run()).toEqual({ status: 'ok', what: `${PROBE_HOST} answers over HTTPS with a publicly trusted certificate (Public Root CA)` });
    expect(asked).toEqual([{ host: 'pypi.org', bundle: false }]);
  });

  it('intercepted HTTPS without SSL_CERT_FILE fails, naming the proxy CA and what to set', async () => {
    const result = await run('intercepted', {});
    expect(result.status).toBe('fail');
    expect(result.what).toContain('Corp Proxy CA');
    expect(result.fix).toMatch(/export SSL_CERT_FILE=/);
  });

  it('intercepted HTTPS with an SSL_CERT_FILE that trusts the proxy is ok; one that does not fails', async () => {
    const ok = await run('intercepted', { SSL_CERT_FILE: '/etc/proxy-ca.pem' });
    expect(ok.status).toBe('ok');
    expect(ok.what).toContain('SSL_CERT_FILE=/etc/proxy-ca.pem trusts it');
    const wrong = await httpsCheck({
      probe: async () => ({ kind: 'untrusted', issuer: 'Corp Proxy CA', reason: 'x' }),
      env: { SSL_CERT_FILE: '/etc/other.pem' },
      readable: () => true,
      read: () => BUNDLE,
    }).run();
    expect(wrong.status).toBe('fail');
    expect(wrong.fix).toBe("add that CA's certificate to /etc/other.pem");
  });

  it('an unreadable SSL_CERT_FILE fails before any network', async () => {
    const result = await run('public', { SSL_CERT_FILE: '/nope.pem' }, false);
    expect(result).toMatchObject({ status: 'fail', what: 'SSL_CERT_FILE=/nope.pem is not a readable file' });
  });

  it('PyPI unreachable is a warning that suggests HTTPS_PROXY', async () => {
    const result = await run('down', {});
    expect(result.status).toBe('warn');
    expect(result.what).toContain('ENOTFOUND');
    expect(result.fix).toContain('HTTPS_PROXY');
  });
});

describe('proxyFor', () => {
  it('uses HTTPS_PROXY (or https_proxy) unless NO_PROXY covers the host', () => {
    expect(proxyFor('pypi.org', {})).toBeUndefined();
    expect(proxyFor('pypi.org', { HTTPS_PROXY: 'http://proxy:3128' })?.host).toBe('proxy:3128');
    expect(proxyFor('pypi.org', { https_proxy: 'proxy:8080' })?.href).toBe('http://proxy:8080/');
    expect(proxyFor('pypi.org', { HTTPS_PROXY: 'http://p:1', NO_PROXY: 'localhost,.python.org' })?.host).toBe('p:1');
    // Like curl: a leading dot covers the domain and its subdomains.
    expect(proxyFor('files.pypi.org', { HTTPS_PROXY: 'http://p:1', NO_PROXY: 'localhost,.pypi.org' })).toBeUndefined();
    expect(proxyFor('pypi.org', { HTTPS_PROXY: 'http://p:1', NO_PROXY: '.pypi.org' })).toBeUndefined();
    expect(proxyFor('notpypi.org', { HTTPS_PROXY: 'http://p:1', NO_PROXY: 'pypi.org' })?.host).toBe('p:1');
    expect(proxyFor('pypi.org', { HTTPS_PROXY: 'http://p:1', NO_PROXY: 'pypi.org' })).toBeUndefined();
    expect(proxyFor('pypi.org', { HTTPS_PROXY: 'http://p:1', NO_PROXY: '*' })).toBeUndefined();
  });
});
