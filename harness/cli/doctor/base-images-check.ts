// Base images come from a registry, or, where none answers, from debootstrap and the Debian mirror
// the host's apt uses (harness/docker/base-image.ts). One of the two must work.
import { existsSync } from 'node:fs';
import { findDebianMirror } from '../../docker/apt-mirror.ts';
import type { Check, CheckResult } from './check.ts';
import type { EngineState } from './engine.ts';
import { aptInstall, type System } from './system.ts';

export interface BaseImagesCheckDeps {
  state: () => Promise<EngineState>;
  /** Whether a registry's API answers at all (any HTTP status, 401 included). */
  registryAnswers?: (url: string) => Promise<boolean>;
  debootstrapInstalled?: () => boolean;
  debianMirror?: () => string | undefined;
  system: System;
}

export function baseImagesCheck(deps: BaseImagesCheckDeps): Check {
  const registryAnswers = deps.registryAnswers ?? registryApiAnswers;
  // base-image.ts needs the scripts folder, not just the command.
  const debootstrapInstalled = deps.debootstrapInstalled ?? (() => existsSync('/usr/share/debootstrap/scripts'));
  const debianMirror = deps.debianMirror ?? (() => findDebianMirror());
  return {
    name: 'base-images',
    async run(): Promise<CheckResult> {
      const state = await deps.state();
      // The engine's mirrors, then its default index; asked from this machine.
      for (const registry of state.ok ? state.info.registries : []) {
        if (await registryAnswers(registry)) return { status: 'ok', what: `registry ${new URL(registry).host} answers: base images are pulled` };
      }
      const none = state.ok ? 'no registry answers' : 'registries not checked (no engine)';
      const mirror = debianMirror();
      if (!debootstrapInstalled()) {
        return {
          status: 'fail',
          what: `${none} and debootstrap is not installed: base images cannot be made`,
          fix: 'sudo apt-get install -y debootstrap (or `docker load` debian:SUITE-slim images); or run `sudo npx dlmatrix doctor --fix`',
        };
      }
      if (!mirror) {
        return {
          status: 'fail',
          what: `${none} and no Debian mirror is configured in /etc/apt for debootstrap`,
          fix: 'set DLMATRIX_DEBIAN_MIRROR to a Debian archive URL, or add a `deb URL SUITE main` source to /etc/apt',
        };
      }
      const what = `${none}; base images are bootstrapped with debootstrap from ${mirror} (from the apt config)`;
      return deps.system.isRoot()
        ? { status: 'ok', what }
        : { status: 'warn', what: `${what}, which needs root`, fix: 'run dlmatrix as root, or `docker load` debian:SUITE-slim images' };
    },
    async fix(log) {
      if (!debootstrapInstalled()) await aptInstall(deps.system, ['debootstrap'], log);
    },
  };
}

/** GET REGISTRY/v2/ (the registry API's root); an unreachable host or a timeout is "no". */
export async function registryApiAnswers(url: string, timeoutMs = 5000): Promise<boolean> {
  try {
    await fetch(new URL('/v2/', url), { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
    return true;
  } catch {
    return false;
  }
}
