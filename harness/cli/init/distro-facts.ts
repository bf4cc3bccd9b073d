// What each candidate distro offers a build, read from its dlmatrix toolchain image (the one the
// run will build in): its python3 and its cargo. Not a table that ages: forky's python3 moved from
// 3.13 to 3.14, and rustc-web versions move with Debian's point releases.
import type { Manifest, ToolchainManifest } from '../../image/manifest.ts';
import { toolVersion } from '../../cargo/rust-versions.ts';

/** The suites `init` considers (those of the default matrix). */
export const CANDIDATE_DISTROS = ['bullseye', 'bookworm', 'trixie', 'forky'] as const;

export type DistroFacts =
  | { distro: string; status: 'ready'; python: string; cargo: string }
  /** Its toolchain cannot exist or could not be built: a run could not build there either. */
  | { distro: string; status: 'unavailable'; reason: string }
  /** Not looked at (no Docker engine): kept, unchecked. */
  | { distro: string; status: 'unchecked'; reason: string };

/** Finds or builds a distro's toolchain image and returns its manifest (ImageBuilder.toolchainManifest). */
export interface ToolchainSource {
  toolchainManifest(distro: string, python: string): Promise<ToolchainManifest | Extract<Manifest, { status: 'skipped' }>>;
}

export async function readDistroFacts(source: ToolchainSource, distros: readonly string[] = CANDIDATE_DISTROS): Promise<DistroFacts[]> {
  return Promise.all(
    distros.map(async (distro): Promise<DistroFacts> => {
      try {
        const manifest = await source.toolchainManifest(distro, 'system');
        if (manifest.status !== 'ready') return { distro, status: 'unavailable', reason: manifest.skipReason };
        const cargo = toolVersion(manifest.cargo);
        if (!cargo) return { distro, status: 'unavailable', reason: `its toolchain reports cargo as "${manifest.cargo}"` };
        return { distro, status: 'ready', python: manifest.python.version, cargo };
      } catch (error) {
        return { distro, status: 'unavailable', reason: `its toolchain image could not be built: ${String((error as Error).message ?? error).split('\n')[0]}` };
      }
    }),
  );
}

/** When no Docker engine answers: the candidates, unchecked, with why. */
export function uncheckedDistros(reason: string, distros: readonly string[] = CANDIDATE_DISTROS): DistroFacts[] {
  return distros.map((distro) => ({ distro, status: 'unchecked', reason }));
}
