// The CI examples users copy (README's YAML blocks, examples/gitlab/.gitlab-ci.yml) parse, and
// every dlmatrix command in them uses a command and options that exist.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CLEAN_HELP } from './clean-command.ts';
import { DIFF_HELP } from './diff-command.ts';
import { DOCTOR_HELP } from './doctor-command.ts';
import { IMAGES_HELP } from './images-command.ts';
import { INIT_HELP } from './init-command.ts';
import { MAIN_HELP } from './main.ts';
import { MERGE_HELP } from './merge-command.ts';
import { PLAN_HELP } from './plan-command.ts';
import { REPORT_HELP } from './report-command.ts';
import { RUN_HELP } from './run-command.ts';

const REPO = resolve(import.meta.dirname, '../..');
const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
const gitlabText = readFileSync(join(REPO, 'examples/gitlab/.gitlab-ci.yml'), 'utf8');
const HELP: Record<string, string> = { run: RUN_HELP, plan: PLAN_HELP, merge: MERGE_HELP, diff: DIFF_HELP, doctor: DOCTOR_HELP, init: INIT_HELP, report: REPORT_HELP, clean: CLEAN_HELP, images: IMAGES_HELP, help: MAIN_HELP };

/** Every `npx dlmatrix <command> …` line. */
const commandLines = (text: string) => [...text.matchAll(/npx dlmatrix (\w+)([^\n`"]*)/g)].map((m) => ({ command: m[1]!, rest: m[2]! }));

describe('CI examples', () => {
  it("README's YAML blocks are valid YAML", () => {
    const blocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks.length).toBeGreaterThanOrEqual(3);
    for (const block of blocks) expect(() => parse(block)).not.toThrow();
  });

  it('the GitLab example runs the shards in parallel, hands GitLab their junit.xml and merges them whatever happened', () => {
    const gitlab = parse(gitlabText);
    expect(gitlab.dlmatrix.parallel).toBeGreaterThan(1);
    expect(gitlab.dlmatrix.script.join('\n')).toContain('--shard auto');
    expect(gitlab.dlmatrix.artifacts).toMatchObject({ when: 'always', reports: { junit: 'shard-*/junit.xml' } });
    expect(gitlab.report).toMatchObject({ when: 'always', needs: ['dlmatrix'], artifacts: { reports: { junit: 'reports/junit.xml' } } });
    expect(gitlab.report.script.join('\n')).toContain('npx dlmatrix merge shard-*/');
  });

  it('every dlmatrix command in them uses options the command has', () => {
    const lines = [...commandLines(readme), ...commandLines(gitlabText)];
    expect(lines.length).toBeGreaterThan(10);
    for (const { command, rest } of lines) {
      expect(HELP, `dlmatrix ${command}`).toHaveProperty(command);
      for (const [option] of rest.matchAll(/--[a-z-]+/g)) expect(HELP[command], `dlmatrix ${command} ${option}`).toContain(option);
    }
  });
});
