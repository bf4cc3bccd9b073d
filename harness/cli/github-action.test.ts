// action.yml run as a GitHub runner runs a composite action, without GitHub and without Docker:
// each step's `if:` and `${{ … }}` expressions are evaluated (the simple forms the action uses:
// inputs.*, steps.*.outputs.*, github.action_path; anything else fails the test), every `run:`
// goes to `bash --noprofile --norc -eo pipefail` with the runner's variables (GITHUB_ACTIONS,
// GITHUB_ACTION_PATH, GITHUB_WORKSPACE, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY) in a temp workspace.
// What this covers and what it does not:
//   - `merge` really runs (bin/dlmatrix.mjs from this checkout) on shard results, writes the
//     reports and the job summary, and the step fails when a shard is missing;
//   - for `run`, a `node` shim records the command line the action builds instead of running it
//     (a real run needs Docker): the inputs' mapping to options is checked, the run is not;
//   - `npm ci` is a shim that records where it ran (installing would replace this checkout's
//     node_modules); `uses:` steps (actions/setup-node) are not run: the test asserts they are
//     skipped because this machine has Node.js >= 20, as GitHub's hosted runners do.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { makeCell, makeResults } from '../test-support/make-results.ts';

const REPO = resolve(import.meta.dirname, '../..');
const action = parse(readFileSync(join(REPO, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { default?: string; required?: boolean }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
};

interface Step {
  id?: string;
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}

interface Context {
  inputs: Record<string, string>;
  steps: Record<string, { outputs: Record<string, string> }>;
  actionPath: string;
}

/** `${{ expr }}` for the forms the action uses; anything else is an error, so the test cannot silently pass. */
function evaluate(expression: string, context: Context): string {
  const expr = expression.trim();
  let match = /^inputs\.([\w-]+)$/.exec(expr);
  if (match) {
    if (!(match[1]! in context.inputs)) throw new Error(`action.yml uses undeclared input ${match[1]}`);
    return context.inputs[match[1]!]!;
  }
  match = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(expr);
  if (match) return context.steps[match[1]!]?.outputs[match[2]!] ?? '';
  if (expr === 'github.action_path') return context.actionPath;
  match = /^(.+?)\s*==\s*'([^']*)'$/.exec(expr);
  if (match) return String(evaluate(match[1]!, context) === match[2]);
  throw new Error(`the test's runner does not understand \${{ ${expr} }}`);
}

const substitute = (text: string, context: Context) => text.replace(/\$\{\{(.*?)\}\}/g, (_, expr: string) => evaluate(expr, context));

interface StepRun {
  step: Step;
  skipped: boolean;
  status?: number;
  stdout: string;
  stderr: string;
}

