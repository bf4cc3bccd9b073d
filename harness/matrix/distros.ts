// The `distro` axis: Debian suites dlmatrix can build a base image for. A base image is a local
// debian:SUITE-slim, a pulled one, or one bootstrapped with debootstrap from the host's Debian
// mirror, so only suites a mirror serves can work: a typo (`bookwrom`) or another distribution
// (`jammy`, `alpine`) is a matrix error at its value, not a bootstrap failure an hour later.
import { closest } from './suggest.ts';

/** The suites a Debian mirror serves, oldest first, with what each one is. */
export const DEBIAN_SUITES: ReadonlyArray<readonly [suite: string, what: string]> = [
  ['bullseye', 'Debian 11'],
  ['bookworm', 'Debian 12'],
  ['trixie', 'Debian 13'],
  ['forky', 'Debian 14, testing'],
  ['sid', 'unstable'],
];
const SUITE_NAMES = DEBIAN_SUITES.map(([suite]) => suite);

// Names users reach for that are not Debian suites a mirror serves.
const ARCHIVED = /^(buster|stretch|jessie|wheezy|squeeze|lenny)$/i;
const OTHER_SYSTEMS = /^(ubuntu|focal|jammy|noble|oracular|plucky|alpine|fedora|centos|rhel|rocky|alma|arch|amazon|opensuse|musl)/i;

export type DistroCheck = { ok: true } | { ok: false; message: string; hint: string };

export function checkDistro(value: string): DistroCheck {
  if (SUITE_NAMES.includes(value)) return { ok: true };
  const supported = `dlmatrix can bootstrap these Debian suites: ${DEBIAN_SUITES.map(([suite, what]) => `${suite} (${what})`).join(', ')}`;
  const guess = closest(value.trim(), SUITE_NAMES);
  if (guess !== undefined) return { ok: false, message: `unknown distro "${value}"`, hint: `did you mean \`${guess}\`? ${supported}` };
  if (ARCHIVED.test(value)) {
    return { ok: false, message: `Debian ${value} is archived: no Debian mirror serves it any more`, hint: supported };
  }
  if (OTHER_SYSTEMS.test(value)) {
    return {
      ok: false,
      message: `distro "${value}" is not a Debian suite dlmatrix can build`,
      hint: `${supported}; other distributions are not supported`,
    };
  }
  return { ok: false, message: `unknown distro "${value}"`, hint: supported };
}
