// `--reporter list,junit,…`: the names `run` and `merge` accept, their defaults, and the one place
// that turns names into reporters (Playwright's model: small reporters behind one interface).
//   terminal: line (live status line), list (a line per cell), dot (a character per cell);
//   files in --out: json (results.json), junit (junit.xml), html (index.html), ctrf (ctrf.json);
//   github: job summary and ::error annotations on GitHub Actions.
// results.json is always written, listed or not: merge, diff, --baseline and re-rendering read it.
import { join } from 'node:path';
import { closest } from '../matrix/suggest.ts';
import { CtrfReporter } from './ctrf-reporter.ts';
import { DotReporter } from './dot-reporter.ts';
import { GitHubReporter } from './github-reporter.ts';
import { HtmlReporter } from './html-reporter.ts';
import { JsonReporter } from './json-reporter.ts';
import { JUnitReporter } from './junit-reporter.ts';
import { ProgressReporter, type ProgressOptions } from './progress-reporter.ts';
import type { Reporter } from './reporter.ts';

export const REPORTER_NAMES = ['list', 'line', 'dot', 'github', 'junit', 'html', 'json', 'ctrf'] as const;
export type ReporterName = (typeof REPORTER_NAMES)[number];

/** The file each file reporter writes into the output folder. */
export const REPORT_FILES: Partial<Record<ReporterName, string>> = {
  json: 'results.json',
  junit: 'junit.xml',
  html: 'index.html',
  ctrf: 'ctrf.json',
};

/** A bad --reporter value: a usage error (exit 2). */
export class ReporterNameError extends Error {}

export interface ReporterEnvironment {
  /** A terminal that can redraw a status line (stderr is a TTY and CI is not set). */
  interactive: boolean;
  env: NodeJS.ProcessEnv;
}

/**
 * The reporters for `--reporter` values (each comma-separated; repeatable). Without any: `line`
 * on an interactive terminal, else `list`; the json, junit and html files; and `github` when
 * GITHUB_ACTIONS=true. `json` is always included.
 */
export function reporterNames(values: readonly string[], context: ReporterEnvironment): ReporterName[] {
  const requested = values.flatMap((value) => value.split(',')).map((name) => name.trim());
  if (requested.length === 0) {
    return [
      context.interactive ? 'line' : 'list',
      'json',
      'junit',
      'html',
      ...(context.env.GITHUB_ACTIONS === 'true' ? ['github'] : []),
    ] as ReporterName[];
  }
  const names: ReporterName[] = [];
  for (const name of requested) {
    if (!(REPORTER_NAMES as readonly string[]).includes(name)) {
      const guess = name ? closest(name, REPORTER_NAMES) : undefined;
      throw new ReporterNameError(
        `--reporter: ${name ? `unknown reporter "${name}"` : 'empty reporter name'}` +
          `${guess ? `; did you mean ${guess}?` : ''} (valid: ${REPORTER_NAMES.join(', ')})`,
      );
    }
    if (!names.includes(name as ReporterName)) names.push(name as ReporterName);
  }
  if (!names.includes('json')) names.push('json');
  return names;
}

export interface ReporterSetup {
  outDir: string;
  /** Options of the terminal reporters (stream, colour, --quiet, --verbose). */
  terminal?: Omit<ProgressOptions, 'live'>;
  env?: NodeJS.ProcessEnv;
  stdout?: { write(text: string): unknown };
}

export function createReporters(names: readonly ReporterName[], setup: ReporterSetup): Reporter[] {
  const { outDir, terminal = {} } = setup;
  const file = (name: ReporterName) => join(outDir, REPORT_FILES[name]!);
  const make: Record<ReporterName, () => Reporter> = {
    line: () => new ProgressReporter({ ...terminal, live: true }),
    list: () => new ProgressReporter({ ...terminal, live: false }),
    dot: () => new DotReporter({ stream: terminal.stream, color: terminal.color }),
    github: () => new GitHubReporter({ summaryPath: (setup.env ?? process.env).GITHUB_STEP_SUMMARY || undefined, stdout: setup.stdout }),
    json: () => new JsonReporter(file('json')),
    junit: () => new JUnitReporter(file('junit')),
    html: () => new HtmlReporter(file('html')),
    ctrf: () => new CtrfReporter(file('ctrf')),
  };
  // results.json first: the other reports are renderings of it, and it must exist even if one of them fails.
  const ordered = [...names].sort((a, b) => Number(b === 'json') - Number(a === 'json'));
  return ordered.map((name) => make[name]());
}

/** The files the reporters write, for the closing "reports: …" line. */
export function reportFiles(names: readonly ReporterName[]): string[] {
  return (['html', 'junit', 'ctrf', 'json'] as const).filter((name) => names.includes(name)).map((name) => REPORT_FILES[name]!);
}
