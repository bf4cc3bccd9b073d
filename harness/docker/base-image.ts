// The base image of a distro: a local image if one is there, else a pull from a registry, else a
// root filesystem bootstrapped from the host's Debian mirror and imported (no registry needed).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImageStore } from './container-client.ts';
import { findDebianMirror } from './apt-mirror.ts';
import { LABELS } from './labels.ts';
import type { RegistryCache } from './registry-cache.ts';

/** Runs a task when a slot is free (BuildQueue.limiter gives one per stage). */
export type Limiter = <T>(task: () => Promise<T>) => Promise<T>;

export type BaseImageSource = 'local' | 'pulled' | 'bootstrapped';

export interface BaseImage {
  ref: string;
  id: string;
  source: BaseImageSource;
}

/** The registry image a user would pull. */
export const registryImage = (suite: string) => `debian:${suite}-slim`;
/**
 * Where a bootstrapped base image is kept. The suffix names the recipe (slimSystem below): a
 * changed recipe makes a new base instead of reusing one made the old way.
 */
export const bootstrappedImage = (suite: string) => `dlmatrix/base:${suite}-slim2`;

export class BaseImageResolver {
  private readonly pending = new Map<string, Promise<BaseImage>>();

  constructor(
    private readonly client: ImageStore,
    private readonly log: (line: string) => void,
    /** Shared with image builds: a bootstrap is as heavy as a build. */
    private readonly limit: Limiter = (fn) => fn(),
    /** Root filesystem bootstrapper; replaceable in tests. */
    private readonly bootstrap: (suite: string, dir: string, log: (l: string) => void, signal?: AbortSignal) => Promise<void> = debootstrap,
    /** A registry shared by CI jobs: a base bootstrapped once is pulled by the others. */
    private readonly cache?: RegistryCache,
    /** Stops a debootstrap that is running (its root filesystem is removed). */
    private readonly signal?: AbortSignal,
  ) {}

  /** One resolution per suite, shared by every environment of that suite. */
  resolve(suite: string): Promise<BaseImage> {
    let promise = this.pending.get(suite);
    if (!promise) {
      promise = this.resolveUncached(suite);
      this.pending.set(suite, promise);
    }
    return promise;
  }

  /** The base image on this engine, if there is one: nothing is pulled or bootstrapped. */
  async resolveLocal(suite: string): Promise<BaseImage | undefined> {
    for (const ref of [registryImage(suite), bootstrappedImage(suite)]) {
      const local = await this.client.inspectImage(ref);
      if (local) return { ref, id: local.id, source: 'local' };
    }
    return undefined;
  }

  private async resolveUncached(suite: string): Promise<BaseImage> {
    const local = await this.resolveLocal(suite);
    if (local) {
      if (local.ref === bootstrappedImage(suite)) await this.cache?.share(local.ref);
      return local;
    }
    if (this.cache && (await this.cache.pull(bootstrappedImage(suite)))) {
      const cached = await this.client.inspectImage(bootstrappedImage(suite));
      if (cached) return { ref: bootstrappedImage(suite), id: cached.id, source: 'pulled' };
    }
    try {
      this.log(`pulling ${registryImage(suite)}`);
      await this.client.pullImage(registryImage(suite));
      const pulled = await this.client.inspectImage(registryImage(suite));
      if (pulled) return { ref: registryImage(suite), id: pulled.id, source: 'pulled' };
    } catch (err) {
      this.log(`pull of ${registryImage(suite)} failed (${firstLine(err)}); bootstrapping ${suite} from the host's Debian mirror`);
    }
    const base = await this.limit(() => this.bootstrapAndImport(suite));
    await this.cache?.push(base.ref);
    return base;
  }

