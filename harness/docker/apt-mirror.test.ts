import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findDebianMirror, parseDeb822Sources, parseOneLineSources } from './apt-mirror.ts';

const DEB822 = `Types: deb
URIs: http://mirror.example/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://mirror.example/debian-security
Suites: bookworm-security
Components: main
`;

describe('apt mirror discovery', () => {
  it('reads deb822 stanzas', () => {
    expect(parseDeb822Sources(DEB822)).toEqual([
      { uri: 'http://mirror.example/debian', suites: ['bookworm', 'bookworm-updates'], components: ['main'] },
      { uri: 'http://mirror.example/debian-security', suites: ['bookworm-security'], components: ['main'] },
    ]);
  });

  it('reads one-line entries with options', () => {
    expect(parseOneLineSources('# c\ndeb [arch=amd64] http://m.example/debian bullseye main contrib\ndeb-src http://x y main\n')).toEqual([
      { uri: 'http://m.example/debian', suites: ['bullseye'], components: ['main', 'contrib'] },
    ]);
  });

  it('picks the regular archive, not the security one, even when security comes first', () => {
    const dir = mkdtempSync(join(tmpdir(), 'apt-'));
    mkdirSync(join(dir, 'sources.list.d'));
    writeFileSync(join(dir, 'sources.list.d', 'a-security.list'), 'deb http://sec.example/debian-security bookworm-security main\n');
    writeFileSync(join(dir, 'sources.list.d', 'debian.sources'), DEB822);
    writeFileSync(join(dir, 'sources.list.d', 'other.list.disabled'), 'deb http://nope.example/ bookworm main\n');
    expect(findDebianMirror(dir, {})).toBe('http://mirror.example/debian');
  });

  it('lets DLMATRIX_DEBIAN_MIRROR override the host configuration', () => {
    expect(findDebianMirror('/nonexistent', { DLMATRIX_DEBIAN_MIRROR: 'http://override.example/debian' })).toBe(
      'http://override.example/debian',
    );
  });

  it('returns undefined when nothing is configured', () => {
    expect(findDebianMirror(mkdtempSync(join(tmpdir(), 'apt-')), {})).toBeUndefined();
  });
});
