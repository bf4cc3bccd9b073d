// One TLS handshake with a host, trusting only the CA certificates given: tells a publicly trusted
// server from an intercepting proxy (whose certificate only its own CA signs). Goes through
// HTTPS_PROXY with CONNECT when one is set, as pip and cargo in the images would.
import { request } from 'node:http';
import type { Socket } from 'node:net';
import { connect, type PeerCertificate } from 'node:tls';

export type TlsOutcome =
  | { kind: 'verified'; issuer: string }
  | { kind: 'untrusted'; issuer: string; reason: string }
  | { kind: 'unreachable'; reason: string };

export type TlsProbe = (host: string, ca: string | Buffer | readonly string[]) => Promise<TlsOutcome>;

export function tlsProbe(env: NodeJS.ProcessEnv = process.env, timeoutMs = 8000): TlsProbe {
  return async (host, ca) => {
    try {
      const socket = await tunnel(host, proxyFor(host, env), timeoutMs);
      return await handshake(host, ca as string | Buffer | string[], socket, timeoutMs);
    } catch (err) {
      return { kind: 'unreachable', reason: (err as NodeJS.ErrnoException).code ?? (err as Error).message };
    }
  };
}

/** The proxy for HTTPS to `host`, honouring NO_PROXY (exact names and `.suffix`es). */
export function proxyFor(host: string, env: NodeJS.ProcessEnv): URL | undefined {
  const proxy = env.HTTPS_PROXY ?? env.https_proxy;
  if (!proxy) return undefined;
  const noProxy = (env.NO_PROXY ?? env.no_proxy ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (noProxy.some((n) => n === '*' || host === n.replace(/^\./, '') || host.endsWith(n.startsWith('.') ? n : `.${n}`))) return undefined;
  return new URL(proxy.includes('://') ? proxy : `http://${proxy}`);
}

/** A socket to host:443 through the proxy (CONNECT), or undefined to let tls connect directly. */
function tunnel(host: string, proxy: URL | undefined, timeoutMs: number): Promise<Socket | undefined> {
  if (!proxy) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { host: `${host}:443` };
    if (proxy.username) headers['proxy-authorization'] = `Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}`;
    const req = request({ host: proxy.hostname, port: proxy.port || 80, method: 'CONNECT', path: `${host}:443`, headers, timeout: timeoutMs });
    req.on('connect', (res, socket) => (res.statusCode === 200 ? resolve(socket) : reject(new Error(`proxy ${proxy.host} answered CONNECT with ${res.statusCode}`))));
    req.on('timeout', () => req.destroy(new Error(`proxy ${proxy.host} did not answer within ${timeoutMs / 1000} s`)));
    req.on('error', reject);
    req.end();
  });
}

function handshake(host: string, ca: string | Buffer | string[], socket: Socket | undefined, timeoutMs: number): Promise<TlsOutcome> {
  return new Promise((resolve, reject) => {
    const tls = connect({ host, port: 443, servername: host, ca, socket, rejectUnauthorized: false, timeout: timeoutMs });
    tls.once('secureConnect', () => {
      const issuer = topIssuer(tls.getPeerCertificate(true));
      const outcome: TlsOutcome = tls.authorized ? { kind: 'verified', issuer } : { kind: 'untrusted', issuer, reason: String(tls.authorizationError) };
      tls.end();
      resolve(outcome);
    });
    tls.once('timeout', () => tls.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    tls.once('error', reject);
  });
}

/** The name of the certificate at the top of the chain the server sent (the CA that matters). */
function topIssuer(cert: PeerCertificate & { issuerCertificate?: PeerCertificate }): string {
  let top = cert;
  for (let i = 0; i < 10 && top.issuerCertificate && top.issuerCertificate !== top; i++) top = top.issuerCertificate;
  const name = top.issuer ?? top.subject;
  return [name?.O, name?.CN].filter(Boolean).join(' / ') || 'unknown issuer';
}
