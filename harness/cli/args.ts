// Strict option parsing for every command: unknown options and missing values are usage errors,
// an unknown option with the one meant (`--jbos`: did you mean --jobs?).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { closest } from '../matrix/suggest.ts';

export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;

export function parseCommandArgs<T extends Options>(command: string, argv: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals });
  } catch (err) {
    const message = (err as Error).message.replace(/\. To specify a positional.*$/s, '');
    const unknown = /^Unknown option '--([^'=]+)/.exec(message)?.[1];
    const guess = unknown === undefined ? undefined : closest(unknown, [...Object.keys(options), 'help']);
    const suggestion = guess === undefined ? '' : `; did you mean --${guess}?`;
    throw new UsageError(`${message}${suggestion}\nRun \`dlmatrix ${command} --help\` for the options.`);
  }
}

export function positiveInteger(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new UsageError(`--${name} expects a positive integer, got "${value}"`);
  return number;
}

export function nonNegativeInteger(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) throw new UsageError(`--${name} expects an integer >= 0, got "${value}"`);
  return number;
}
