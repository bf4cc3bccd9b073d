// CPython tarballs are used only when their hash traces back to a signature or a pin: a mirror
// double serves an archive signed with a throwaway key (real gpg, real gpgv), and the tests tamper
// with each link of the chain.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { compareVersions, CpythonSources, CpythonVersionError } from './cpython-sources.ts';
import { cpythonReleases, inReleaseHashes, readSuite } from './debian-sources.ts';

const MIRROR = 'http://mirror.test/debian';
const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

/** A throwaway signing key and a keyring holding it, made with the real gpg. */
function signingKey(): { home: string; keyring: string } {
  const home = mkdtempSync(join(tmpdir(), 'dlmatrix-gpg-'));
  const gpg = (...args: string[]) => {
    const run = spawnSync('gpg', ['--homedir', home, '--batch', '--yes', ...args], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`gpg ${args.join(' ')}: ${run.stderr}`);
    return run.stdout;
  };
  gpg('--passphrase', '', '--quick-generate-key', 'dlmatrix test archive <test@example.invalid>', 'ed25519', 'sign', 'never');
  const keyring = join(home, 'archive.gpg');
  gpg('--output', keyring, '--export');
  return { home, keyring };
}

function clearsign(home: string, text: string): string {
  const run = spawnSync('gpg', ['--homedir', home, '--batch', '--yes', '--clearsign'], { input: text, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  return run.stdout;
}

const tarball = (version: string) => Buffer.from(`Python-${version} release tarball`);
const sources = (entries: Array<[string, string]>, defaults: string) =>
  [
    `Package: python3-defaults\nVersion: ${defaults}\nDirectory: pool/main/p/python3-defaults\n`,
    ...entries.map(
      ([minor, version]) =>
        `Package: python${minor}\nVersion: ${version}-2+deb13u5\nChecksums-Sha256:\n ${sha256(tarball(version))} ${tarball(version).length} python${minor}_${version}.orig.tar.xz\n ${'0'.repeat(64)} 963 python${minor}_${version}.orig.tar.xz.asc\nDirectory: pool/main/p/python${minor}\n`,
    ),
  ].join('\n');

class Mirror {
  files = new Map<string, Buffer>();
  requested: string[] = [];
  constructor(private readonly key: { home: string }) {}
  suite(suite: string, text: string, { tamper = false } = {}) {
    const gz = gzipSync(Buffer.from(text));
    this.files.set(`${MIRROR}/dists/${suite}/main/source/Sources.gz`, tamper ? gzipSync(Buffer.from(`${text}\n`)) : gz);
    const release = `Origin: Debian\nSuite: ${suite}\nSHA256:\n ${sha256(gz)} ${gz.length} main/source/Sources.gz\n`;
    this.files.set(`${MIRROR}/dists/${suite}/InRelease`, Buffer.from(clearsign(this.key.home, release)));
  }
  fetch = async (url: string) => {
    this.requested.push(url);
    const file = this.files.get(url);
    if (!file) throw new Error('getaddrinfo ENOTFOUND');
    return file;
  };
}

let key: { home: string; keyring: string };
beforeAll(() => {
  key = signingKey();
});

function sources3(mirror: Mirror, pins: Record<string, string> = {}) {
  return new CpythonSources({ mirror: MIRROR, cacheDir: mkdtempSync(join(tmpdir(), 'dlmatrix-cache-')), fetchBytes: mirror.fetch, keyring: key.keyring, pins });
}

describe('Debian archive indexes', () => {
  it('reads the SHA256 section of an InRelease and the CPython packages of a Sources index', () => {
    expect(inReleaseHashes('SHA256:\n abc 12 main/source/Sources.gz\nSHA512:\n def 12 other\n').get('main/source/Sources.gz')).toEqual({ sha256: 'abc', size: 12 });
    const parsed = cpythonReleases(sources([['3.13', '3.13.5']], '3.13.5-1'), 'trixie');
    expect(parsed).toEqual({
      suite: 'trixie',
      defaultMinor: '3.13',
      releases: [{ version: '3.13.5', suite: 'trixie', path: 'pool/main/p/python3.13/python3.13_3.13.5.orig.tar.xz', sha256: sha256(tarball('3.13.5')), size: tarball('3.13.5').length, format: 'xz' }],
    });
  });

  it('trusts a Sources index only through a signed InRelease (real gpgv)', async () => {
    const mirror = new Mirror(key);
    mirror.suite('trixie', sources([['3.13', '3.13.5']], '3.13.5-1'));
    await expect(readSuite(MIRROR, 'trixie', mirror.fetch, key.keyring)).resolves.toMatchObject({ defaultMinor: '3.13' });
    const tampered = new Mirror(key);
    tampered.suite('trixie', sources([['3.13', '3.13.5']], '3.13.5-1'), { tamper: true });
    await expect(readSuite(MIRROR, 'trixie', tampered.fetch, key.keyring)).rejects.toThrow(/Sources\.gz does not match the signed InRelease/);
    const unsigned = new Mirror(key);
    unsigned.suite('trixie', sources([['3.13', '3.13.5']], '3.13.5-1'));
    unsigned.files.set(`${MIRROR}/dists/trixie/InRelease`, Buffer.from(readFileSync('/dev/null', 'utf8') + 'SHA256:\n x 1 main/source/Sources.gz\n'));
    await expect(readSuite(MIRROR, 'trixie', unsigned.fetch, key.keyring)).rejects.toThrow(/not signed by a key/);
  });
});

describe('CPython sources', () => {
  const mirror = () => {
    const m = new Mirror(key);
    m.suite('bookworm', sources([['3.11', '3.11.2']], '3.11.2-1+b1'));
    m.suite('trixie', sources([['3.13', '3.13.5']], '3.13.5-1'));
    m.suite('forky', sources([['3.13', '3.13.15'], ['3.14', '3.14.8']], '3.14.8-1'));
    for (const [minor, version] of [['3.11', '3.11.2'], ['3.13', '3.13.5'], ['3.13', '3.13.15'], ['3.14', '3.14.8']]) {
      m.files.set(`${MIRROR}/pool/main/p/python${minor}/python${minor}_${version}.orig.tar.xz`, tarball(version!));
    }
    return m;
  };

  it('resolves system (the distro\'s python3), X.Y (the newest offered) and X.Y.Z, and names what exists otherwise', async () => {
    const cpython = sources3(mirror());
    expect(await cpython.version('trixie', 'system')).toBe('3.13.5');
    expect(await cpython.version('forky', 'system')).toBe('3.14.8');
    expect(await cpython.version('bookworm', '3.13')).toBe('3.13.15');
    expect(await cpython.version('bookworm', '3.13.5')).toBe('3.13.5');
    const error = await cpython.version('bookworm', '3.12.1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CpythonVersionError);
    expect((error as CpythonVersionError).available).toEqual(['3.14.8', '3.13.15', '3.13.5', '3.11.2']);
  });

  it('tries python.org first, then takes the identical tarball from the archive, verified, and keeps it', async () => {
    const m = mirror();
    const cpython = sources3(m);
    const release = await cpython.release('trixie', 'system');
    expect(release).toMatchObject({ version: '3.13.5', sha256: sha256(tarball('3.13.5')), url: `${MIRROR}/pool/main/p/python3.13/python3.13_3.13.5.orig.tar.xz` });
    expect(readFileSync(release.tarball)).toEqual(tarball('3.13.5'));
    expect(m.requested.filter((u) => u.includes('python.org'))).toEqual(['https://www.python.org/ftp/python/3.13.5/Python-3.13.5.tar.xz']);
  });

  it('refuses a tarball whose bytes do not match the verified hash, from any source', async () => {
    const m = mirror();
    m.files.set('https://www.python.org/ftp/python/3.11.2/Python-3.11.2.tar.xz', Buffer.from('something else'));
    await expect(sources3(m).release('bookworm', 'system')).rejects.toThrow(/python\.org.*does not match the verified hash of CPython 3\.11\.2/);
  });

  it('uses a version the archive lacks only with a pinned hash, from the URL template', async () => {
    const m = mirror();
    m.files.set('https://www.python.org/ftp/python/3.12.7/Python-3.12.7.tar.xz', tarball('3.12.7'));
    const pinned = sources3(m, { '3.12.7': sha256(tarball('3.12.7')) });
    expect(await pinned.release('bookworm', '3.12')).toMatchObject({ version: '3.12.7', url: 'https://www.python.org/ftp/python/3.12.7/Python-3.12.7.tar.xz' });
  });

  it('takes the newest X.Y release that can really be downloaded when the index lists one its mirror lacks', async () => {
    const m = mirror();
    m.suite('sid', sources([['3.14', '3.14.10']], '3.14.10-1'));
    const lines: string[] = [];
    const cpython = new CpythonSources({ mirror: MIRROR, cacheDir: mkdtempSync(join(tmpdir(), 'dlmatrix-cache-')), fetchBytes: m.fetch, keyring: key.keyring, log: (l) => lines.push(l) });
    expect(await cpython.version('trixie', '3.14')).toBe('3.14.10');
    expect(await cpython.release('trixie', '3.14')).toMatchObject({ version: '3.14.8' });
    expect(lines).toContain('CPython 3.14: 3.14.10 is listed but cannot be downloaded; using 3.14.8');
  });

  it("asks upstream for the .tgz when the archive keeps that one (older suites), so both sources have the same hash", async () => {
    const m = new Mirror(key);
    const gz = (version: string) => `Package: python3.11\nVersion: ${version}-6\nChecksums-Sha256:\n ${sha256(tarball(version))} ${tarball(version).length} python3.11_${version}.orig.tar.gz\nDirectory: pool/main/p/python3.11\n`;
    m.suite('bookworm', `Package: python3-defaults\nVersion: 3.11.2-1+b1\n\n${gz('3.11.2')}`);
    m.files.set('https://www.python.org/ftp/python/3.11.2/Python-3.11.2.tgz', tarball('3.11.2'));
    const release = await sources3(m).release('bookworm', 'system');
    expect(release).toMatchObject({ version: '3.11.2', url: 'https://www.python.org/ftp/python/3.11.2/Python-3.11.2.tgz' });
    expect(release.tarball).toMatch(/Python-3\.11\.2\.tgz$/);
  });

  it('orders versions numerically, pre-releases before their release', () => {
    expect(['3.13.5', '3.9.2', '3.15.0', '3.15.0a1', '3.13.15'].sort(compareVersions)).toEqual(['3.9.2', '3.13.5', '3.13.15', '3.15.0a1', '3.15.0']);
  });
});