/** Runs the action's steps in order, as the runner does, stopping at the first failing one. */
function runAction(withInputs: Record<string, string>, options: { env?: Record<string, string>; prepare?: (workspace: string) => void } = {}) {
  const env = options.env ?? {};
  const root = mkdtempSync(join(tmpdir(), 'dlmatrix-action-'));
  const workspace = join(root, 'workspace');
  const shims = join(root, 'bin');
  mkdirSync(workspace);
  mkdirSync(shims);
  options.prepare?.(workspace);
  const summary = join(root, 'step_summary.md');
  writeFileSync(summary, '');
  const npmLog = join(root, 'npm.log');
  writeFileSync(join(shims, 'npm'), `#!/bin/bash\necho "$PWD: npm $*" >> '${npmLog}'\n`);
  const record = join(root, 'dlmatrix-args');
  const realNode = process.execPath;
  writeFileSync(
    join(shims, 'node'),
    `#!/bin/bash\nif [[ -n "$DLMATRIX_TEST_RECORD_ONLY" && "$1" == */bin/dlmatrix.mjs ]]; then shift; printf '%s\\n' "$@" > '${record}'; exit 0; fi\nexec '${realNode}' "$@"\n`,
  );
  chmodSync(join(shims, 'npm'), 0o755);
  chmodSync(join(shims, 'node'), 0o755);

  const unknown = Object.keys(withInputs).filter((name) => !(name in action.inputs));
  if (unknown.length) throw new Error(`not inputs of action.yml: ${unknown.join(', ')}`);
  const inputs = Object.fromEntries(Object.entries(action.inputs).map(([name, input]) => [name, withInputs[name] ?? input.default ?? '']));
  const context: Context = { inputs, steps: {}, actionPath: REPO };
  const runs: StepRun[] = [];
  for (const step of action.runs.steps) {
    if (step.if !== undefined && evaluate(step.if, context) !== 'true') {
      runs.push({ step, skipped: true, stdout: '', stderr: '' });
      continue;
    }
    if (step.uses) throw new Error(`the test's runner cannot run \`uses: ${step.uses}\`; on this machine it should have been skipped`);
    expect(step.shell).toBe('bash');
    const output = join(root, `output-${runs.length}`);
    writeFileSync(output, '');
    const script = join(root, `step-${runs.length}.sh`);
    writeFileSync(script, substitute(step.run!, context));
    const stepEnv = Object.fromEntries(Object.entries(step.env ?? {}).map(([key, value]) => [key, substitute(String(value), context)]));
    const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
      cwd: workspace,
      encoding: 'utf8',
      env: {
        ...process.env,
        PATH: `${shims}:${process.env.PATH}`,
        CI: 'true',
        GITHUB_ACTIONS: 'true',
        GITHUB_WORKSPACE: workspace,
        GITHUB_ACTION_PATH: REPO,
        GITHUB_OUTPUT: output,
        GITHUB_STEP_SUMMARY: summary,
        ...env,
        ...stepEnv,
      },
    });
    const outputs = Object.fromEntries(
      readFileSync(output, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    if (step.id) context.steps[step.id] = { outputs };
    runs.push({ step, skipped: false, status: result.status ?? undefined, stdout: result.stdout, stderr: result.stderr });
    if (result.status !== 0) break;
  }
  const outputs = Object.fromEntries(Object.entries(action.outputs).map(([name, output]) => [name, substitute(output.value, context)]));
  const npm = existsSync(npmLog) ? readFileSync(npmLog, 'utf8') : '';
  const args = existsSync(record) ? readFileSync(record, 'utf8').split('\n').slice(0, -1) : undefined;
  return { runs, workspace, summary: readFileSync(summary, 'utf8'), outputs, npm, args, last: runs.at(-1)! };
}

/** Two shard results of a small matrix, as `run --shard i/2` writes them, in the workspace. */
function writeShards(workspace: string, which: number[]) {
  const matrix = join(workspace, 'matrix.yaml');
  mkdirSync(join(workspace, 'project'), { recursive: true });
  writeFileSync(join(workspace, 'project', 'Cargo.toml'), '[package]\nname = "f"\n');
  writeFileSync(
    matrix,
    'project: project\nmatrix:\n  distro: [bookworm, trixie]\n  python: [system]\n  numpy: [system]\n  loader: [c]\n  flags: ["RTLD_LOCAL|RTLD_NOW", linked]\n' +
      'expect:\n  - when: {flags: "RTLD_LOCAL*"}\n    outcome: undefined-symbol\n',
  );
  const shard = (distro: string) =>
    ['RTLD_LOCAL|RTLD_NOW', 'linked'].map((flags) =>
      makeCell({
        axes: { distro, python: 'system', numpy: 'system', loader: 'c', flags },
        ...(flags !== 'linked' && { outcome: 'undefined-symbol', symbol: 'PyObject_SelfIter', expected: ['undefined-symbol'] }),
      }),
    );
  // splitIntoShards deals whole environments out, sorted by key: bookworm is shard 1, trixie shard 2.
  for (const [i, distro] of ['bookworm', 'trixie'].entries()) {
    if (!which.includes(i + 1)) continue;
    mkdirSync(join(workspace, 'shards', `shard-${i + 1}`), { recursive: true });
    writeFileSync(join(workspace, 'shards', `shard-${i + 1}`, 'results.json'), JSON.stringify(makeResults(shard(distro), { matrixFile: 'matrix.yaml', shard: `${i + 1}/2` })));
  }
}

