// The three files every run and merge writes into its output folder.
import { join } from 'node:path';
import { HtmlReporter } from './html-reporter.ts';
import { JsonReporter } from './json-reporter.ts';
import { JUnitReporter } from './junit-reporter.ts';
import type { ReportOptions } from './report-diff.ts';
import type { Reporter } from './reporter.ts';

export function fileReporters(outDir: string, options: ReportOptions = {}): Reporter[] {
  return [
    new JsonReporter(join(outDir, 'results.json')),
    new JUnitReporter(join(outDir, 'junit.xml'), options),
    new HtmlReporter(join(outDir, 'index.html'), options),
  ];
}
