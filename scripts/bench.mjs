#!/usr/bin/env node
// Measures dlmatrix's speed and image sizes on a matrix and prints them with ratios (not a test:
// numbers vary by machine). In one run:
//   floor         per environment: the C loader started N times in a row in one warm container
//                 (process start + Py_Initialize + import numpy), by a plain shell loop;
//   warm          `dlmatrix run` with every image cached, run --warm-runs times (median), and its
//                 ratio to the floor bound (the sum, over the cells that ran, of their
//                 environment's floor, / cores);
//   serial        the same with --jobs 1 (serial/parallel);
//   rebuild       after a one-line change to the probe crate's source, per toolchain;
//   sizes         each environment image, all of them together (shared layers once), and the
//                 rest of dlmatrix's images and build cache;
//   cold          (--cold) from no dlmatrix image and no dlmatrix build cache, and (with
//                 --cache-registry REPO) again from the registry alone;
//   report scale  generated results of 100,000 cells (--report-scale N: only this section, at N
//                 cells; no Docker needed): index.html's size, first view and filter times in
//                 headless Chromium, `dlmatrix report DIR` and `merge DIR` time and peak memory (report-scale.mjs).
// It removes only what dlmatrix made: images labelled dev.dlmatrix.managed and BuildKit cache
// records of dlmatrix's builds (their description names the in-image root, or they are built on one).
// It runs under tsx (npm run bench), so it reads the in-image paths and the cells' thread limit
// from the harness itself.
//   npm run bench -- [--config matrix.yaml] [--cold] [--cache-registry REPO] [--floor-runs 20] [--warm-runs 3]
//   npm run bench -- --report-scale 100000 [--report-timeout 300]
import { execFileSync, spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { LAYOUT } from '../harness/image/layout.ts';
import { threadLimitEnv } from '../harness/run/invocation.ts';
import { reportScale } from './report-scale.mjs';

const { values } = parseArgs({
  options: {
    config: { type: 'string', default: 'matrix.yaml' },
    cold: { type: 'boolean', default: false },
    'cache-registry': { type: 'string' },
    'floor-runs': { type: 'string', default: '20' },
    'warm-runs': { type: 'string', default: '3' },
    'report-scale': { type: 'string' },
    'report-timeout': { type: 'string', default: '300' },
  },
});
const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'bin', 'dlmatrix.mjs');
const cores = availableParallelism();
const docker = (...args) => execFileSync('docker', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).trim();
const gb = (bytes) => `${(bytes / 1e9).toFixed(2)} GB`;
const mb = (bytes) => `${(bytes / 1e6).toFixed(0)} MB`;
const line = (label, text) => console.log(`${label.padEnd(34)} ${text}`);
const REPORT_CELLS = 100_000;
const reportOptions = { line, timeoutMs: Number(values['report-timeout']) * 1000 };

if (values['report-scale'] !== undefined) {
  const cells = Number(values['report-scale']);
  if (!Number.isInteger(cells) || cells < 1) {
    console.error(`--report-scale needs a number of cells, got "${values['report-scale']}"`);
    process.exit(2);
  }
  await reportScale(cells, reportOptions);
  process.exit(0);
}

function timedRun(label, config, extra = []) {
  const out = mkdtempSync(join(tmpdir(), 'dlmatrix-bench-'));
  const started = process.hrtime.bigint();
  const run = spawnSync('node', [CLI, 'run', '--config', config, '--out', out, '--quiet', ...extra], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, CI: 'true' },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
  const ran = results.cells.filter((c) => c.attempts > 0);
  const built = (run.stderr.match(/^building /gm) ?? []).length;
  line(label, `${seconds.toFixed(1).padStart(7)} s wall  exit ${run.status}  ${results.cells.length} cells, ${ran.length} ran, ${built} images built`);
  return { seconds, results };
}

/** The engine's API on its Unix socket (DOCKER_HOST=unix://… honoured); retried when the engine drops the connection. */
async function api(path, method = 'GET', attempts = 4) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await apiOnce(path, method);
    } catch (error) {
      if (attempt >= attempts || !['EPIPE', 'ECONNRESET'].includes(error.code)) throw error;
      await new Promise((r) => setTimeout(r, 1000 * attempt));
    }
  }
}

