// Image manifests for unit tests: a distro's own toolchain, spelled out once as manifest.py writes
// it (tests spread it and change only what they are about).
import type { ToolchainManifest } from '../image/manifest.ts';

export interface DistroFacts {
  codename: string;
  /** Debian's release number: "12" for bookworm. */
  release: string;
  glibc: string;
  /** The distro's python3, X.Y.Z. */
  python: string;
  rustc: string;
  cargo: string;
}

/** A ready toolchain of the distro's own Python: /usr/bin/python3.X, its shared libpython on the loader's path. */
export function distroToolchain(facts: DistroFacts): ToolchainManifest {
  const minor = facts.python.split('.').slice(0, 2).join('.');
  return {
    schema: 1,
    stage: 'toolchain',
    status: 'ready',
    distro: { id: 'debian', codename: facts.codename, name: `Debian GNU/Linux ${facts.release} (${facts.codename})` },
    glibc: facts.glibc,
    arch: 'x86_64',
    python: {
      request: 'system',
      build: 'distro',
      version: facts.python,
      executable: `/usr/bin/python${minor}`,
      prefix: '/usr',
      onPath: true,
      libpython: { kind: 'shared', path: `/usr/lib/x86_64-linux-gnu/libpython${minor}.so.1.0`, soname: `libpython${minor}.so.1.0`, onLoaderPath: true },
    },
    rustc: `rustc ${facts.rustc}`,
    cargo: `cargo ${facts.cargo}`,
  };
}
