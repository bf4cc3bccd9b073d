// The `flags` axis: how a loader opens the library. Either `linked` (the library is a link-time
// dependency, so the dynamic linker loads it at start-up), a dlopen(3) flag set such as
// `RTLD_LOCAL|RTLD_NOW`, or `own` (a host program that takes no {flags} opens it its own way).
// Parsing here rejects sets dlopen would reject or silently misread, so a
// typo fails when the matrix is loaded rather than as a confusing cell result.

import { editDistance } from './suggest.ts';

export const DLOPEN_FLAG_NAMES = [
  'RTLD_LOCAL',
  'RTLD_GLOBAL',
  'RTLD_NOW',
  'RTLD_LAZY',
  'RTLD_DEEPBIND',
] as const;
export type DlopenFlagName = (typeof DLOPEN_FLAG_NAMES)[number];

export const LINKED = 'linked';
export const OWN = 'own';

export type LoadMode = { kind: 'linked' } | { kind: 'own' } | { kind: 'dlopen'; flags: DlopenFlagName[] };

/** A flags value that cannot be used; `hint` says what would be valid. */
export class FlagSyntaxError extends Error {
  readonly hint: string;
  constructor(message: string, hint: string) {
    super(message);
    this.name = 'FlagSyntaxError';
    this.hint = hint;
  }
}

const VALID = `valid: ${DLOPEN_FLAG_NAMES.join(', ')} joined with |, or \`${LINKED}\` or \`${OWN}\` alone`;
const EXAMPLE = 'e.g. "RTLD_LOCAL|RTLD_NOW"';

function isFlagName(name: string): name is DlopenFlagName {
  return (DLOPEN_FLAG_NAMES as readonly string[]).includes(name);
}

/** The name the user most likely meant, for "did you mean" hints. */
function suggestFlag(name: string): string | undefined {
  const upper = name.toUpperCase();
  if (upper === LINKED.toUpperCase()) return LINKED;
  if (isFlagName(upper)) return upper; // wrong case: rtld_now
  if (isFlagName(`RTLD_${upper}`)) return `RTLD_${upper}`; // prefix forgotten: NOW
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of [...DLOPEN_FLAG_NAMES, LINKED.toUpperCase()]) {
    const distance = editDistance(upper, candidate);
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  if (best === LINKED.toUpperCase()) best = LINKED;
  return bestDistance <= 2 ? best : undefined;
}

/**
 * Parse a flags value: `linked`, or dlopen flag names joined with `|` (spaces around `|` are
 * allowed). Throws FlagSyntaxError for anything dlopen(3) would not accept as meant.
 */
export function parseFlags(spec: string): LoadMode {
  const trimmed = spec.trim();
  if (trimmed === '') throw new FlagSyntaxError('empty flags value', `${VALID}; ${EXAMPLE}`);

  if (trimmed === OWN) return { kind: 'own' };
  const names = trimmed.split('|').map((part) => part.trim());
  if (names.some((name) => name === '')) {
    throw new FlagSyntaxError(
      `empty flag name in "${spec}"`,
      `write names separated by a single |, ${EXAMPLE}`,
    );
  }

  if (names.includes(LINKED)) {
    if (names.length === 1) return { kind: 'linked' };
    throw new FlagSyntaxError(
      `\`${LINKED}\` cannot be combined with other flags in "${spec}"`,
      `\`${LINKED}\` means no dlopen() call at all; use \`${LINKED}\` alone or only RTLD_* names`,
    );
  }

  const flags: DlopenFlagName[] = [];
  for (const name of names) {
    if (!isFlagName(name)) {
      const guess = suggestFlag(name);
      const prefix = guess === undefined ? '' : `did you mean ${guess}? `;
      throw new FlagSyntaxError(`unknown flag name "${name}"`, `${prefix}${VALID}`);
    }
    // A repeated name is harmless to dlopen but makes two spellings of one cell.
    if (flags.includes(name)) {
      throw new FlagSyntaxError(`flag ${name} is repeated in "${spec}"`, 'write each flag once');
    }
    flags.push(name);
  }

  // RTLD_LOCAL is 0 in glibc: OR-ing it with RTLD_GLOBAL silently yields GLOBAL.
  if (flags.includes('RTLD_LOCAL') && flags.includes('RTLD_GLOBAL')) {
    throw new FlagSyntaxError(
      `RTLD_LOCAL and RTLD_GLOBAL are exclusive in "${spec}"`,
      'keep one of them (RTLD_LOCAL is the default when neither is given)',
    );
  }
  // dlopen(3): "One of the following two values must be included in flags".
  const bindings = flags.filter((f) => f === 'RTLD_NOW' || f === 'RTLD_LAZY');
  if (bindings.length === 2) {
    throw new FlagSyntaxError(
      `RTLD_NOW and RTLD_LAZY are exclusive in "${spec}"`,
      'dlopen(3) needs exactly one of RTLD_NOW or RTLD_LAZY; keep one',
    );
  }
  if (bindings.length === 0) {
    throw new FlagSyntaxError(
      `"${spec}" has neither RTLD_NOW nor RTLD_LAZY`,
      `dlopen(3) needs exactly one of them; add |RTLD_NOW or |RTLD_LAZY, ${EXAMPLE}`,
    );
  }
  return { kind: 'dlopen', flags };
}

/** The one text form of a dlopen flag set that the loaders read from their command line. */
export function formatFlags(flags: readonly DlopenFlagName[]): string {
  return flags.join('|');
}
