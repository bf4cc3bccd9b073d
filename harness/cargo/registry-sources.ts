// Where cargo keeps the sources of the crates it downloaded: $CARGO_HOME/registry/src/<index>/
// <name>-<version>/ (CARGO_HOME defaults to ~/.cargo). What a crate declares about itself (its
// build script, its rust-version) is read there, from the very release a project locks.
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export function cargoHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.CARGO_HOME || join(homedir(), '.cargo');
}

/** The unpacked source folder of a registry crate, or undefined when cargo has not fetched it. */
export function registrySource(name: string, version: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const src = join(cargoHome(env), 'registry', 'src');
  if (!existsSync(src)) return undefined;
  for (const index of readdirSync(src).sort()) {
    const dir = join(src, index, `${name}-${version}`);
    if (existsSync(join(dir, 'Cargo.toml'))) return dir;
  }
  return undefined;
}
