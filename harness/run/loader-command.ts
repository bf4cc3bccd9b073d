// How each loader is invoked inside an environment's container (paths set by docker/scripts/).
import type { LoadMode } from '../matrix/flags.ts';
import type { EnvironmentFacts } from './environment-facts.ts';

export const FIXTURE_LIBRARY = '/opt/dlmatrix/lib/libdlmatrix_fixture.so';
const BIN = '/opt/dlmatrix/bin';
const NODE_LOADER = '/opt/dlmatrix/loaders/node/loader.mjs';

export type LoaderInvocation = { command: string[] } | { skip: string };

/** Native loaders: a dlopen() executable and one linked against the fixture at build time. */
const NATIVE_LOADERS: Record<string, { dlopen: string; linked: string }> = {
  c: { dlopen: `${BIN}/loader-c`, linked: `${BIN}/loader-c-linked` },
  rust: { dlopen: `${BIN}/loader-rust`, linked: `${BIN}/loader-rust-linked` },
};

export function loaderCommand(loader: string, mode: LoadMode, imports: string[], facts: EnvironmentFacts): LoaderInvocation {
  const modules = imports.join(',');
  const flags = mode.kind === 'dlopen' ? mode.flags.join('|') : '';
  const native = NATIVE_LOADERS[loader];
  if (native) return { command: mode.kind === 'linked' ? [native.linked, modules] : [native.dlopen, FIXTURE_LIBRARY, flags, modules] };
  if (loader === 'node') {
    if (facts.unavailableNode) return { skip: facts.unavailableNode };
    if (mode.kind === 'linked') return { skip: 'Node.js cannot link a library at build time: koffi always loads it at run time' };
    return { command: ['node', NODE_LOADER, FIXTURE_LIBRARY, flags, modules] };
  }
  return { skip: `unknown loader "${loader}"` };
}

/** Runs the loader under coreutils `timeout`, which kills it (TERM, then KILL) and exits 124. */
export function withTimeout(command: string[], timeoutSeconds: number): string[] {
  return ['timeout', '-k', '5', String(timeoutSeconds), ...command];
}
export const TIMEOUT_EXIT_CODE = 124;
