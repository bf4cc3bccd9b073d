// A project's files on the Python package index, through the Simple API in its JSON form
// (PEP 691), as pip reads it: PIP_INDEX_URL when set, else PyPI, through pip's proxy variables
// (proxy-fetch.ts). Cached on disk, because a matrix asks about NumPy once per environment and
// the answer changes at most with a release: a cached copy is used for a day (or until
// --refresh), and a stale one when the index cannot be reached.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { proxyAwareFetch } from './proxy-fetch.ts';

/** A GET as fetch() does it (proxyAwareFetch by default; tests pass their own). */
export type Fetcher = (url: string, init: { headers: Record<string, string>; signal: AbortSignal }) => Promise<Response>;

export interface IndexFile {
  filename: string;
  yanked: boolean;
}

export interface ProjectIndex {
  project: string;
  /** Where it was read, and when (ISO time). */
  source: string;
  fetchedAt: string;
  files: IndexFile[];
  /** True when the index could not be reached and an older copy is used. */
  stale?: boolean;
}

export interface IndexOptions {
  indexUrl?: string;
  cacheDir?: string;
  /** Read the index even if a fresh copy is cached. */
  refresh?: boolean;
  maxAgeMs?: number;
  fetch?: Fetcher;
  now?: () => number;
}

export class PackageIndexError extends Error {}

const DAY_MS = 24 * 60 * 60 * 1000;
const TIMEOUT_MS = 30_000;

export function defaultCacheDir(env = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'dlmatrix');
}

export async function projectIndex(project: string, options: IndexOptions = {}): Promise<ProjectIndex> {
  const now = options.now ?? Date.now;
  const indexUrl = (options.indexUrl ?? process.env.PIP_INDEX_URL ?? 'https://pypi.org/simple').replace(/\/+$/, '');
  const cacheFile = join(options.cacheDir ?? defaultCacheDir(), 'pypi', `${project}.json`);
  const cached = readCache(cacheFile, indexUrl);
  const fresh = cached && now() - Date.parse(cached.fetchedAt) < (options.maxAgeMs ?? DAY_MS);
  if (cached && fresh && !options.refresh) return cached;
  try {
    const index = await fetchIndex(project, indexUrl, options.fetch ?? ((url, init) => proxyAwareFetch(url, init)), now);
    writeCache(cacheFile, index);
    return index;
  } catch (error) {
    if (cached) return { ...cached, stale: true };
    throw new PackageIndexError(`cannot read ${project} from ${indexUrl}: ${(error as Error).message}`);
  }
}

async function fetchIndex(project: string, indexUrl: string, fetchFn: Fetcher, now: () => number): Promise<ProjectIndex> {
  const url = `${indexUrl}/${project}/`;
  const response = await fetchFn(url, {
    headers: { Accept: 'application/vnd.pypi.simple.v1+json, text/html;q=0.1' },
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  if (!response.ok) throw new Error(`${url} answered ${response.status} ${response.statusText}`);
  const type = response.headers.get('content-type') ?? '';
  const body = await response.text();
  const files = type.includes('json') ? jsonFiles(body) : htmlFiles(body);
  return { project, source: indexUrl, fetchedAt: new Date(now()).toISOString(), files };
}

function jsonFiles(body: string): IndexFile[] {
  const data = JSON.parse(body) as { files?: Array<{ filename?: unknown; yanked?: unknown }> };
  return (data.files ?? []).flatMap((f) => (typeof f.filename === 'string' ? [{ filename: f.filename, yanked: Boolean(f.yanked) }] : []));
}

/** The HTML form (PEP 503), for indexes that do not speak JSON. */
function htmlFiles(body: string): IndexFile[] {
  return [...body.matchAll(/<a\s([^>]*)>([^<]+)<\/a>/gi)].map((m) => ({ filename: m[2].trim(), yanked: /data-yanked/i.test(m[1]) }));
}

function readCache(file: string, source: string): ProjectIndex | undefined {
  try {
    const index = JSON.parse(readFileSync(file, 'utf8')) as ProjectIndex;
    return index.source === source && Array.isArray(index.files) ? index : undefined;
  } catch {
    return undefined;
  }
}

function writeCache(file: string, index: ProjectIndex): void {
  try {
    mkdirSync(join(file, '..'), { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(index));
    renameSync(temp, file);
  } catch {
    // A cache that cannot be written only costs a download next time.
  }
}
