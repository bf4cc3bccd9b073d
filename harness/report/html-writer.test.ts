import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { diffResults } from '../results/diff.ts';
import { generateResults } from '../test-support/generated-results.ts';
import { makeCell, makeResults } from '../test-support/make-results.ts';
import { readResultsFile } from '../results/results-file.ts';
import type { CellResult } from '../results/run-results.ts';
import { cellView } from './html-cell-view.ts';
import { CHUNK_CELLS, DETAIL_FIELDS, type ChunkData, type DetailField, type IndexData, type PageData } from './html-data.ts';
import { ENVIRONMENTS_OPEN_ON_ERROR_MAX, escapeHtml, jsonForScript, LISTED_MAX, renderHtml, STATIC_CELLS_MAX } from './html-writer.ts';
import { rerunCommand } from './rerun.ts';

const XSS_SCRIPT = '<script>window.__xss=1</script>';
const XSS_ATTR = '"><img src=x onerror="window.__xss=2">';
const XSS_SINGLE = `' onmouseover='window.__xss=3`;

/** The page's data as its script reads it: the JSON island, each part inflated. */
function pageData(html: string) {
  const match = /<script type="application\/json" id="dlmatrix-data">([^<]*)<\/script>/.exec(html);
  expect(match).not.toBeNull();
  const page = JSON.parse(match![1]!) as PageData;
  const inflate = (base64: string) => JSON.parse(gunzipSync(Buffer.from(base64, 'base64')).toString('utf8'));
  const index = inflate(page.index) as IndexData;
  const chunk = (c: number) => inflate(page.chunks[c]!) as ChunkData;
  /** Cell i's detail texts, looked up as the script does. */
  const detail = (i: number) => {
    const data = chunk(Math.floor(i / page.chunkCells));
    const k = i % page.chunkCells;
    return Object.fromEntries(index.fields.map((name, f) => [name, data.refs[f]![k]! >= 0 ? data.strings[f]![data.refs[f]![k]!] : undefined])) as Record<DetailField, string | undefined>;
  };
  return { page, index, chunk, detail };
}

/** The grid the script draws (header only in the file) and the static one in <noscript>. */
const liveGrid = (html: string) => /<table class="grid[^"]*" id="grid-table">[\s\S]*?<\/table>/.exec(html)?.[0] ?? '';
const staticGrid = (html: string) => /<noscript><div class="gridbox"><div class="scroll"><table class="grid[^"]*" id="grid-static">[\s\S]*?<\/table><\/div><\/div><\/noscript>/.exec(html)?.[0] ?? '';

/** The text of the environments' <summary> overview. */
function environmentsSummary(html: string): string {
  return /<details class="panel environments"[^>]*><summary><h2>Environments<span class="sub">(.*?)<\/span><\/h2><\/summary>/.exec(html)![1]!;
}

