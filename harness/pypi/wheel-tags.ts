// Which wheels of a release install on an environment: the wheel file name's tags
// (https://packaging.python.org/en/latest/specifications/binary-distribution-format/) against the
// environment's CPython version, glibc and CPU, as pip would decide on a Debian system.
export interface WheelTags {
  version: string;
  pythons: string[];
  abis: string[];
  platforms: string[];
}

export interface LinuxTarget {
  /** e.g. "3.11.2" */
  python: string;
  /** e.g. "2.36" */
  glibc: string;
  /** x86_64 or aarch64 */
  arch: string;
}

export function parseWheelName(filename: string): WheelTags | undefined {
  if (!filename.endsWith('.whl')) return undefined;
  const parts = filename.slice(0, -4).split('-');
  if (parts.length !== 5 && parts.length !== 6) return undefined;
  const [, version] = parts;
  const [pythons, abis, platforms] = parts.slice(-3).map((p) => p.split('.'));
  return { version, pythons, abis, platforms };
}

export function wheelFits(tags: WheelTags, target: LinuxTarget): boolean {
  const [major, minor] = target.python.split('.').map(Number);
  const cp = `cp${major}${minor}`;
  const pythonOk = tags.pythons.some((p) => p === cp || p === `py${major}` || p === `py${major}${minor}` || (tags.abis.includes('abi3') && abi3Covers(p, major, minor)));
  // Free-threaded builds (cp313t) need a free-threaded interpreter: Debian's python3 is not one.
  const abiOk = tags.abis.some((a) => a === cp || a === 'none' || a === 'abi3');
  return pythonOk && abiOk && tags.platforms.some((p) => platformFits(p, target));
}

function abi3Covers(pythonTag: string, major: number, minor: number): boolean {
  const m = /^cp(\d)(\d+)$/.exec(pythonTag);
  return m !== null && Number(m[1]) === major && Number(m[2]) <= minor;
}

const LEGACY_MANYLINUX: Record<string, [number, number]> = { manylinux1: [2, 5], manylinux2010: [2, 12], manylinux2014: [2, 17] };

function platformFits(platform: string, target: LinuxTarget): boolean {
  if (platform === 'any') return true;
  const [glibcMajor, glibcMinor] = target.glibc.split('.').map(Number);
  const legacy = /^(manylinux1|manylinux2010|manylinux2014)_(\w+)$/.exec(platform);
  const modern = /^manylinux_(\d+)_(\d+)_(\w+)$/.exec(platform);
  let needs: [number, number];
  let arch: string;
  if (legacy) [needs, arch] = [LEGACY_MANYLINUX[legacy[1]], legacy[2]];
  else if (modern) [needs, arch] = [[Number(modern[1]), Number(modern[2])], modern[3]];
  else return false; // musllinux, macOS, Windows
  return arch === target.arch && (needs[0] < glibcMajor || (needs[0] === glibcMajor && needs[1] <= glibcMinor));
}
