// Where CPython release tarballs come from, verified before anything is built from them:
//   1. the upstream URL template (python.org by default, or a mirror the matrix names), checked
//      against a hash from a signed or pinned source;
//   2. where that does not answer (no route to python.org, as on closed CI networks), Debian's
//      archive on the host's apt mirror, which holds the identical upstream tarballs.
// The hashes: Debian's Sources indexes (signed through InRelease, debian-sources.ts) and the
// matrix's own pins (options.python-sources.sha256). A tarball matching neither is never used.
// Which versions exist: those the archive's suites hold, plus the pinned ones. `system` on a
// distro is its python3's X.Y, as the archive's python3-defaults says, at the suite's release.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { proxyAwareFetch } from '../pypi/proxy-fetch.ts';
import { readSuite, type ArchiveRelease, type SuiteReleases } from './debian-sources.ts';

export const PYTHON_ORG_TEMPLATE = 'https://www.python.org/ftp/python/{version}/Python-{version}.tar.xz';
/** The Debian suites whose archive is searched for CPython releases. */
export const ARCHIVE_SUITES = ['bullseye', 'bookworm', 'trixie', 'forky', 'sid'] as const;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Bump when what is cached of the archive changes shape or meaning: older caches are read anew. */
const ARCHIVE_CACHE_VERSION = 2;
const TIMEOUT_MS = 60_000;

export interface CpythonSourceOptions {
  /** The Debian mirror the host's apt uses (undefined: no archive fallback). */
  mirror?: string;
  /** Upstream URL template with {version} (python.org by default). */
  urlTemplate?: string;
  /** version -> sha256 the matrix pins (a pinned source of hashes besides the archive). */
  pins?: Readonly<Record<string, string>>;
  cacheDir: string;
  /** Read the archive's indexes now, not from the day-old cache. */
  refresh?: boolean;
  fetchBytes?: (url: string) => Promise<Buffer>;
  keyring?: string;
  log?: (line: string) => void;
}

export interface CpythonTarball {
  version: string;
  tarball: string;
  sha256: string;
  url: string;
}

/** A `python` value no source offers: a matrix error, with what is available. */
export class CpythonVersionError extends Error {
  constructor(
    message: string,
    readonly available: string[],
  ) {
    super(message);
  }
}

/** No source could deliver a release's tarball (as opposed to one that delivered wrong bytes). */
export class TarballUnavailableError extends Error {}

export class CpythonSources {
  private suites?: Promise<SuiteReleases[]>;
  private readonly tarballs = new Map<string, Promise<CpythonTarball>>();

  constructor(private readonly options: CpythonSourceOptions) {}

  /** Every version some source offers, newest first. */
  async versions(): Promise<string[]> {
    const archive = (await this.archive()).flatMap((suite) => suite.releases.map((r) => r.version));
    return [...new Set([...archive, ...Object.keys(this.options.pins ?? {})])].sort(compareVersions).reverse();
  }

  /** The X.Y.Z a `python` value means on a distro: system (its python3), X.Y (the newest X.Y.Z offered) or X.Y.Z. */
  async version(distro: string, request: string): Promise<string> {
    const versions = await this.versions();
    if (request === 'system') {
      const suite = (await this.archive()).find((s) => s.suite === distro);
      const minor = suite?.defaultMinor;
      const release = suite?.releases.filter((r) => minorOf(r.version) === minor).sort((a, b) => compareVersions(a.version, b.version)).at(-1);
      if (!release) throw new CpythonVersionError(`the archive does not say which CPython ${distro} ships (no python3-defaults and python3.X source there)`, versions);
      return release.version;
    }
    if (/^\d+\.\d+$/.test(request)) {
      const newest = versions.find((v) => minorOf(v) === request);
      if (!newest) throw new CpythonVersionError(`no source offers a CPython ${request} release`, versions);
      return newest;
    }
    if (!versions.includes(request)) throw new CpythonVersionError(`no source offers CPython ${request}`, versions);
    return request;
  }

  /**
   * The release tarball, downloaded once into the cache and verified. For X.Y, the newest release
   * that can really be downloaded: an index may list a release its mirror does not hold (yet).
   */
  async release(distro: string, request: string): Promise<CpythonTarball> {
    const newest = await this.version(distro, request);
    if (!/^\d+\.\d+$/.test(request)) return this.tarball(newest);
    const candidates = (await this.versions()).filter((v) => minorOf(v) === request);
    const problems: string[] = [];
    for (const version of candidates) {
      try {
        const tarball = await this.tarball(version);
        if (problems.length > 0) this.options.log?.(`CPython ${request}: ${problems.join('; ')}; using ${version}`);
        return tarball;
      } catch (error) {
        if (!(error instanceof TarballUnavailableError)) throw error;
        problems.push(`${version} is listed but cannot be downloaded`);
      }
    }
    throw new Error(`no CPython ${request} release can be downloaded: ${problems.join('; ')}`);
  }

  private tarball(version: string): Promise<CpythonTarball> {
    let pending = this.tarballs.get(version);
    if (!pending) {
      pending = this.fetchTarball(version);
      this.tarballs.set(version, pending);
    }
    return pending;
  }

