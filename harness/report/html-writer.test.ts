import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffResults } from '../results/diff.ts';
import { makeCell, makeResults } from '../test-support/make-results.ts';
import { readResultsFile } from '../results/results-file.ts';
import type { CellResult } from '../results/run-results.ts';
import { escapeHtml, jsonForScript, renderHtml } from './html-writer.ts';
import { rerunCommand } from './rerun.ts';

const XSS_SCRIPT = '<script>window.__xss=1</script>';
const XSS_ATTR = '"><img src=x onerror="window.__xss=2">';
const XSS_SINGLE = `' onmouseover='window.__xss=3`;

/** The JSON island, parsed as the page's script parses it. */
function dataIsland(html: string): { axes: string[]; cells: { i: number; id: string; axes: Record<string, string>; outcome: string; verdict: string; change?: string }[] } {
  const match = /<script type="application\/json" id="dlmatrix-data">([^<]*)<\/script>/.exec(html);
  expect(match).not.toBeNull();
  return JSON.parse(match![1]!);
}

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
    const tbody = /<table class="grid"[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(html)![1]!;
    expect(tbody.match(/<tr /g)).toHaveLength(2);
    expect(html.match(/<th class="h1[ "]/g)).toHaveLength(3); // c:GLOBAL, c:LOCAL, rust:GLOBAL
    expect(html.match(/<th class="h0[ "]/g)).toHaveLength(2);
    expect(html).toContain('<th class="h0" colspan="2" data-cols="c0 c1" scope="colgroup" title="loader=c"><span>c</span></th><th class="h0 gs" colspan="1" data-cols="c2" scope="col" title="loader=rust"><span>rust</span></th>');
    expect(html.match(/<td class="cell /g)).toHaveLength(3);
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
    expect(page.match(/<th class="h0[ "]/g)).toHaveLength(4);
    expect(page.match(/<th class="h1[ "]/g)).toHaveLength(12);
    expect(page.match(/<th class="h2[ "]/g)).toHaveLength(24);
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
    expect(dataIsland(page).cells[0]!.axes[XSS_SCRIPT]).toBe('</script><script>window.__xss=4</script>');
  });

  it('embeds the data the filters need, and it round-trips', () => {
    const data = dataIsland(html);
    expect(data.axes).toEqual(['distro', 'python', 'numpy', 'loader', 'flags']);
    expect(data.cells).toHaveLength(4);
    expect(data.cells[1]).toEqual({ i: 1, id: failing.id, axes: failing.axes, outcome: 'undefined-symbol', verdict: 'fail' });
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
    expect(html).toContain('<div class="gridbox"><div class="scroll"><table class="grid" id="grid-table">');
    expect(html).toMatch(/<th class="distro e1" scope="row">bookworm<\/th><th class="e2">[^<]*<small>3\.11\.2<\/small><\/th><th class="e3">2\.2\.6<\/th>/);
    expect(html).toMatch(/\.grid \.e1,\.grid \.e2,\.grid \.e3\{position:sticky/);
  });

  it('renders the real results of the default matrix and the sample with failures', () => {
    const real = readResultsFile(join(import.meta.dirname, 'fixtures', 'results.real.json'));
    const page = renderHtml(real);
    // Loader x flags x mitigation: 3 loader groups, 14 flags columns, 42 mitigation columns, every cell shown.
    expect(page.match(/<th class="h0[ "]/g)).toHaveLength(3);
    expect(page.match(/<th class="h1[ "]/g)).toHaveLength(14);
    expect(page.match(/<th class="h2[ "]/g)).toHaveLength(42);
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
