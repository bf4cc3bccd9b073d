// PEP 440 versions, as far as ordering NumPy's releases needs: release segments, pre-releases
// (a, b, rc), post and dev releases. https://peps.python.org/pep-0440/
export interface ParsedVersion {
  release: number[];
  /** ['a'|'b'|'rc', n] for a pre-release. */
  pre?: [string, number];
  post?: number;
  dev?: number;
}

const PATTERN = /^v?(\d+(?:\.\d+)*)(?:[-_.]?(a|alpha|b|beta|c|rc|pre|preview)[-_.]?(\d*))?(?:(?:-(\d+))|(?:[-_.]?(?:post|rev|r)[-_.]?(\d*)))?(?:[-_.]?dev[-_.]?(\d*))?$/i;
const PRE_NAMES: Record<string, string> = { alpha: 'a', a: 'a', beta: 'b', b: 'b', c: 'rc', rc: 'rc', pre: 'rc', preview: 'rc' };
const PRE_ORDER: Record<string, number> = { a: 0, b: 1, rc: 2 };

export function parseVersion(text: string): ParsedVersion | undefined {
  const m = PATTERN.exec(text.trim());
  if (!m) return undefined;
  return {
    release: m[1].split('.').map(Number),
    ...(m[2] && { pre: [PRE_NAMES[m[2].toLowerCase()], Number(m[3] || 0)] as [string, number] }),
    ...((m[4] !== undefined || m[5] !== undefined) && { post: Number(m[4] ?? m[5] ?? 0) }),
    ...(m[6] !== undefined && { dev: Number(m[6] || 0) }),
  };
}

/** A final release: not a pre-release and not a development release. */
export function isFinal(text: string): boolean {
  const v = parseVersion(text);
  return v !== undefined && !v.pre && v.dev === undefined;
}

/** Negative, zero or positive as a orders before, with or after b. */
export function compareVersions(a: string, b: string): number {
  const x = parseVersion(a);
  const y = parseVersion(b);
  if (!x || !y) return a < b ? -1 : a > b ? 1 : 0;
  const length = Math.max(x.release.length, y.release.length);
  for (let i = 0; i < length; i++) {
    const d = (x.release[i] ?? 0) - (y.release[i] ?? 0);
    if (d !== 0) return d;
  }
  // 1.0.dev1 < 1.0a1 < 1.0 < 1.0.post1
  const rank = (v: ParsedVersion) => (v.pre ? PRE_ORDER[v.pre[0]] : v.dev !== undefined && v.post === undefined ? -1 : 3);
  const r = rank(x) - rank(y);
  if (r !== 0) return r;
  if (x.pre && y.pre && x.pre[1] !== y.pre[1]) return x.pre[1] - y.pre[1];
  const post = (x.post ?? -1) - (y.post ?? -1);
  if (post !== 0) return post;
  return (x.dev ?? Infinity) - (y.dev ?? Infinity);
}

/** Up to `count` existing versions nearest to a wanted one (same leading segments first). */
export function nearestVersions(wanted: string, versions: readonly string[], count = 3): string[] {
  const w = parseVersion(wanted)?.release ?? [];
  const score = (v: string) => {
    const r = parseVersion(v)?.release ?? [];
    let common = 0;
    while (common < w.length && r[common] === w[common]) common++;
    const next = Math.abs((r[common] ?? 0) - (w[common] ?? 0));
    return [-common, next] as const;
  };
  return [...versions]
    .filter(isFinal)
    .map((v) => ({ v, s: score(v) }))
    .sort((a, b) => a.s[0] - b.s[0] || a.s[1] - b.s[1] || compareVersions(b.v, a.v))
    .slice(0, count)
    .map(({ v }) => v)
    .sort(compareVersions);
}