describe('action.yml', () => {
  it('is a composite action whose inputs are the ones its steps read', () => {
    expect(action.runs.using).toBe('composite');
    expect(Object.keys(action.inputs).sort()).toEqual(['args', 'cache-registry', 'command', 'config', 'node-version', 'out', 'reporter', 'shard']);
    const text = readFileSync(join(REPO, 'action.yml'), 'utf8');
    for (const name of Object.keys(action.inputs)) expect(text).toContain(`inputs.${name}`);
    // Inputs never appear inside a script: they reach it through env (no shell injection).
    for (const step of action.runs.steps) expect(step.run ?? '').not.toMatch(/\$\{\{\s*inputs\./);
  });

  it('merges shard results in the workspace: reports, job summary, outputs; Node is not set up again, npm ci runs in the action', () => {
    const { runs, workspace, summary, outputs, npm, last } = runAction({ command: 'merge', args: 'shards/*', out: 'merged' }, { prepare: (dir) => writeShards(dir, [1, 2]) });
    expect(last.stderr).toContain('merged 2 results into merged');
    expect(last.status).toBe(0);
    expect(runs.map((run) => [run.step.name, run.skipped])).toEqual([
      ['Check for Node.js 20 or newer', false],
      ['Set up Node.js', true],
      ['Install dlmatrix', false],
      ['dlmatrix ${{ inputs.command }}', false],
    ]);
    expect(npm).toBe(`${REPO}: npm ci --no-audit --no-fund\n`);
    for (const file of ['results.json', 'junit.xml', 'index.html']) expect(existsSync(join(workspace, 'merged', file))).toBe(true);
    expect(outputs).toEqual({ results: 'merged/results.json', report: 'merged/index.html' });
    // The github reporter is on by default on GitHub Actions: the job summary is in the file.
    expect(summary).toMatch(/^## ✅ dlmatrix: all 4 cells met their expectations\n/);
    expect(summary).toContain('flags alone decides the outcome');
  });

  it('fails the step when a shard is missing, with an annotation and the summary saying so', () => {
    const { last, summary } = runAction({ command: 'merge', args: 'shards/*' }, { prepare: (dir) => writeShards(dir, [2]) });
    expect(last.status).toBe(1);
    expect(last.stderr).toContain('no results from shard 1/2');
    expect(last.stdout).toMatch(/^::error title=dlmatrix%3A 2 cells skipped%3A not run%3A missing from the merged shard results::/m);
    expect(summary).toMatch(/^## ❌ dlmatrix: 2 of 4 cells did not run\n/);
  });

  it('turns the inputs of a run into its options, passing --cache-registry only when set', () => {
    const recordOnly = { env: { DLMATRIX_TEST_RECORD_ONLY: '1' } };
    const full = runAction({ shard: '2/4', reporter: 'dot,github,ctrf', 'cache-registry': 'localhost:5000', args: '--only distro=trixie --retries 1', config: 'ci/matrix.yaml' }, recordOnly);
    expect(full.last.status).toBe(0);
    expect(full.args).toEqual([
      'run', '--config', 'ci/matrix.yaml', '--out', 'reports', '--shard', '2/4', '--reporter', 'dot,github,ctrf',
      '--cache-registry', 'localhost:5000', '--only', 'distro=trixie', '--retries', '1',
    ]);
    const bare = runAction({}, recordOnly);
    expect(bare.args).toEqual(['run', '--config', 'matrix.yaml', '--out', 'reports']);
  });

  it('refuses a command it does not know, with an annotation', () => {
    const { last } = runAction({ command: 'plan' });
    expect(last.status).toBe(2);
    expect(last.stdout).toContain("::error title=dlmatrix action::input command must be run or merge, got 'plan'");
  });
});
