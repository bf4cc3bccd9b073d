// CPython release tarballs as Debian's archive holds them: every `python3.N` source package in a
// suite carries upstream's release tarball unchanged (`python3.N_X.Y.Z.orig.tar.xz`, with
// upstream's .asc beside it). Their sha256 come from the suite's Sources index, whose own hash is
// in the suite's InRelease, which the archive signs: InRelease is checked with gpgv against the
// host's Debian archive keyring, so every hash here traces back to a signature.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** One CPython release in one suite of the archive. */
export interface ArchiveRelease {
  /** Upstream's version, e.g. 3.13.5. */
  version: string;
  suite: string;
  /** The path of the tarball below the mirror's root. */
  path: string;
  sha256: string;
  size: number;
  /** How upstream's tarball is compressed: xz (Python-X.Y.Z.tar.xz) or gz (Python-X.Y.Z.tgz, older suites). */
  format: 'xz' | 'gz';
}

export interface SuiteReleases {
  suite: string;
  /** X.Y of the suite's python3 (python3-defaults), e.g. 3.13. */
  defaultMinor?: string;
  releases: ArchiveRelease[];
}

export class ArchiveVerificationError extends Error {}

export const DEBIAN_KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';

/** The hashes an InRelease lists (its SHA256 section), by path below dists/SUITE/. */
export function inReleaseHashes(text: string): Map<string, { sha256: string; size: number }> {
  const hashes = new Map<string, { sha256: string; size: number }>();
  let inSection = false;
  for (const line of text.split('\n')) {
    if (/^SHA256:\s*$/.test(line)) inSection = true;
    else if (!line.startsWith(' ')) inSection = false;
    else if (inSection) {
      const [sha256, size, path] = line.trim().split(/\s+/);
      if (sha256 && size && path) hashes.set(path, { sha256, size: Number(size) });
    }
  }
  return hashes;
}

/** Checks an InRelease's signature with gpgv; throws when it is not signed by a key of the keyring. */
export function verifyInRelease(text: string, keyring = DEBIAN_KEYRING): void {
  const dir = mkdtempSync(join(tmpdir(), 'dlmatrix-inrelease-'));
  try {
    const file = join(dir, 'InRelease');
    writeFileSync(file, text);
    const result = spawnSync('gpgv', ['--keyring', keyring, file], { encoding: 'utf8' });
    if (result.error) throw new ArchiveVerificationError(`cannot run gpgv to check the archive's signature (${result.error.message}): install gpgv and debian-archive-keyring`);
    if (result.status !== 0) throw new ArchiveVerificationError(`the archive's InRelease is not signed by a key in ${keyring}: ${result.stderr.trim().split('\n').at(-1)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The CPython releases of a Sources index: `python3.N` packages and python3-defaults' X.Y. */
export function cpythonReleases(sources: string, suite: string): SuiteReleases {
  const releases: ArchiveRelease[] = [];
  let defaultMinor: string | undefined;
  for (const paragraph of sources.split(/\n\s*\n/)) {
    const name = /^Package: (\S+)$/m.exec(paragraph)?.[1];
    if (!name) continue;
    const version = /^Version: (?:\d+:)?(\S+)$/m.exec(paragraph)?.[1];
    if (name === 'python3-defaults' && version) {
      defaultMinor = /^(\d+\.\d+)\./.exec(version)?.[1];
      continue;
    }
    if (!/^python3\.\d+$/.test(name)) continue;
    const directory = /^Directory: (\S+)$/m.exec(paragraph)?.[1];
    const checksums = /^Checksums-Sha256:\n((?: .*\n?)*)/m.exec(paragraph)?.[1] ?? '';
    for (const line of checksums.split('\n')) {
      const match = /^ ([0-9a-f]{64}) (\d+) (python3\.\d+_(\d+\.\d+\.\d+(?:(?:a|b|rc)\d+)?)\.orig\.tar\.(xz|gz))$/.exec(line);
      if (match && directory) releases.push({ version: match[4]!, suite, path: `${directory}/${match[3]}`, sha256: match[1]!, size: Number(match[2]), format: match[5] as 'xz' | 'gz' });
    }
  }
  return { suite, ...(defaultMinor && { defaultMinor }), releases };
}

/** Reads a suite's CPython releases from the mirror: InRelease (signature checked), then Sources.gz (hash checked). */
export async function readSuite(mirror: string, suite: string, fetchBytes: (url: string) => Promise<Buffer>, keyring = DEBIAN_KEYRING): Promise<SuiteReleases> {
  const base = `${mirror.replace(/\/+$/, '')}/dists/${suite}`;
  const inRelease = (await fetchBytes(`${base}/InRelease`)).toString('utf8');
  verifyInRelease(inRelease, keyring);
  const expected = inReleaseHashes(inRelease).get('main/source/Sources.gz');
  if (!expected) throw new ArchiveVerificationError(`${base}/InRelease lists no main/source/Sources.gz`);
  const compressed = await fetchBytes(`${base}/main/source/Sources.gz`);
  const sha256 = createHash('sha256').update(compressed).digest('hex');
  if (sha256 !== expected.sha256) throw new ArchiveVerificationError(`${base}/main/source/Sources.gz does not match the signed InRelease (sha256 ${sha256}, expected ${expected.sha256})`);
  return cpythonReleases(gunzipSync(compressed).toString('utf8'), suite);
}
