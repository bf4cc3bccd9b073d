// `dlmatrix images save DIR` / `images load DIR`: the images a matrix uses, as one tar file, for
// CI caches that are folders (GitHub's actions/cache) when no registry is at hand. Saving is
// skipped when the folder already holds exactly these images.
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ContainerClient } from '../docker/container-client.ts';
import { DockerodeClient } from '../docker/dockerode-client.ts';
import { parseCommandArgs, UsageError } from './args.ts';
import { formatBytes, imageInventory } from './current-images.ts';
import { EXIT } from './exit-codes.ts';
import { requireEngine } from './require-engine.ts';
import { loadPlan } from './load-plan.ts';
import { findMatrixFile } from './matrix-file.ts';

export const IMAGES_HELP = `Usage: dlmatrix images save DIR [options]
       dlmatrix images load DIR

save writes the images the matrix uses (bases, toolchains, environments) to DIR/images.tar, each
shared layer once, with DIR/images.json listing them; it does nothing when DIR already holds
exactly these images. load puts them back into the engine. Between the two, cache DIR (for
example with actions/cache, keyed on the matrix file and the project's sources).

Options:
  --config FILE      the matrix whose images are saved (default: matrix.yaml here or in the
                     nearest folder above)
  --no-host-ca       the matrix runs with --no-host-ca (it changes the images' content tags)
  -h, --help         show this help

Exit codes: 0 done, 2 bad arguments, 3 no Docker engine answering.

Examples:
  npx dlmatrix images load .dlmatrix-images || true
  npx dlmatrix run
  npx dlmatrix images save .dlmatrix-images
`;

interface SavedList {
  images: Array<{ ref: string; id: string }>;
}

export async function imagesCommand(argv: string[], client: ContainerClient = new DockerodeClient()): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    'images',
    argv,
    { config: { type: 'string' }, 'no-host-ca': { type: 'boolean', default: false } },
    true,
  );
  if (values.help) {
    process.stdout.write(IMAGES_HELP);
    return EXIT.ok;
  }
  const [action, dir, ...rest] = positionals;
  if (!['save', 'load'].includes(action ?? '') || !dir || rest.length > 0) throw new UsageError('images needs `save DIR` or `load DIR`');
  const file = join(dir, 'images.tar');
  const listFile = join(dir, 'images.json');
  if (action === 'load' && !existsSync(file)) throw new UsageError(`${file} does not exist: nothing to load (was \`dlmatrix images save ${dir}\` run?)`);
  const loaded = action === 'save' ? loadPlan({ configPath: findMatrixFile(values.config), only: [], cellIds: [] }, (line) => process.stderr.write(`${line}\n`)) : undefined;
  const noEngine = await requireEngine(client);
  if (noEngine !== undefined) return noEngine;

  if (action === 'load') {
    await client.loadImages(file);
    const list = existsSync(listFile) ? (JSON.parse(readFileSync(listFile, 'utf8')) as SavedList).images : [];
    process.stdout.write(`loaded ${list.length} images from ${file} (${formatBytes(statSync(file).size)})\n`);
    return EXIT.ok;
  }

  const { current } = await imageInventory(client, loaded!.config, loaded!.full, values['no-host-ca']);
  const images = current.flatMap((image) => image.tags.filter((tag) => tag.startsWith('dlmatrix/') || tag.startsWith('debian:')).slice(0, 1).map((ref) => ({ ref, id: image.id })));
  images.sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
  const saved = existsSync(listFile) ? (JSON.parse(readFileSync(listFile, 'utf8')) as SavedList) : undefined;
  if (saved && existsSync(file) && JSON.stringify(saved.images) === JSON.stringify(images)) {
    process.stdout.write(`${dir} already holds these ${images.length} images: nothing to save\n`);
    return EXIT.ok;
  }
  mkdirSync(dir, { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await client.saveImages(images.map((image) => image.ref), temp);
  renameSync(temp, file);
  writeFileSync(listFile, `${JSON.stringify({ images }, null, 2)}\n`);
  process.stdout.write(`saved ${images.length} images to ${file} (${formatBytes(statSync(file).size)})\n`);
  return EXIT.ok;
}
