// `dlmatrix plan`: what a run would do, without Docker.
import { splitIntoShards, toolchainKey } from '../plan/shard.ts';
import type { Plan } from '../plan/plan.ts';
import { parseCommandArgs, positiveInteger, UsageError } from './args.ts';
import { EXIT } from './exit-codes.ts';
import { loadPlan } from './load-plan.ts';
import { findMatrixFile } from './matrix-file.ts';

export const PLAN_HELP = `Usage: dlmatrix plan [options]

Expands the matrix and lists the cells and the builds they need (base images, toolchain
images, environment images with the project and NumPy), without running anything. With
--shard I/N, what that shard runs and builds.

Options:
  --config FILE            matrix file (default: matrix.yaml here or in the nearest folder above)
  --only AXIS=GLOB         keep only matching cells (repeatable, ANDed)
  --cell ID                keep only this cell (repeatable)
  --shard I/N              show only the I-th of N shards (auto: GitLab's CI_NODE_INDEX/CI_NODE_TOTAL)
  --json                   machine-readable output (same as --format json)
  --format FORMAT          text (default), json, or github-matrix
  --shards N               with --format github-matrix: how many shards (default 4)
  -h, --help               show this help

Examples:
  npx dlmatrix plan
  npx dlmatrix plan --only loader=node --json
  npx dlmatrix plan --format github-matrix --shards 3   # for strategy.matrix in a workflow
`;

export interface PlanJson {
  matrixFile: string;
  cells: Array<{ id: string; environment: string; axes: Record<string, string>; expected: string[] }>;
  builds: {
    baseImages: string[];
    toolchains: Array<{ distro: string; python: string }>;
    environments: Array<{ key: string; distro: string; python: string; numpy: string; cells: number }>;
  };
}

export async function planCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('plan', argv, {
    config: { type: 'string' },
    only: { type: 'string', multiple: true, default: [] },
    cell: { type: 'string', multiple: true, default: [] },
    shard: { type: 'string' },
    json: { type: 'boolean', default: false },
    format: { type: 'string' },
    shards: { type: 'string' },
  });
  if (values.help) {
    process.stdout.write(PLAN_HELP);
    return EXIT.ok;
  }
  const format = values.format ?? (values.json ? 'json' : 'text');
  if (!['text', 'json', 'github-matrix'].includes(format)) throw new UsageError(`--format must be text, json or github-matrix, got "${format}"`);
  const configPath = findMatrixFile(values.config);
  const { plan } = loadPlan(
    { configPath, only: values.only!, cellIds: values.cell!, shard: values.shard },
    (line) => process.stderr.write(`${line}\n`),
  );

  if (format === 'github-matrix') {
    const count = positiveInteger('shards', values.shards, 4);
    const shards = splitIntoShards(plan.cells, count);
    // Each shard says which toolchains it builds: dealt by toolchain, none is built twice when
    // there are at least as many toolchains as shards.
    const include = shards.map((cells, i) => ({ shard: `${i + 1}/${count}`, cells: cells.length, toolchains: [...new Set(cells.map(toolchainKey))].join(' ') }));
    process.stdout.write(`${JSON.stringify({ include })}\n`);
    return EXIT.ok;
  }
  const json = planToJson(configPath, plan);
  if (format === 'json') {
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
    return EXIT.ok;
  }
  const lines = [`${json.cells.length} cells in ${json.builds.environments.length} environments (${configPath})`, ''];
  lines.push(`base images: ${json.builds.baseImages.join(', ')}`);
  lines.push(`toolchain images: ${json.builds.toolchains.map((t) => `${t.distro}/py-${t.python}`).join(', ')}`, '');
  for (const environment of plan.environments) {
    lines.push(`${environment.key}  (${environment.cells.length} cells)`);
    for (const cell of environment.cells) lines.push(`  ${cell.id}  expect ${cell.expected.join(' or ')}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  return EXIT.ok;
}

export function planToJson(matrixFile: string, plan: Plan): PlanJson {
  const unique = <T>(items: T[], key: (item: T) => string) => [...new Map(items.map((item) => [key(item), item])).values()];
  return {
    matrixFile,
    cells: plan.cells.map((cell) => ({ id: cell.id, environment: cell.environment, axes: cell.axes, expected: cell.expected })),
    builds: {
      baseImages: unique(plan.environments.map((e) => e.distro), (d) => d),
      toolchains: unique(plan.environments.map(({ distro, python }) => ({ distro, python })), (t) => `${t.distro}/${t.python}`),
      environments: plan.environments.map(({ key, distro, python, numpy, cells }) => ({ key, distro, python, numpy, cells: cells.length })),
    },
  };
}