function apiOnce(path, method) {
  const socketPath = (process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock').replace(/^unix:\/\//, '');
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path, method }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve(body ? JSON.parse(body) : {}));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * dlmatrix's images, and its BuildKit cache records from the engine's disk-usage report: those of
 * dlmatrix's build steps (their description names the in-image root) and every record built on one.
 */
async function dlmatrixUsage() {
  const df = await api('/system/df');
  const images = (df.Images ?? []).filter((i) => i.Labels?.['dev.dlmatrix.managed'] === 'true');
  const all = df.BuildCache ?? [];
  const byId = new Map(all.map((c) => [c.ID, c]));
  const parentsOf = (c) => c.Parents ?? (c.Parent ? [c.Parent] : []);
  const ours = (c, seen = new Set()) =>
    /dlmatrix/.test(c.Description ?? '') || (!seen.has(c.ID) && parentsOf(c).some((p) => byId.has(p) && ours(byId.get(p), seen.add(c.ID))));
  const depth = (c) => Math.max(0, ...parentsOf(c).map((p) => (byId.has(p) ? depth(byId.get(p)) + 1 : 0)));
  // Deepest first: the engine removes a record only once nothing is built on it.
  const cache = all.filter((c) => ours(c)).sort((a, b) => depth(b) - depth(a));
  return { images, cache, layersSize: df.LayersSize ?? 0 };
}

async function removeEverythingDlmatrixMade() {
  const { images, cache } = await dlmatrixUsage();
  if (images.length) spawnSync('docker', ['rmi', '-f', ...new Set(images.map((i) => i.Id))], { stdio: 'ignore' });
  // One record per call (Docker 20.10 takes a single `id` filter), children before their parents.
  for (const record of cache) await api(`/build/prune?all=1&filters=${encodeURIComponent(JSON.stringify({ id: { [record.ID]: true } }))}`, 'POST');
  const left = (await dlmatrixUsage()).cache.filter((c) => !c.InUse);
  console.log(`removed ${new Set(images.map((i) => i.Id)).size} dlmatrix images and ${cache.length - left.length} dlmatrix build-cache records`);
  if (left.length) console.log(`warning: ${left.length} dlmatrix build-cache records could not be removed: the cold run may reuse them`);
}

/** A shell loop starting a loader `runs` times (RTLD_GLOBAL|RTLD_NOW, import numpy); prints µs per start. */
const floorLoop = (runs, loader = `${LAYOUT.bin}/loader-c`, envPrefix = '') =>
  `lib=$(${LAYOUT.python} -c 'import json, sys; print(json.load(open(sys.argv[1]))["variants"]["plain"]["library"])' ${LAYOUT.manifest}); s=$(date +%s%N); i=0; while [ $i -lt ${runs} ]; do ${envPrefix}${loader} "$lib" "RTLD_GLOBAL|RTLD_NOW" dlmatrix_probe probe numpy >/dev/null 2>&1; i=$((i+1)); done; e=$(date +%s%N); echo $(( (e-s)/${runs}000 ))`;
// What cells run with by default (options.cell-threads: 1).
const CELL_THREADS = Object.entries(threadLimitEnv(1)).map(([name, value]) => `${name}=${value} `).join('');
const NODE_LOADER = `node ${LAYOUT.nodeLoader}`;

/** Per environment image: ms per start of a loader, one at a time in one warm container. */
function floors(results, runs, loader) {
  const perEnvironment = new Map();
  for (const environment of results.environments) {
    if (!environment.image || environment.skipReason || environment.buildError) continue;
    // One warm-up pass (page cache), then the measured loop.
    docker('run', '--rm', '--entrypoint', 'sh', environment.image, '-c', floorLoop(2, loader));
    perEnvironment.set(environment.key, Number(docker('run', '--rm', '--entrypoint', 'sh', environment.image, '-c', floorLoop(runs, loader))) / 1000);
  }
  return perEnvironment;
}

