// GET through the proxy that pip would use. Node's own fetch (Node 20 and 22) ignores HTTPS_PROXY,
// so behind a corporate proxy the package index would be unreachable from the host while pip in
// the containers reaches it. Same variables as pip and curl: https_proxy/HTTPS_PROXY for https
// URLs, http_proxy/HTTP_PROXY for http ones, no_proxy/NO_PROXY (host suffixes, `*`) to bypass.
// https goes through a CONNECT tunnel (no agent: createConnection is used only without one); plain
// http asks the proxy for the absolute URL.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

export type Env = Record<string, string | undefined>;

export interface ProxyFetchContext {
  env?: Env;
  /** Certificates to trust instead of Node's (tests); NODE_EXTRA_CA_CERTS applies by default. */
  ca?: string;
}

/** The proxy for `url` by the environment, or undefined for a direct connection. */
export function proxyFor(url: URL, env: Env = process.env): URL | undefined {
  const pick = (name: string) => env[name.toLowerCase()] || env[name.toUpperCase()];
  const proxy = url.protocol === 'https:' ? pick('https_proxy') : url.protocol === 'http:' ? pick('http_proxy') : undefined;
  if (!proxy || bypassed(url, pick('no_proxy') ?? '')) return undefined;
  return new URL(proxy.includes('://') ? proxy : `http://${proxy}`);
}

function bypassed(url: URL, noProxy: string): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return noProxy
    .split(/[\s,]+/)
    .filter(Boolean)
    .some((entry) => {
      if (entry === '*') return true;
      const [name, port] = entry.toLowerCase().split(/:(?=\d+$)/);
      if (port && port !== (url.port || (url.protocol === 'https:' ? '443' : '80'))) return false;
      const suffix = name.replace(/^\*?\./, '');
      return host === suffix || host.endsWith(`.${suffix}`);
    });
}

/** fetch() for a GET, through the environment's proxy when it names one. */
export async function proxyAwareFetch(
  input: string,
  init: { headers?: Record<string, string>; signal?: AbortSignal } = {},
  { env = process.env, ca }: ProxyFetchContext = {},
): Promise<Response> {
  const url = new URL(input);
  const proxy = proxyFor(url, env);
  if (!proxy) return fetch(url, init);
  const proxyHost = proxy.hostname.replace(/^\[|\]$/g, ''); // an IPv6 literal without its brackets
  const proxyAuth = proxy.username ? `Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}` : undefined;
  const headers = { ...init.headers, ...(url.protocol === 'http:' && proxyAuth && { 'Proxy-Authorization': proxyAuth }) };
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const request =
      url.protocol === 'https:'
        ? httpsRequest(url, { headers, signal: init.signal, createConnection: (_options, ready) => void tunnel(proxy, proxyHost, url, { auth: proxyAuth, ca, signal: init.signal }, ready) })
        : httpRequest({ host: proxyHost, port: proxy.port || 80, path: url.href, headers: { ...headers, Host: url.host }, signal: init.signal });
    request.on('response', resolve).on('error', reject).end();
  });
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  const responseHeaders = new Headers();
  for (const [name, value] of Object.entries(response.headers)) if (value !== undefined) responseHeaders.set(name, Array.isArray(value) ? value.join(', ') : value);
  return new Response(Buffer.concat(chunks), { status: response.statusCode ?? 502, statusText: response.statusMessage ?? '', headers: responseHeaders });
}

/** A TLS socket to `target` through the proxy's CONNECT method. */
function tunnel(
  proxy: URL,
  proxyHost: string,
  target: URL,
  { auth, ca, signal }: { auth?: string; ca?: string; signal?: AbortSignal },
  ready: (error: Error | null, socket: Socket) => void,
): void {
  const authority = `${target.hostname}:${target.port || 443}`;
  const connect = httpRequest({
    host: proxyHost,
    port: proxy.port || 80,
    method: 'CONNECT',
    path: authority,
    headers: { Host: authority, ...(auth && { 'Proxy-Authorization': auth }) },
    signal,
  });
  connect.on('connect', (answer, socket) => {
    if (answer.statusCode !== 200) {
      socket.destroy();
      ready(new Error(`the proxy ${proxy.host} refused CONNECT ${authority}: ${answer.statusCode} ${answer.statusMessage}`), socket);
      return;
    }
    ready(null, tlsConnect({ socket, servername: target.hostname, ...(ca && { ca }) }));
  });
  // No socket to hand over on failure: ClientRequest only looks at the error then.
  connect.on('error', (error) => ready(new Error(`cannot reach the proxy ${proxy.host}: ${error.message}`), undefined as never));
  connect.end();
}
