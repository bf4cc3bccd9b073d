// The one reader of image manifests (harness/image/manifest.ts) on the host. A manifest never
// changes for an image id, so each is read once: from memory, else from the host cache
// (~/.cache/dlmatrix/manifests/ID.json, so a warm run starts its cells without a container per
// image), else from the image itself through a created, never started, container.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ContractError } from '../image/contract-error.ts';
import { LAYOUT } from '../image/layout.ts';
import { parseManifest, type Manifest } from '../image/manifest.ts';
import type { Containers } from './container-client.ts';
import { containerLabels } from './labels.ts';

export class ImageManifests {
  private readonly read = new Map<string, Promise<Manifest>>();

  constructor(
    private readonly client: Containers,
    private readonly options: {
      /** Host folder for small facts kept between runs (e.g. ~/.cache/dlmatrix). */
      cacheDir?: string;
      /** The harness that creates the containers reading manifests (host:pid), so a later run can reap them. */
      owner?: string;
    } = {},
  ) {}

  /** The image's manifest, checked against the contract (ContractError names the field that is wrong). */
  of(image: { ref: string; id: string }): Promise<Manifest> {
    let pending = this.read.get(image.id);
    if (!pending) {
      pending = this.load(image);
      this.read.set(image.id, pending);
    }
    return pending;
  }

  private async load(image: { ref: string; id: string }): Promise<Manifest> {
    const source = `${LAYOUT.manifest} of ${image.ref}`;
    const file = this.options.cacheDir && image.id ? join(this.options.cacheDir, 'manifests', `${image.id.replace(/^sha256:/, '')}.json`) : undefined;
    if (file) {
      try {
        return parseManifest(readFileSync(file, 'utf8'), source);
      } catch {
        // not cached yet, or a cache of an older harness: read the image
      }
    }
    const text = await this.fromImage(image.ref);
    const manifest = parseManifest(text, source);
    if (file) {
      try {
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, text);
      } catch {
        // a cache that cannot be written only costs a container next time
      }
    }
    return manifest;
  }

  private async fromImage(ref: string): Promise<string> {
    const id = await this.client.createContainer({ image: ref, labels: containerLabels('manifest-reader', this.options.owner ?? 'unknown:0'), cmd: ['true'] });
    try {
      const content = await this.client.readFile(id, LAYOUT.manifest);
      if (!content) throw new ContractError(`image ${ref}`, `it has no ${LAYOUT.manifest}: not built by this dlmatrix (remove it and run again)`);
      return content.toString('utf8');
    } finally {
      await this.client.removeContainer(id).catch(() => {});
    }
  }
}