/**
 * How much faster `cores` loops at once finish than one (cores when the CPUs scale perfectly):
 * the machine's own parallel speed-up, which no scheduler can beat. The loops run the loader as
 * cells do (one BLAS thread each), so that this measures the CPUs, not OpenBLAS's spinning.
 */
async function parallelSpeedup(image, runs) {
  const one = Number(docker('run', '--rm', '--entrypoint', 'sh', image, '-c', floorLoop(runs, undefined, CELL_THREADS)));
  const { spawn } = await import('node:child_process');
  const loops = Array.from({ length: cores }, () =>
    new Promise((resolve) => {
      const child = spawn('docker', ['run', '--rm', '--entrypoint', 'sh', image, '-c', floorLoop(runs, undefined, CELL_THREADS)]);
      let out = '';
      child.stdout.on('data', (chunk) => (out += chunk));
      child.on('close', () => resolve(Number(out.trim())));
    }),
  );
  const together = await Promise.all(loops);
  return (one * cores) / Math.max(...together);
}

/** Env images' bytes with shared layers once: per distro, the largest plus the others' own layers. */
async function environmentSizes(results) {
  const { images } = await dlmatrixUsage();
  const byRef = new Map(images.flatMap((i) => (i.RepoTags ?? []).map((t) => [t, i])));
  const used = results.environments.map((e) => byRef.get(e.image)).filter(Boolean);
  const byDistro = new Map();
  for (const image of new Map(used.map((i) => [i.Id, i])).values()) {
    const distro = image.Labels['dev.dlmatrix.distro'];
    byDistro.set(distro, [...(byDistro.get(distro) ?? []), image]);
  }
  let together = 0;
  for (const group of byDistro.values()) {
    group.sort((a, b) => b.Size - a.Size);
    together += group[0].Size + group.slice(1).reduce((sum, i) => sum + (i.Size - i.SharedSize), 0);
  }
  return { used: [...new Map(used.map((i) => [i.Id, i])).values()], together };
}

/** A small matrix on every distro of `config`, on a copy of the probe crate: a one-line edit rebuilds each toolchain's project. */
function rebuildAfterEdit(results) {
  const distros = [...new Set(results.environments.map((e) => e.distro))];
  const dir = mkdtempSync(join(tmpdir(), 'dlmatrix-bench-edit-'));
  cpSync(join(ROOT, 'crates', 'probe'), join(dir, 'project'), { recursive: true, filter: (src) => !src.includes('/target') });
  cpSync(join(ROOT, 'crates', 'promote-libpython'), join(dir, 'promote-libpython'), { recursive: true });
  // A comment unique to this bench run: the copy's images are new, never an earlier run's.
  const lib = join(dir, 'project', 'src', 'lib.rs');
  writeFileSync(lib, `${readFileSync(lib, 'utf8')}\n// bench ${dir}\n`);
  const matrix = join(dir, 'matrix.yaml');
  writeFileSync(
    matrix,
    `project: {path: project, promote-feature: promote}\nmatrix:\n  distro: [${distros.join(', ')}]\n  python: [system]\n  numpy: [system]\n  loader: [c]\n  flags: ["RTLD_GLOBAL|RTLD_NOW", linked]\n  mitigation: [none, promote]\n`,
  );
  timedRun('rebuild: first build of the copy', matrix);
  writeFileSync(lib, readFileSync(lib, 'utf8').replace('fn run_probe(imports: &str) -> String {', 'fn run_probe(imports: &str) -> String {\n    let _edited = 1;'));
  const { seconds } = timedRun('rebuild: after a one-line change', matrix);
  return { seconds, toolchains: distros.length };
}

