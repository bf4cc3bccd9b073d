import { DockerodeClient } from './harness/docker/dockerode-client.ts';
import { ImageBuilder } from './harness/docker/images.ts';
import { mkdtempSync } from 'node:fs';
const client = new DockerodeClient();
const work = mkdtempSync('/tmp/exp/work-');
const [distro, python, numpy] = process.argv.slice(2);
const images = new ImageBuilder(client, {
  project: { dir: '/work/main/fixtures/pyo3-numpy', build: 'cargo build --release', entry: 'dlmatrix_probe', entryKind: 'probe',
    variants: [{ name: 'plain' }, { name: 'promote', features: 'promote' }], linked: ['c', 'rust'], loaders: [] },
  caBundle: '/etc/ssl/certs/ca-certificates.crt', workDir: work, logDir: work + '/logs', buildJobs: 2,
  log: (l) => console.log(l),
});
const t0 = Date.now();
try {
  const image = await images.environment(distro, python, numpy);
  console.log('BUILT', image, (Date.now() - t0) / 1000);
} catch (e) { console.log('FAILED', e.message, '\n', e.logTail); }
