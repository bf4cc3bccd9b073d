// Images shared between machines and CI jobs through a registry (--cache-registry REPO): before
// an image is built it is looked up there by its content-hash tag, and after it is built it is
// pushed, so that no two jobs build the same thing. dlmatrix/env:TAG is kept as REPO/env:TAG
// (and so for toolchain and base). A registry that cannot be reached costs a warning, not the run.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ImageStore, RegistryAuth } from './container-client.ts';

export class RegistryCache {
  private unreachable?: string;
  private readonly auth?: RegistryAuth;

  constructor(
    private readonly client: ImageStore,
    /** e.g. localhost:5000/dlmatrix or ghcr.io/me/dlmatrix-cache */
    readonly repository: string,
    private readonly log: (line: string) => void,
    dockerConfig = join(process.env.DOCKER_CONFIG ?? join(homedir(), '.docker'), 'config.json'),
  ) {
    this.auth = registryAuth(registryHost(repository), dockerConfig, log);
  }

  /** dlmatrix/env:TAG -> REPOSITORY/env:TAG */
  remote(ref: string): string {
    return `${this.repository.replace(/\/+$/, '')}/${ref.replace(/^dlmatrix\//, '')}`;
  }

  /** Pulls the image into the engine under its local name; false when the registry lacks it. */
  async pull(ref: string): Promise<boolean> {
    if (this.unreachable) return false;
    const remote = this.remote(ref);
    try {
      await this.client.pullImageWithAuth(remote, this.auth);
    } catch (error) {
      const message = String((error as Error)?.message ?? error);
      if (!/manifest unknown|not found|404/i.test(message)) this.giveUp(message);
      return false;
    }
    await this.client.tagImage(remote, ref);
    this.log(`pulled ${ref} from ${this.repository}`);
    return true;
  }

  /**
   * An image this engine already had: pushed too when the registry lacks it, so that the next
   * job finds everything this one used, not only what it built.
   */
  async share(ref: string): Promise<void> {
    if (this.unreachable) return;
    try {
      if (await this.client.registryHasImage(this.remote(ref), this.auth)) return;
    } catch (error) {
      return this.giveUp(String((error as Error)?.message ?? error));
    }
    await this.push(ref);
  }

  /** Pushes a built image; a failure is only a warning (the run has its image). */
  async push(ref: string): Promise<void> {
    if (this.unreachable) return;
    const remote = this.remote(ref);
    try {
      await this.client.tagImage(ref, remote);
      await this.client.pushImage(remote, this.auth);
      this.log(`pushed ${ref} to ${this.repository}`);
    } catch (error) {
      this.giveUp(String((error as Error)?.message ?? error));
    }
  }

  private giveUp(message: string): void {
    if (this.unreachable) return;
    this.unreachable = message;
    this.log(`warning: the cache registry ${this.repository} cannot be used (${message.split('\n')[0]}); building without it`);
  }
}

/** The host part of an image name: `ghcr.io` in `ghcr.io/me/x`; Docker Hub when there is none. */
export function registryHost(repository: string): string {
  const first = repository.split('/')[0];
  return repository.includes('/') && /[.:]|^localhost$/.test(first) ? first : 'docker.io';
}

interface DockerConfig {
  auths?: Record<string, { auth?: string; identitytoken?: string }>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

/**
 * The credentials the Docker CLI would use for HOST, looked up as it does: the host's credential
 * helper (`credHelpers`, e.g. ecr-login, gcloud), else the config's store (`credsStore`), else
 * what `docker login` wrote into `auths`. A helper that fails is a warning: the registry is then
 * tried without credentials.
 */
export function registryAuth(host: string, configFile: string, warn: (line: string) => void = () => {}): RegistryAuth | undefined {
  let config: DockerConfig;
  try {
    config = JSON.parse(readFileSync(configFile, 'utf8')) as DockerConfig;
  } catch {
    return undefined;
  }
  const sameHost = (key: string) => key.replace(/^https?:\/\//, '').replace(/\/.*$/, '') === host || (host === 'docker.io' && /(^|\/)index\.docker\.io(\/|$)/.test(key));
  const helper = Object.entries(config.credHelpers ?? {}).find(([key]) => sameHost(key))?.[1] ?? config.credsStore;
  if (helper) return fromHelper(helper, host, warn);
  const entry = Object.entries(config.auths ?? {}).find(([key]) => sameHost(key))?.[1];
  if (entry?.identitytoken) return { serveraddress: host, identitytoken: entry.identitytoken };
  if (!entry?.auth) return undefined;
  const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1), serveraddress: host };
}

/** `docker-credential-NAME get`, the server on stdin, `{"Username", "Secret"}` on stdout (docker-credential-helpers' protocol). */
function fromHelper(name: string, host: string, warn: (line: string) => void): RegistryAuth | undefined {
  const program = `docker-credential-${name}`;
  const server = host === 'docker.io' ? 'https://index.docker.io/v1/' : host;
  const answer = spawnSync(program, ['get'], { input: server, encoding: 'utf8', timeout: 30_000 });
  if (answer.error || answer.status !== 0) {
    const why = answer.error ? answer.error.message : (answer.stdout || answer.stderr).trim().split('\n')[0];
    // The helpers answer "credentials not found in native keychain" for a host they hold nothing for.
    if (!/credentials not found/i.test(why ?? '')) warn(`warning: the credential helper ${program} gave no credentials for ${server} (${why}); trying the cache registry without them`);
    return undefined;
  }
  try {
    const { Username, Secret } = JSON.parse(answer.stdout) as { Username?: string; Secret?: string };
    if (!Secret) return undefined;
    return Username === '<token>' ? { serveraddress: host, identitytoken: Secret } : { serveraddress: host, username: Username ?? '', password: Secret };
  } catch {
    warn(`warning: the credential helper ${program} answered something that is not its JSON; trying the cache registry without credentials`);
    return undefined;
  }
}