  private async fetchTarball(version: string): Promise<CpythonTarball> {
    const archived = (await this.archive()).flatMap((s) => s.releases).find((r) => r.version === version);
    const sha256 = this.options.pins?.[version] ?? archived?.sha256;
    if (!sha256) throw new CpythonVersionError(`no signed or pinned hash for CPython ${version}: pin it in options.python-sources.sha256`, await this.versions());
    // Older suites keep upstream's .tgz, whose hash is not the .tar.xz's: ask upstream for the same file.
    const gz = archived?.format === 'gz' && !this.options.pins?.[version];
    const file = join(this.options.cacheDir, 'cpython', `Python-${version}.${gz ? 'tgz' : 'tar.xz'}`);
    const template = this.options.urlTemplate ?? PYTHON_ORG_TEMPLATE;
    const upstream = (gz ? template.replace(/\.tar\.xz$/, '.tgz') : template).replaceAll('{version}', version);
    if (existsSync(file) && sha256Of(readFileSync(file)) === sha256) return { version, tarball: file, sha256, url: this.recordedUrl(file) ?? upstream };
    const candidates = [upstream, ...(archived && this.options.mirror ? [`${this.options.mirror.replace(/\/+$/, '')}/${archived.path}`] : [])];
    const problems: string[] = [];
    for (const url of candidates) {
      let bytes: Buffer;
      try {
        bytes = await this.fetchBytes(url);
      } catch (error) {
        problems.push(`${url}: ${(error as Error).message}`);
        continue;
      }
      const actual = sha256Of(bytes);
      // A mismatch is never built: it is an error, whatever the other sources say.
      if (actual !== sha256) throw new Error(`${url} does not match the verified hash of CPython ${version} (sha256 ${actual}, expected ${sha256}): not using it`);
      mkdirSync(join(this.options.cacheDir, 'cpython'), { recursive: true });
      writeFileSync(`${file}.part`, bytes);
      renameSync(`${file}.part`, file);
      writeFileSync(`${file}.url`, url);
      if (url !== upstream) this.options.log?.(`CPython ${version}: ${upstream} did not answer; using the identical tarball from the Debian archive`);
      return { version, tarball: file, sha256, url };
    }
    throw new TarballUnavailableError(`cannot download CPython ${version}: ${problems.join('; ')}`);
  }

  private recordedUrl(file: string): string | undefined {
    try {
      return readFileSync(`${file}.url`, 'utf8').trim() || undefined;
    } catch {
      return undefined;
    }
  }

  private archive(): Promise<SuiteReleases[]> {
    this.suites ??= this.readArchive();
    return this.suites;
  }

  private async readArchive(): Promise<SuiteReleases[]> {
    const { mirror } = this.options;
    if (!mirror) return [];
    const cacheFile = join(this.options.cacheDir, 'cpython', 'debian-archive.json');
    const read = readJson<{ version?: number; mirror: string; fetchedAt: string; suites: SuiteReleases[] }>(cacheFile);
    const cached = read?.version === ARCHIVE_CACHE_VERSION && read.mirror === mirror ? read : undefined;
    if (cached && !this.options.refresh && Date.now() - Date.parse(cached.fetchedAt) < DAY_MS) return cached.suites;
    const suites: SuiteReleases[] = [];
    for (const suite of ARCHIVE_SUITES) {
      try {
        suites.push(await readSuite(mirror, suite, (url) => this.fetchBytes(url), this.options.keyring));
      } catch (error) {
        this.options.log?.(`CPython releases of ${suite}: ${(error as Error).message}`);
      }
    }
    if (suites.length > 0) {
      mkdirSync(join(this.options.cacheDir, 'cpython'), { recursive: true });
      writeFileSync(cacheFile, JSON.stringify({ version: ARCHIVE_CACHE_VERSION, mirror, fetchedAt: new Date().toISOString(), suites }));
    } else if (cached) return cached.suites;
    return suites;
  }

  private async fetchBytes(url: string): Promise<Buffer> {
    if (this.options.fetchBytes) return this.options.fetchBytes(url);
    const response = await proxyAwareFetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    if (!response.ok) throw new Error(`answered ${response.status} ${response.statusText}`);
    return Buffer.from(await response.arrayBuffer());
  }
}

export type { ArchiveRelease };

function sha256Of(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

const minorOf = (version: string) => /^(\d+\.\d+)/.exec(version)?.[1];

/** Orders 3.9.2 < 3.13.5 < 3.15.0a1 < 3.15.0 numerically. */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const [, main = '', pre = '', preNumber = ''] = /^([\d.]+)(?:(a|b|rc)(\d+))?$/.exec(v) ?? [];
    return { parts: main.split('.').map(Number), pre: pre ? ['a', 'b', 'rc'].indexOf(pre) : 3, preNumber: Number(preNumber || 0) };
  };
  const x = parse(a);
  const y = parse(b);
  for (let i = 0; i < Math.max(x.parts.length, y.parts.length); i++) {
    const d = (x.parts[i] ?? 0) - (y.parts[i] ?? 0);
    if (d !== 0) return d;
  }
  return x.pre - y.pre || x.preNumber - y.preNumber;
}