  private async bootstrapAndImport(suite: string): Promise<BaseImage> {
    if (this.signal?.aborted) throw new Error(`not bootstrapped: the run was stopped`);
    const dir = mkdtempSync(join(tmpdir(), `dlmatrix-rootfs-${suite}-`));
    // A second Ctrl-C exits at once, without `finally`: the root filesystem still goes.
    const removeOnExit = () => rmSync(dir, { recursive: true, force: true });
    process.once('exit', removeOnExit);
    try {
      await this.bootstrap(suite, dir, this.log, this.signal);
      slimSystem(dir);
      const tar = spawn('tar', ['-C', dir, '-c', '.'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let tarErrors = '';
      tar.stderr.on('data', (chunk: Buffer) => (tarErrors += chunk));
      const tarExit = new Promise<number | null>((resolve, reject) => tar.on('error', reject).on('close', resolve));
      const ref = bootstrappedImage(suite);
      await this.client.importImage(tar.stdout, ref, { [LABELS.managed]: 'true', [LABELS.stage]: 'base', [LABELS.distro]: suite });
      // A tar that failed midway would have imported a truncated root filesystem.
      const code = await tarExit;
      if (code !== 0) {
        await this.client.removeImage(ref);
        throw new Error(`archiving the ${suite} root filesystem failed (tar exit ${code}): ${tarErrors.trim()}`);
      }
      const imported = await this.client.inspectImage(ref);
      if (!imported) throw new Error(`import of ${ref} produced no image`);
      return { ref, id: imported.id, source: 'bootstrapped' };
    } finally {
      process.off('exit', removeOnExit);
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

/**
 * What the official debian:SUITE-slim images leave out: the downloaded packages, apt's lists,
 * documentation, manual pages and translations (also of packages installed later, through dpkg's
 * path-exclude). A bootstrapped minbase shrinks from about 200 MB to about 90 MB.
 */
export function slimSystem(root: string): void {
  for (const dir of ['var/cache/apt/archives', 'var/lib/apt/lists', 'usr/share/doc', 'usr/share/man', 'usr/share/locale', 'usr/share/info']) {
    const path = join(root, dir);
    if (!existsSync(path)) continue;
    for (const entry of readdirSync(path)) if (entry !== 'partial' && entry !== 'lock') rmSync(join(path, entry), { recursive: true, force: true });
  }
  for (const file of ['pkgcache.bin', 'srcpkgcache.bin']) rmSync(join(root, 'var/cache/apt', file), { force: true });
  mkdirSync(join(root, 'etc/dpkg/dpkg.cfg.d'), { recursive: true });
  writeFileSync(
    join(root, 'etc/dpkg/dpkg.cfg.d/dlmatrix-slim'),
    ['path-exclude /usr/share/doc/*', 'path-include /usr/share/doc/*/copyright', 'path-exclude /usr/share/man/*', 'path-exclude /usr/share/locale/*', 'path-exclude /usr/share/info/*', ''].join('\n'),
  );
}

/** `debootstrap --variant=minbase SUITE DIR MIRROR`; unreleased suites use the `sid` script. */
export async function debootstrap(suite: string, dir: string, log: (line: string) => void, signal?: AbortSignal): Promise<void> {
  const mirror = findDebianMirror();
  if (!mirror) {
    throw new Error(
      `cannot build a ${suite} base image: no registry answered and no Debian mirror is configured in /etc/apt ` +
        '(set DLMATRIX_DEBIAN_MIRROR, or load a debian image with `docker load`)',
    );
  }
  const scriptDir = '/usr/share/debootstrap/scripts';
  if (!existsSync(scriptDir)) throw new Error(`cannot bootstrap ${suite}: debootstrap is not installed (apt-get install debootstrap)`);
  const args = ['--variant=minbase', suite, dir, mirror];
  if (!existsSync(join(scriptDir, suite))) args.push(join(scriptDir, 'sid'));
  log(`debootstrap ${args.join(' ')}`);
  const output: string[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    // Stopped with the run (Ctrl-C, --fail-fast); killed with dlmatrix when it exits at once.
    const child = spawn('debootstrap', args, { stdio: ['ignore', 'pipe', 'pipe'], signal, killSignal: 'SIGKILL' });
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    child.on('close', () => process.off('exit', killOnExit));
    const collect = (chunk: Buffer) => output.push(...chunk.toString().split('\n').filter(Boolean));
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) {
    throw new Error(`debootstrap of ${suite} failed (exit ${code}): ${decisiveLine(output)}\n${output.slice(-15).join('\n')}`);
  }
}

/**
 * The line of debootstrap's output that says why it failed: its first `E:` line (e.g. "Failed
 * getting release file …/dists/bookwrom/Release"), else its last line. What terminals and
 * reports show first, so it must be the cause, not a guess.
 */
export function decisiveLine(output: readonly string[]): string {
  const error = output.find((line) => line.startsWith('E: '));
  return (error ?? output.at(-1) ?? 'no output').replace(/^E: /, '');
}

function firstLine(err: unknown): string {
  return String((err as Error)?.message ?? err).split('\n')[0];
}