const config = values.config;
let cold;
let coldFromRegistry;
if (values.cold) {
  await removeEverythingDlmatrixMade();
  cold = timedRun('cold (nothing cached)', config).seconds;
  if (values['cache-registry']) {
    const registry = ['--cache-registry', values['cache-registry']];
    // Every image this run uses goes to the registry (pushed when missing there)...
    timedRun('warm, filling the cache registry', config, registry);
    // ...so that a machine with none of them builds nothing.
    await removeEverythingDlmatrixMade();
    coldFromRegistry = timedRun('cold, from the cache registry', config, registry).seconds;
  }
}
// The median of several warm runs: a shared 2-core machine varies by 10% from run to run.
const warmRuns = Array.from({ length: Math.max(1, Number(values['warm-runs'])) }, (_, i) => timedRun(`warm, run ${i + 1}`, config));
const warm = [...warmRuns].sort((a, b) => a.seconds - b.seconds)[Math.floor((warmRuns.length - 1) / 2)];
line('warm (median)', `${warm.seconds.toFixed(1).padStart(7)} s wall`);
const serial = timedRun('warm, --jobs 1', config, ['--jobs', '1']).seconds;

const floor = floors(warm.results, Number(values['floor-runs']));
const ran = warm.results.cells.filter((c) => c.attempts > 0);
const bound = ran.reduce((sum, cell) => sum + (floor.get(cell.environment) ?? 0), 0) / 1000 / cores;
console.log('');
line('floor per environment (C loader)', [...floor].map(([key, ms]) => `${key} ${ms.toFixed(0)} ms`).join(', '));
line('floor bound', `${bound.toFixed(1)} s (${ran.length} cells that ran x their environment's floor / ${cores} cores)`);
line('warm / floor bound', `${(warm.seconds / bound).toFixed(2)}x`);
// Node.js cells start Node.js and koffi before Python: their own floor is the node loader's.
const nodeCells = ran.filter((c) => c.axes.loader === 'node');
if (nodeCells.length) {
  const nodeFloor = floors({ environments: warm.results.environments.filter((e) => nodeCells.some((c) => c.environment === e.key)) }, Number(values['floor-runs']), NODE_LOADER);
  line('floor per environment (node loader)', [...nodeFloor].map(([key, ms]) => `${key} ${ms.toFixed(0)} ms`).join(', '));
  const ownBound = ran.reduce((sum, cell) => sum + ((cell.axes.loader === 'node' ? nodeFloor : floor).get(cell.environment) ?? 0), 0) / 1000 / cores;
  line('floor bound, each cell its own loader', `${ownBound.toFixed(1)} s; warm / it: ${(warm.seconds / ownBound).toFixed(2)}x`);
}
const firstImage = warm.results.environments.find((e) => e.image && !e.skipReason && !e.buildError)?.image;
if (firstImage) {
  const speedup = await parallelSpeedup(firstImage, Number(values['floor-runs']));
  line('this machine, loaders at once', `${cores} loops at once finish ${speedup.toFixed(2)}x faster than one (${cores}.00x would be perfect)`);
  line('warm / floor bound at that speed', `${(warm.seconds / ((bound * cores) / speedup)).toFixed(2)}x`);
}
line('serial / parallel', `${(serial / warm.seconds).toFixed(2)}x`);
if (cold !== undefined) line('cold / warm', `${(cold / warm.seconds).toFixed(1)}x  (cold ${cold.toFixed(0)} s)`);
if (coldFromRegistry !== undefined) line('cold from registry / cold', `${(coldFromRegistry / cold).toFixed(2)}x  (${coldFromRegistry.toFixed(0)} s)`);

const sizes = await environmentSizes(warm.results);
const largest = Math.max(...sizes.used.map((i) => i.Size));
line('environment images', `${sizes.used.length}, largest ${mb(largest)}, together ${gb(sizes.together)} (shared layers once)`);
const usage = await dlmatrixUsage();
const toolchains = usage.images.filter((i) => i.Labels['dev.dlmatrix.stage'] === 'toolchain');
line('toolchain images (build only)', `${toolchains.length}, ${gb(toolchains.reduce((s, i) => s + i.Size - i.SharedSize, 0))} of their own layers`);
line('dlmatrix build cache', gb(usage.cache.reduce((s, c) => s + (c.Size ?? 0), 0)));

const rebuild = rebuildAfterEdit(warm.results);
line('rebuild after a one-line change', `${rebuild.seconds.toFixed(1)} s for ${rebuild.toolchains} toolchains: ${(rebuild.seconds / rebuild.toolchains).toFixed(1)} s per toolchain`);

console.log('');
await reportScale(REPORT_CELLS, reportOptions);
