// The Debian mirror the host's apt uses, read from its configuration, so images are bootstrapped
// from the same place the host installs from (no mirror host name is written in dlmatrix).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface AptSource {
  uri: string;
  suites: string[];
  components: string[];
}

/** Parses deb822 `.sources` files (stanzas of `Key: value` lines). */
export function parseDeb822Sources(text: string): AptSource[] {
  return text
    .split(/\n\s*\n/)
    .map((stanza) => {
      const fields = new Map<string, string>();
      for (const line of stanza.split('\n')) {
        const match = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
        if (match) fields.set(match[1].toLowerCase(), match[2].trim());
      }
      if (!(fields.get('types') ?? '').split(/\s+/).includes('deb')) return undefined;
      if (fields.get('enabled')?.toLowerCase() === 'no') return undefined;
      return {
        uri: (fields.get('uris') ?? '').split(/\s+/)[0],
        suites: (fields.get('suites') ?? '').split(/\s+/).filter(Boolean),
        components: (fields.get('components') ?? '').split(/\s+/).filter(Boolean),
      };
    })
    .filter((s): s is AptSource => !!s?.uri);
}

/** Parses one-line-style `sources.list` entries: `deb [options] URI SUITE COMPONENT...`. */
export function parseOneLineSources(text: string): AptSource[] {
  return text
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter((line) => line.startsWith('deb '))
    .map((line) => line.slice(4).replace(/^\[[^\]]*\]\s*/, '').split(/\s+/))
    .map(([uri, suite, ...components]) => ({ uri, suites: suite ? [suite] : [], components }));
}

/**
 * The archive URI to bootstrap Debian suites from: the first configured source that carries a
 * regular suite (not -security/-updates/-backports) with the main component.
 * DLMATRIX_DEBIAN_MIRROR overrides it.
 */
export function findDebianMirror(aptDir = '/etc/apt', env = process.env): string | undefined {
  if (env.DLMATRIX_DEBIAN_MIRROR) return env.DLMATRIX_DEBIAN_MIRROR;
  const sources: AptSource[] = [];
  const listDir = join(aptDir, 'sources.list.d');
  if (existsSync(listDir)) {
    for (const name of readdirSync(listDir).sort()) {
      const text = readFileSync(join(listDir, name), 'utf8');
      if (name.endsWith('.sources')) sources.push(...parseDeb822Sources(text));
      else if (name.endsWith('.list')) sources.push(...parseOneLineSources(text));
    }
  }
  const mainList = join(aptDir, 'sources.list');
  if (existsSync(mainList)) sources.push(...parseOneLineSources(readFileSync(mainList, 'utf8')));
  const isRegularSuite = (suite: string) => !/-(security|updates|backports|proposed-updates)$/.test(suite);
  return sources.find((s) => s.components.includes('main') && s.suites.some(isRegularSuite))?.uri;
}
