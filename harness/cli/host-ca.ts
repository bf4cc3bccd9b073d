// The CA bundle copied into images (for cargo and pip behind an intercepting proxy). It is part
// of the images' content hash, so every command that names images decides it the same way.
import { existsSync } from 'node:fs';
import type { MatrixOptions } from '../matrix/types.ts';

/** SSL_CERT_FILE (auto or true), else Debian's bundle (true only); none when turned off. */
export function hostCaBundle(setting: MatrixOptions['hostCaCertificates'], disabled = false): string | undefined {
  if (setting === false || disabled) return undefined;
  const fromEnv = process.env.SSL_CERT_FILE;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  const debian = '/etc/ssl/certs/ca-certificates.crt';
  return setting === true && existsSync(debian) ? debian : undefined;
}
