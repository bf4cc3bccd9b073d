// NumPy's releases on the package index, read once per command and only when needed (from the
// day-old cache unless --refresh): what `latest`, `oldest` and pins mean for an environment.
import type { NumpyResolver } from '../docker/images.ts';
import { NumpyReleases } from '../pypi/numpy-releases.ts';
import { projectIndex } from '../pypi/package-index.ts';

export class NumpyIndex implements NumpyResolver {
  private releases?: Promise<NumpyReleases>;
  constructor(private readonly refresh: boolean) {}

  load(): Promise<NumpyReleases> {
    this.releases ??= projectIndex('numpy', { refresh: this.refresh }).then((index) => new NumpyReleases(index));
    return this.releases;
  }

  async resolve(request: string, target: { python: string; glibc: string; arch: string }) {
    return (await this.load()).resolve(request, target);
  }
}

