// pip (NumPy wheels) and cargo (crates) in the images need HTTPS. Behind an intercepting proxy they
// only trust it with the proxy's CA, which dlmatrix copies into the images from SSL_CERT_FILE.
import { constants, accessSync, readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import type { Check, CheckResult } from './check.ts';
import type { TlsProbe } from './tls-probe.ts';

/** Where the images' pip goes for NumPy wheels. */
export const PROBE_HOST = 'pypi.org';

export interface HttpsCheckDeps {
  probe: TlsProbe;
  env?: NodeJS.ProcessEnv;
  readable?: (path: string) => boolean;
  read?: (path: string) => Buffer;
}

export function httpsCheck(deps: HttpsCheckDeps): Check {
  const env = deps.env ?? process.env;
  const readable = deps.readable ?? isReadable;
  const read = deps.read ?? ((path: string) => readFileSync(path));
  return {
    name: 'https',
    async run(): Promise<CheckResult> {
      const caFile = env.SSL_CERT_FILE;
      if (caFile && !readable(caFile)) {
        return { status: 'fail', what: `SSL_CERT_FILE=${caFile} is not a readable file`, fix: 'point SSL_CERT_FILE at a readable PEM bundle, or unset it' };
      }
      const publicly = await deps.probe(PROBE_HOST, rootCertificates);
      if (publicly.kind === 'unreachable') {
        return {
          status: 'warn',
          what: `${PROBE_HOST} does not answer over HTTPS from this machine (${publicly.reason}); builds fetch NumPy wheels and crates`,
          fix: 'behind a proxy, set HTTPS_PROXY (and SSL_CERT_FILE if it intercepts HTTPS)',
        };
      }
      if (publicly.kind === 'verified') {
        return { status: 'ok', what: `${PROBE_HOST} answers over HTTPS with a publicly trusted certificate (${publicly.issuer})` };
      }
      // Not trusted by the public roots: something between us and PyPI re-signs HTTPS.
      const intercepted = `HTTPS is intercepted: ${PROBE_HOST}'s certificate comes from ${publicly.issuer}, not a public CA`;
      if (!caFile) {
        return {
          status: 'fail',
          what: intercepted,
          fix: 'export SSL_CERT_FILE=<PEM bundle holding that CA>; dlmatrix copies it into the images for pip and cargo',
        };
      }
      const withBundle = await deps.probe(PROBE_HOST, read(caFile));
      return withBundle.kind === 'verified'
        ? { status: 'ok', what: `${intercepted}; SSL_CERT_FILE=${caFile} trusts it and is copied into the images` }
        : { status: 'fail', what: `${intercepted}, and SSL_CERT_FILE=${caFile} does not trust it`, fix: `add that CA's certificate to ${caFile}` };
    },
  };
}

function isReadable(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return readFileSync(path).length > 0;
  } catch {
    return false;
  }
}
