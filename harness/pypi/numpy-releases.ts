// NumPy's releases as the matrix needs them: does a pinned version exist at all (a typo must be an
// error, not a skip), which release `latest` and `oldest` mean for an environment's Python, and
// whether a pin has a wheel for it (if not, the combination cannot exist: skipped, with why).
import type { ProjectIndex } from './package-index.ts';
import { compareVersions, isFinal, nearestVersions } from './versions.ts';
import { parseWheelName, wheelFits, type LinuxTarget } from './wheel-tags.ts';

export type Resolution = { version: string } | { skip: string };

export class NumpyReleases {
  /** Every version with a file on the index (yanked files excluded). */
  readonly versions: string[];

  constructor(private readonly index: ProjectIndex) {
    const versions = new Set<string>();
    for (const file of index.files) {
      if (file.yanked) continue;
      const version = parseWheelName(file.filename)?.version ?? /^numpy-(.+?)\.(tar\.gz|zip)$/.exec(file.filename)?.[1];
      if (version) versions.add(version);
    }
    this.versions = [...versions].sort(compareVersions);
  }

  has(version: string): boolean {
    return this.versions.includes(version);
  }

  /** Existing releases near a version that does not exist, for "did you mean". */
  nearest(version: string): string[] {
    return nearestVersions(version, this.versions);
  }

  /** `latest`, `oldest` or an existing release, for an environment. */
  resolve(request: string, target: LinuxTarget): Resolution {
    const fitting = this.fittingVersions(target);
    const where = `CPython ${pythonMinor(target.python)} on Linux ${target.arch} (glibc ${target.glibc})`;
    if (request === 'latest' || request === 'oldest') {
      const finals = fitting.filter(isFinal);
      if (finals.length === 0) return { skip: `PyPI has no NumPy release with a wheel for ${where}` };
      return { version: request === 'latest' ? finals.at(-1)! : finals[0] };
    }
    if (fitting.includes(request)) return { version: request };
    const pythons = this.wheelPythons(request);
    const has = pythons.length ? `; its wheels are for CPython ${pythons.join(', ')}` : '';
    return { skip: `PyPI has no NumPy ${request} wheel for ${where}${has}` };
  }

  private fittingVersions(target: LinuxTarget): string[] {
    const versions = new Set<string>();
    for (const file of this.index.files) {
      const tags = file.yanked ? undefined : parseWheelName(file.filename);
      if (tags && wheelFits(tags, target)) versions.add(tags.version);
    }
    return [...versions].sort(compareVersions);
  }

  /** "3.10, 3.11, 3.12": the CPython versions a release has Linux wheels for. */
  private wheelPythons(version: string): string[] {
    const pythons = new Set<string>();
    for (const file of this.index.files) {
      const tags = parseWheelName(file.filename);
      if (tags?.version !== version || !tags.platforms.some((p) => p.startsWith('manylinux'))) continue;
      for (const p of tags.pythons) {
        const m = /^cp(\d)(\d+)$/.exec(p);
        if (m) pythons.add(`${m[1]}.${m[2]}`);
      }
    }
    return [...pythons].sort(compareVersions);
  }
}

function pythonMinor(version: string): string {
  return version.split('.').slice(0, 2).join('.');
}