describe('renderHtml', () => {
  const failing = makeCell({
    axes: { loader: 'c', flags: 'RTLD_LOCAL|RTLD_NOW' },
    outcome: 'undefined-symbol',
    symbol: 'PyObject_SelfIter',
    reason: 'ImportError: _multiarray_umath.so: undefined symbol: PyObject_SelfIter',
    verdict: 'fail',
  });
  const cells: CellResult[] = [
    makeCell({ axes: { loader: 'c' } }),
    failing,
    makeCell({ axes: { loader: 'rust' }, verdict: 'flaky', attempts: 2 }),
    makeCell({ axes: { distro: 'trixie', loader: 'c' }, outcome: 'skipped', verdict: 'skip', reason: 'no wheel' }),
  ];
  const results = makeResults(cells);
  const html = renderHtml(results);

  it('is one self-contained document that fetches nothing', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/\b(?:src|href|action|poster|srcset)\s*=\s*["']?\s*(?:https?:)?\/\//i);
    expect(html).not.toMatch(/url\(|@import|<link[^>]+stylesheet|<iframe|<object|<embed/i);
    expect(html.match(/<script\b/g)).toHaveLength(2); // the JSON island and our script
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src 'none';/);
  });

  it('shows the run summary counts', () => {
    const count = (label: string) => new RegExp(`data-count="${label}"><div class="n">(\\d+)<`).exec(html)?.[1];
    expect([count('cells'), count('failed'), count('flaky'), count('passed'), count('skipped'), count('environments')]).toEqual(['4', '1', '1', '1', '1', '2']);
    expect(html).toContain('✗ 1 of 4 cells failed');
    expect(html).toContain('docker</dt><dd>28.5.2');
  });

  it('renders a grid with a row per environment and a column per loader x flags', () => {
    const grid = staticGrid(html);
    const tbody = /<tbody>([\s\S]*?)<\/tbody>/.exec(grid)![1]!;
    expect(tbody.match(/<tr /g)).toHaveLength(2);
    // The script's grid has the same header; its rows are drawn in the browser.
    for (const page of [grid, liveGrid(html)]) {
      expect(page.match(/<th class="h1[ "]/g)).toHaveLength(3); // c:GLOBAL, c:LOCAL, rust:GLOBAL
      expect(page.match(/<th class="h0[ "]/g)).toHaveLength(2);
      expect(page).toContain('<th class="h0" colspan="2" data-cols="c0 c1" scope="colgroup" title="loader=c"><span>c</span></th><th class="h0 gs" colspan="1" data-cols="c2" scope="col" title="loader=rust"><span>rust</span></th>');
    }
    expect(grid.match(/<td class="cell /g)).toHaveLength(3);
    expect(liveGrid(html)).not.toContain('<td class="cell');
    // trixie's only cell was skipped: its row folds into one line with the reason.
    expect(html).toMatch(
      /<tr class="folded" data-row="r1" data-cells="3" [^>]*><th class="distro e1" scope="row">trixie<\/th>.*<td class="fold" colspan="3"><span class="foldtext"><a href="#cell-3" data-open="3">skipped<\/a> · 1 cell · no wheel<\/span><\/td><\/tr>/,
    );
  });

  it('groups the columns of extra axes under loader and flags, and draws a wide grid compact', () => {
    const wide = makeResults(
      ['c', 'rust', 'node', 'cffi'].flatMap((loader) =>
        ['RTLD_LOCAL|RTLD_NOW', 'RTLD_GLOBAL|RTLD_NOW', 'RTLD_LOCAL|RTLD_LAZY'].flatMap((flags) =>
          ['none', 'promote'].map((mitigation) => makeCell({ axes: { loader, flags, mitigation } })),
        ),
      ),
    );
    const page = renderHtml(wide);
    expect(page).toContain('columns: loader × flags × mitigation');
    const header = liveGrid(page);
    expect(header.match(/<th class="h0[ "]/g)).toHaveLength(4);
    expect(header.match(/<th class="h1[ "]/g)).toHaveLength(12);
    expect(header.match(/<th class="h2[ "]/g)).toHaveLength(24);
    expect(page).toContain('<th class="h1" colspan="2" data-cols="c0 c1" scope="colgroup" title="flags=RTLD_LOCAL|RTLD_NOW"><span>RTLD_LOCAL|<wbr>RTLD_NOW</span></th>');
    expect(page).toContain('<th class="h2" colspan="1" data-cols="c1" scope="col" title="mitigation=promote"><span>promote</span></th>');
    expect(page).toMatch(/<th class="envh e1" rowspan="3">Distro<\/th>/);
    expect(page).toContain('<table class="grid wide" id="grid-table">');
    expect(html).toContain('<table class="grid" id="grid-table">');
  });

  it('states the findings at the top, linking the cells they name', () => {
    const exception = makeCell({ axes: { loader: 'node', flags: 'RTLD_GLOBAL|RTLD_NOW' }, outcome: 'crash', signal: 'SIGSEGV', verdict: 'fail' });
    const findingsRun = makeResults([
      ...['bookworm', 'trixie'].flatMap((distro) =>
        ['c', 'rust', 'node'].flatMap((loader) =>
          ['RTLD_LOCAL|RTLD_NOW', 'RTLD_GLOBAL|RTLD_NOW'].map((flags) =>
            makeCell({ axes: { distro, loader, flags }, ...(flags.startsWith('RTLD_LOCAL') && { outcome: 'undefined-symbol', symbol: 'PyObject_SelfIter' }) }),
          ),
        ),
      ).filter((cell) => cell.id !== exception.id),
      exception,
    ]);
    const page = renderHtml(findingsRun);
    const index = findingsRun.cells.indexOf(exception);
    expect(page.indexOf('id="findings"')).toBeGreaterThan(page.indexOf('class="cards"'));
    expect(page.indexOf('id="findings"')).toBeLessThan(page.indexOf('id="problems"'));
    expect(page).toContain('<h2>Findings<span class="sub">over the 12 cells that ran</span></h2>');
    expect(page).toContain(
      '<li class="finding inexact"><span class="subject">outcome</span><span class="text"><b>flags decides the outcome for all but 1 of 12 cells:</b> ' +
        'RTLD_LOCAL|RTLD_NOW -&gt; undefined-symbol (6 of 6 cells), RTLD_GLOBAL|RTLD_NOW -&gt; loaded (5 of 6 cells); ' +
        `exception: <a class="cellref" href="#cell-${index}" data-open="${index}">${escapeHtml(exception.id)}</a> (crash SIGSEGV)</span></li>`,
    );
    expect(page).toContain('<li class="finding exact"><span class="subject">missing symbol</span><span class="text">every undefined-symbol cell misses PyObject_SelfIter (6 of 6 cells)</span></li>');
  });

  it('marks failed and flaky cells and labels them with the root cause', () => {
    expect(html).toMatch(/<td class="cell o-undefined-symbol v-fail" data-cell="1"[^>]*><a [^>]*><span class="oc">undefined symbol<\/span><span class="why">PyObject_SelfIter<\/span>/);
    expect(html).toMatch(/<td class="cell o-loaded v-flaky[ "]/);
  });

  it('lists the cells that broke first, with expected vs actual and why', () => {
    const problems = /<section class="panel problems"[\s\S]*?<\/section>/.exec(html)![0];
    expect(problems).toContain('1 cell failed, 1 flaky');
    expect(problems.indexOf('PyObject_SelfIter')).toBeLessThan(problems.indexOf('tag flaky'));
    expect(html.indexOf('class="panel problems"')).toBeLessThan(html.indexOf('class="grid"'));
  });

  it('renders a detail section per cell with expected, actual, reason and the quoted rerun command', () => {
    expect(html.match(/<article class="detail /g)).toHaveLength(4);
    const detail = /<article [^>]*id="cell-1"[\s\S]*?<\/article>/.exec(html)![0];
    expect(detail).toContain('<dt>Expected</dt><dd class="expect">loaded</dd>');
    expect(detail).toContain('undefined-symbol PyObject_SelfIter');
    expect(detail).toContain('ImportError: _multiarray_umath.so: undefined symbol: PyObject_SelfIter');
    expect(detail).toContain(escapeHtml(rerunCommand('matrix.yaml', failing.id)));
    expect(detail).toContain(`--cell &#39;bookworm/py-system/np-2.2.6/c/RTLD_LOCAL|RTLD_NOW&#39;`);
    expect(html).toContain('href="#cell-1"');
  });

  it('escapes captured output everywhere, including attributes and the JSON island', () => {
    const hostile = makeCell({
      id: `bookworm/x/${XSS_SCRIPT}`,
      axes: { loader: XSS_ATTR, flags: XSS_SINGLE, [XSS_SCRIPT]: '</script><script>window.__xss=4</script>' },
      outcome: 'import-error',
      reason: XSS_SCRIPT + XSS_ATTR,
      symbol: XSS_ATTR,
      verdict: 'fail',
      command: [XSS_SCRIPT],
      output: { stdout: `${XSS_SCRIPT}\n${XSS_ATTR}\n`, stderr: `\x1b[31m${XSS_SINGLE}\x1b[0m` },
    });
    const page = renderHtml(makeResults([hostile], { matrixFile: XSS_SCRIPT, host: { hostname: XSS_ATTR, platform: XSS_SINGLE } }));
    // Outside the JSON island (where quotes are inert), nothing hostile survives as markup.
    const markup = page.replace(/<script type="application\/json"[\s\S]*?<\/script>/, '');
    expect(markup).not.toMatch(/<script>window|<img|<\/script><script>window|onmouseover='|\x1b/);
    expect(page).toContain('&lt;script&gt;window.__xss=1&lt;/script&gt;');
    expect(page).toContain('&quot;&gt;&lt;img src=x onerror=&quot;window.__xss=2&quot;&gt;');
    expect(page.match(/<script\b/g)).toHaveLength(2);
    const island = /<script type="application\/json" id="dlmatrix-data">([\s\S]*?)<\/script>/.exec(page)![1]!;
    expect(island).not.toContain('<');
    // The script's data holds the same texts, sanitized, for it to write as text only.
    const { index, detail } = pageData(page);
    expect(index.values[index.axes.indexOf(XSS_SCRIPT)]).toEqual(['</script><script>window.__xss=4</script>']);
    expect(detail(0).stdout).toBe(`${XSS_SCRIPT}\n${XSS_ATTR}\n`);
    expect(detail(0).stderr).toBe(XSS_SINGLE);
    expect(index.whys[index.why[0]!]).toBe(XSS_ATTR);
  });

  it('embeds the data the grid and filters need, and every detail, and they round-trip', () => {
    const { page, index, detail } = pageData(html);
    expect(index.cells).toBe(4);
    expect(index.axes).toEqual(['distro', 'python', 'numpy', 'loader', 'flags']);
    const axisOf = (i: number) => Object.fromEntries(index.axes.map((name, a) => [name, index.values[a]![index.axis[a]![i]!]]));
    expect(axisOf(1)).toEqual(failing.axes);
    expect(index.outcomes[index.outcome[1]!]).toEqual({ name: 'undefined-symbol', words: 'undefined symbol' });
    expect(index.verdicts[index.verdict[1]!]!.name).toBe('fail');
    expect(index.whys[index.why[1]!]).toBe('PyObject_SelfIter');
    // Grid positions: bookworm's row holds c:GLOBAL, c:LOCAL, rust:GLOBAL; trixie's is folded.
    expect([index.row, index.column.slice(0, 3)]).toEqual([[0, 0, 0, 1], [0, 1, 2]]);
    expect(index.rows[1]).toMatchObject({ distro: 'trixie', folded: { first: 3, cells: 1, reasons: 'no wheel' } });
    expect(index.rows[0]).toMatchObject({ distro: 'bookworm', python: ['system', '3.11.2'], numpy: ['2.2.6'] });
    // Every detail is the cell's view, field by field.
    expect(page.chunks).toHaveLength(1);
    results.cells.forEach((cell, i) => {
      const view = cellView(cell, results.environments.find((env) => env.key === cell.environment)!, results.matrixFile);
      expect(detail(i)).toEqual(Object.fromEntries(DETAIL_FIELDS.map((name) => [name, view[name]])));
    });
    expect(detail(1).stdout).toBe(failing.output.stdout);
    expect(jsonForScript({ s: '</script>&\u2028' })).toBe('{"s":"\\u003c/script\\u003e\\u0026\\u2028"}');
  });

  it('renders filters hidden, for the script to reveal', () => {
    expect(html).toContain('<form class="filters" id="filters" hidden>');
    for (const key of ['outcome', 'verdict', 'distro', 'python', 'numpy', 'loader', 'flags', 'q']) expect(html).toContain(`data-filter="${key}"`);
  });

  it('marks regressions and lists changes since the baseline, regressions first', () => {
    const baseline = makeResults([...cells.slice(0, 3).map((cell) => ({ ...cell, outcome: 'loaded' as const, verdict: 'pass' as const })), makeCell({ axes: { loader: 'node' } })]);
    const page = renderHtml(results, diffResults(baseline, results));
    expect(page).toMatch(/<td class="cell o-undefined-symbol v-fail regressed"[^>]*><a [^>]*><span class="reg" title="regression since baseline">▲<\/span>/);
    const changes = /<section class="panel" id="changes">[\s\S]*?<\/section>/.exec(page)![0];
    expect(changes).toContain('1 regression · 1 changed · 1 new · 1 removed');
    const kinds = [...changes.matchAll(/<span class="tag (regression|changed|new|removed)">/g)].map((m) => m[1]);
    expect(kinds).toEqual(['regression', 'changed', 'new', 'removed']);
    expect(page).toContain('data-count="regressions"><div class="n">1<');
  });

  it('shows an interrupted banner and a green banner when everything passed', () => {
    expect(renderHtml(makeResults([makeCell()], { interrupted: true }))).toContain('class="banner interrupted"');
    const green = renderHtml(makeResults([makeCell()]));
    expect(green).toContain('class="banner ok"');
    expect(green).not.toContain('class="panel problems"');
  });

  it('shows environment versions, image and build problems', () => {
    const env = { ...results.environments[1]!, buildError: 'E: Unable to locate package <python3.99>', imageId: undefined };
    const page = renderHtml({ ...results, environments: [results.environments[0]!, env] });
    const table = /<table class="list envs">[\s\S]*?<\/table>/.exec(page)![0];
    expect(table).toContain('<td>3.11.2</td><td>2.2.6</td><td>18.20.4</td><td>1.91.1</td>');
    expect(table).toContain('>0123456789ab</td>');
    expect(table).toContain('build error');
    expect(table).toContain('E: Unable to locate package &lt;python3.99&gt;');
    expect(environmentsSummary(page)).toContain('1 ran · 0 skipped · <span class="bad">1 build error</span>');
  });

  it('puts the environments right after the summary cards and the failures, before the grid', () => {
    const at = (page: string, marker: string) => {
      expect(page).toContain(marker);
      return page.indexOf(marker);
    };
    expect(at(html, 'class="cards"')).toBeLessThan(at(html, 'class="panel problems"'));
    expect(at(html, 'class="panel problems"')).toBeLessThan(at(html, 'id="environments"'));
    expect(at(html, 'id="environments"')).toBeLessThan(at(html, 'id="matrix"'));
    expect(at(html, 'id="matrix"')).toBeLessThan(at(html, 'id="details"'));
    const green = renderHtml(makeResults([makeCell()]));
    expect(at(green, 'class="banner ok"')).toBeLessThan(at(green, 'id="environments"'));
    expect(at(green, 'id="environments"')).toBeLessThan(at(green, 'class="grid"'));
  });

  it('folds the environments into a <details> with a one-line overview', () => {
    // Two environments: few enough to show open. No script involved: <details> is plain HTML.
    expect(html).toMatch(/<details class="panel environments" id="environments" open><summary><h2>Environments<span class="sub">/);
    expect(environmentsSummary(html)).toBe('2 environments · 2 ran · 0 skipped · 0 build errors · Python 3.11.2 · NumPy 2.2.6');
    // Many environments, all fine: closed; one build error among them: open again.
    const distros = ['bullseye', 'bookworm', 'trixie', 'forky', 'sid'];
    const many = makeResults(distros.map((distro) => makeCell({ axes: { distro } })));
    many.environments[0]!.resolved = { ...many.environments[0]!.resolved, python: '3.9.2', numpy: '1.19.5' };
    many.environments[4] = { ...many.environments[4]!, skipReason: 'no wheel', resolved: { python: '3.13.5' } };
    const closed = renderHtml(many);
    expect(closed).toMatch(/<details class="panel environments" id="environments"><summary>/);
    expect(environmentsSummary(closed)).toBe('5 environments · 4 ran · 1 skipped · 0 build errors · Python 3.9.2, 3.11.2, 3.13.5 · NumPy 1.19.5, 2.2.6');
    many.environments[2] = { ...many.environments[2]!, buildError: 'boom' };
    expect(renderHtml(many)).toMatch(/<details class="panel environments" id="environments" open>/);
  });

  it('shortens long tool versions in the environment table, keeping the full text in a title', () => {
    const page = renderHtml(makeResults([makeCell()], {
      environments: [{ ...results.environments[0]!, resolved: { node: 'v18.20.4', rustc: 'rustc 1.85.0 (4d91de4e4 2025-02-17) (built from a source tarball)' } }],
    }));
    expect(page).toContain('<td>v18.20.4</td><td title="rustc 1.85.0 (4d91de4e4 2025-02-17) (built from a source tarball)">1.85.0</td>');
  });

  it('keeps the environment columns of a wide grid in view (sticky)', () => {
    expect(html).toContain('<div class="gridbox" id="gridbox" hidden><div class="scroll"><table class="grid" id="grid-table">');
    expect(html).toContain('<noscript><div class="gridbox"><div class="scroll"><table class="grid" id="grid-static">');
    expect(html).toMatch(/<th class="distro e1" scope="row">bookworm<\/th><th class="e2">[^<]*<small>3\.11\.2<\/small><\/th><th class="e3">2\.2\.6<\/th>/);
    expect(html).toMatch(/\.grid \.e1,\.grid \.e2,\.grid \.e3\{position:sticky/);
  });

  it('renders the real results of the default matrix and the sample with failures', () => {
    const real = readResultsFile(join(import.meta.dirname, 'fixtures', 'results.real.json'));
    const page = renderHtml(real);
    // Loader x flags x mitigation: 3 loader groups, 14 flags columns, 42 mitigation columns, every cell shown.
    expect(liveGrid(page).match(/<th class="h0[ "]/g)).toHaveLength(3);
    expect(liveGrid(page).match(/<th class="h1[ "]/g)).toHaveLength(14);
    expect(liveGrid(page).match(/<th class="h2[ "]/g)).toHaveLength(42);
    expect(page.match(/<td class="cell /g)).toHaveLength(real.cells.length);
    expect(page).toContain('mitigation promote turns every undefined-symbol cell into loaded (66 of 66 cells)');
    const pinned = readResultsFile(join(import.meta.dirname, 'fixtures', 'results.real-pinned.json'));
    const pinnedPage = renderHtml(pinned);
    // Four environments had no NumPy wheel: each is one folded line instead of 14 skipped cells.
    expect(pinnedPage.match(/<tr class="folded"/g)).toHaveLength(4);
    expect(pinnedPage.match(/<td class="cell /g)).toHaveLength(pinned.cells.length - 4 * 14);
    expect(pinnedPage).toContain('<b>flags alone decides the outcome:</b> RTLD_LOCAL* -&gt; undefined-symbol (44 of 44 cells)');
    expect(page).toContain('loader report (decoded)');
    expect(page).toContain('class="banner ok"');
    // 12 environments, 4 of which have no NumPy wheel: folded, with the overview in its summary.
    expect(page).toMatch(/<details class="panel environments" id="environments"><summary>/);
    expect(environmentsSummary(pinnedPage)).toMatch(/^12 environments · 8 ran · 4 skipped · 0 build errors · Python 3\.9\.2, 3\.11\.2, .* · NumPy 1\.19\.5, /);
    const sample = readResultsFile(join(import.meta.dirname, 'fixtures', 'results.sample.json'));
    const samplePage = renderHtml(sample);
    expect(samplePage.match(/<tr class="problem"/g)).toHaveLength(sample.summary.failed + sample.summary.flaky);
    expect(samplePage.indexOf('id="problems"')).toBeLessThan(samplePage.indexOf('id="environments"'));
  });
});

describe('renderHtml at scale', () => {
  // A realistic run well past the size up to which the page also renders static HTML.
  const cells = 6 * CHUNK_CELLS + 17;
  const { results } = generateResults(cells, 7);
  const html = renderHtml(results);
  const { page, index, chunk, detail } = pageData(html);

  it('is a run of the size it claims, with failures, build errors and skipped cells', () => {
    expect(cells).toBeGreaterThan(STATIC_CELLS_MAX);
    expect(results.cells).toHaveLength(cells);
    expect(results.summary.failed).toBeGreaterThan(LISTED_MAX);
    expect(results.environments.filter((env) => env.buildError).length).toBeGreaterThan(0);
    expect(results.environments.length).toBeGreaterThan(ENVIRONMENTS_OPEN_ON_ERROR_MAX);
  });

  it('leaves the grid and the details to the script, saying so to readers without JavaScript', () => {
    expect(staticGrid(html)).toBe('');
    expect(html).not.toContain('<article class="detail');
    expect(html).not.toContain('<td class="cell');
    expect(html).toContain(`<noscript><p class="empty">This report holds ${cells} cells: its grid and cell details need JavaScript.`);
    expect(liveGrid(html)).toContain('<tr class="placeholder">');
  });

  it('stays within the budget of 20 MB for 100,000 cells: at most 200 bytes a cell', () => {
    // The fixed part (styles, script, header) is small; what grows with the run must not.
    expect(html.length).toBeLessThan(100_000 + 200 * cells);
  });

  it('holds every cell in the index and every detail in its chunk', () => {
    expect(index.cells).toBe(cells);
    expect(page.chunks).toHaveLength(Math.ceil(cells / CHUNK_CELLS));
    for (const name of ['outcome', 'verdict', 'why', 'change', 'column', 'row'] as const) expect(index[name]).toHaveLength(cells);
    for (const column of index.axis) expect(column).toHaveLength(cells);
    const environments = new Map(results.environments.map((env) => [env.key, env]));
    for (const i of [0, CHUNK_CELLS - 1, CHUNK_CELLS, 2 * CHUNK_CELLS + 5, cells - 1]) {
      const cell = results.cells[i]!;
      const view = cellView(cell, environments.get(cell.environment)!, results.matrixFile);
      expect(detail(i)).toEqual(Object.fromEntries(DETAIL_FIELDS.map((name) => [name, view[name]])));
      expect(index.outcomes[index.outcome[i]!]!.name).toBe(cell.outcome);
      expect(index.rows[index.row[i]!]!.key).toBe(cell.environment);
    }
  });

  it('stores each distinct text once per chunk', () => {
    const stdout = DETAIL_FIELDS.indexOf('stdout');
    const data = chunk(1);
    const texts = new Set(results.cells.slice(CHUNK_CELLS, 2 * CHUNK_CELLS).map((cell) => cell.output.stdout));
    expect(data.strings[stdout]).toHaveLength(texts.size);
    expect(texts.size).toBeLessThan(CHUNK_CELLS / 10); // the same outputs repeat: that is what makes it small
  });

  it('lists the first failures, and says how many more there are and where', () => {
    const problems = /<section class="panel problems"[\s\S]*?<\/section>/.exec(html)![0];
    expect(problems.match(/<tr class="problem"/g)).toHaveLength(LISTED_MAX);
    const more = results.summary.failed + results.summary.flaky - LISTED_MAX;
    expect(problems).toContain(`<tr class="more"><td colspan="5">… and ${more} more: <a href="#verdict=fail">show the failed cells in the grid</a></td></tr>`);
    expect(problems).toContain(`${results.summary.failed} cells failed`);
  });

  it('shows a build log in the list of failures by its first lines only', () => {
    const broken = results.cells.find((cell) => cell.outcome === 'build-error')!;
    const lines = broken.reason!.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(10);
    const problems = /<section class="panel problems"[\s\S]*?<\/section>/.exec(html)![0];
    expect(problems).toContain(`<td class="cause">${escapeHtml(lines.slice(0, 4).join('\n'))} …</td>`);
    expect(problems).not.toContain(escapeHtml(lines.at(-1)!));
  });

  it('keeps a long table of environments folded even when builds broke; its summary says how many', () => {
    expect(html).toMatch(/<details class="panel environments" id="environments"><summary>/);
    const broken = results.environments.filter((env) => env.buildError).length;
    expect(environmentsSummary(html)).toContain(`<span class="bad">${broken} build ${broken === 1 ? 'error' : 'errors'}</span>`);
  });

  it('lists the first changes since a baseline, and how many more', () => {
    const baseline = structuredClone(results);
    for (const cell of baseline.cells) if (cell.outcome === 'undefined-symbol') Object.assign(cell, { outcome: 'loaded', verdict: 'pass' });
    const page = renderHtml(results, diffResults(baseline, results));
    const changes = /<section class="panel" id="changes">[\s\S]*?<\/section>/.exec(page)![0];
    const changed = results.cells.filter((cell) => cell.outcome === 'undefined-symbol').length;
    expect(changed).toBeGreaterThan(LISTED_MAX);
    expect(changes.match(/<tr data-cell=/g)).toHaveLength(LISTED_MAX);
    expect(changes).toContain(`… and ${changed - LISTED_MAX} more`);
  });
});
