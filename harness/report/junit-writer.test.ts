import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffResults } from '../results/diff.ts';
import { makeCell, makeResults } from '../test-support/make-results.ts';
import { readResultsFile } from '../results/results-file.ts';
import { summarize } from '../results/summary.ts';
import { OUTCOMES } from '../results/run-results.ts';
import type { CellResult, RunResults, Verdict } from '../results/run-results.ts';
import { GITLAB_JUNIT_LIMIT, JUNIT_OUTPUT, junitClassname, renderJUnit as junitPieces } from './junit-writer.ts';

const renderJUnit = (...args: Parameters<typeof junitPieces>) => [...junitPieces(...args)].join('');

const XSD = join(import.meta.dirname, 'fixtures', 'junit-10.xsd');

/** Validates with the real validator: xmllint against Jenkins xUnit's junit-10.xsd. */
function validate(xml: string): { ok: boolean; errors: string } {
  const run = spawnSync('xmllint', ['--noout', '--schema', XSD, '-'], { input: xml, encoding: 'utf8' });
  if (run.error) throw new Error(`xmllint is needed for this test (Debian: apt-get install libxml2-utils): ${run.error.message}`);
  return { ok: run.status === 0, errors: run.stderr };
}

/** Queries the document with a real XML parser. */
const xpath = (xml: string, expression: string) =>
  execFileSync('xmllint', ['--xpath', expression, '-'], { input: xml, encoding: 'utf8' }).trim();

describe('renderJUnit', () => {
  const cells: CellResult[] = [
    makeCell({ axes: { loader: 'c', flags: 'RTLD_GLOBAL|RTLD_NOW' } }),
    makeCell({
      axes: { loader: 'c', flags: 'RTLD_LOCAL|RTLD_NOW' },
      outcome: 'undefined-symbol',
      symbol: 'PyObject_SelfIter',
      reason: 'ImportError: _multiarray_umath.so: undefined symbol: PyObject_SelfIter',
      verdict: 'fail',
      command: ['/opt/dlm/bin/loader-c', '/opt/dlm/lib/libdlmatrix_fixture.so', 'RTLD_LOCAL|RTLD_NOW', 'numpy'],
      exitCode: 0,
      output: { stdout: 'probe said <no> & "failed" ]]> here\n', stderr: 'warning\n' },
    }),
    makeCell({ axes: { loader: 'rust' }, outcome: 'crash', signal: 'SIGSEGV', reason: 'killed by SIGSEGV', verdict: 'fail', exitCode: null }),
    makeCell({ axes: { loader: 'node' }, outcome: 'timeout', reason: 'no result after 60 s', verdict: 'fail' }),
    makeCell({ axes: { loader: 'rust', flags: 'RTLD_LOCAL|RTLD_NOW' }, verdict: 'flaky', attempts: 3 }),
    makeCell({ axes: { distro: 'bullseye', numpy: '1.26.4', loader: 'node' }, outcome: 'skipped', reason: 'Node.js v12 is too old for koffi', verdict: 'skip' }),
    makeCell({ axes: { distro: 'bullseye', numpy: '1.26.4', loader: 'c' }, outcome: 'build-error', reason: 'pip failed', verdict: 'fail' }),
    makeCell({ axes: { distro: 'bullseye', numpy: '1.26.4', loader: 'rust' }, outcome: 'crash', signal: 'SIGABRT', expected: ['crash'], verdict: 'pass' }),
  ];
  const results = makeResults(cells);
  const xml = renderJUnit(results);

  it('validates against junit-10.xsd', () => {
    expect(validate(xml)).toEqual({ ok: true, errors: '- validates\n' });
  });

  it('has one testsuite per environment and one testcase per cell', () => {
    expect(xpath(xml, 'count(/testsuites/testsuite)')).toBe('2');
    expect(xpath(xml, 'count(//testcase)')).toBe(String(cells.length));
    expect(xpath(xml, 'string(/testsuites/testsuite[1]/@name)')).toBe('bookworm / python system (3.11.2) / numpy 2.2.6');
    expect(xpath(xml, 'string(/testsuites/testsuite[1]/@package)')).toBe('dlmatrix.bookworm.pysystem.numpy2_2_6');
  });

  it('counts failures, errors and skips per suite and in total (testsuites has no skipped attribute)', () => {
    const attrs = (path: string) =>
      ['tests', 'failures', 'errors', 'skipped'].map((name) => xpath(xml, `string(${path}/@${name})`));
    expect(attrs('/testsuites')).toEqual(['8', '1', '3', '']);
    expect(attrs('/testsuites/testsuite[1]')).toEqual(['5', '1', '2', '0']);
    expect(attrs('/testsuites/testsuite[2]')).toEqual(['3', '0', '1', '1']);
    expect(xpath(xml, 'count(//testcase/failure)')).toBe('1');
    expect(xpath(xml, 'count(//testcase/error)')).toBe('3');
    expect(xpath(xml, 'count(//testcase/skipped)')).toBe('1');
    expect(xpath(xml, 'string(/testsuites/@time)')).toBe('431.877');
  });

  it('names testcases by loader and flags, with a stable dotted classname', () => {
    const testcase = '//testcase[@name="c RTLD_LOCAL|RTLD_NOW"]';
    expect(xpath(xml, `string(${testcase}/@classname)`)).toBe('dlmatrix.bookworm.pysystem.numpy2_2_6');
    expect(xpath(xml, `string(${testcase}/@time)`)).toBe('0.250');
    expect(junitClassname({ distro: 'trixie', python: '3.13', numpy: 'system' })).toBe('dlmatrix.trixie.py3_13.numpysystem');
  });

  it('explains a missed expectation in the failure body, which GitLab shows', () => {
    const failure = '//testcase[@name="c RTLD_LOCAL|RTLD_NOW"]/failure';
    expect(xpath(xml, `string(${failure}/@type)`)).toBe('undefined-symbol');
    expect(xpath(xml, `string(${failure}/@message)`)).toBe(
      'expected loaded, got undefined-symbol PyObject_SelfIter: ImportError: _multiarray_umath.so: undefined symbol: PyObject_SelfIter',
    );
    const body = xpath(xml, `string(${failure})`);
    expect(body).toContain('expected:  loaded\nactual:    undefined-symbol PyObject_SelfIter\nreason:    ImportError');
    expect(body).toContain(`command:   /opt/dlm/bin/loader-c /opt/dlm/lib/libdlmatrix_fixture.so 'RTLD_LOCAL|RTLD_NOW' numpy`);
    expect(body).toContain(`rerun:     npx dlmatrix run --config matrix.yaml --cell 'bookworm/py-system/np-2.2.6/c/RTLD_LOCAL|RTLD_NOW'`);
  });

  it('reports crashes, timeouts and build errors that were not expected as errors', () => {
    expect(xpath(xml, 'string(//testcase[@name="rust RTLD_GLOBAL|RTLD_NOW"]/error/@type)')).toBe('crash');
    expect(xpath(xml, 'string(//testcase[@name="node RTLD_GLOBAL|RTLD_NOW"]/error/@type)')).toBe('timeout');
    expect(xpath(xml, 'string(/testsuites/testsuite[2]/testcase[@name="c RTLD_GLOBAL|RTLD_NOW"]/error/@type)')).toBe('build-error');
    // An expected crash passes.
    const expectedCrash = '/testsuites/testsuite[2]/testcase[@name="rust RTLD_GLOBAL|RTLD_NOW"]';
    expect(xpath(xml, `count(${expectedCrash}/error | ${expectedCrash}/failure)`)).toBe('0');
  });

  it('marks skipped cells with the reason', () => {
    expect(xpath(xml, 'string(//testcase[@name="node RTLD_GLOBAL|RTLD_NOW"]/skipped/@message)')).toBe('Node.js v12 is too old for koffi');
  });

  it('counts a flaky cell as passed but records a flakyFailure', () => {
    const flaky = '//testcase[@name="rust RTLD_LOCAL|RTLD_NOW"]';
    expect(xpath(xml, `count(${flaky}/failure | ${flaky}/error)`)).toBe('0');
    expect(xpath(xml, `string(${flaky}/flakyFailure/@message)`)).toBe('failed 2 of 3 attempts, then passed with loaded');
    expect(xpath(xml, `string(${flaky}/flakyFailure/@type)`)).toBe('flaky');
    expect(xpath(xml, `string(${flaky}/flakyFailure/stackTrace)`)).toContain('rerun:');
  });

  it('writes one flakyFailure per earlier attempt with what it gave (Surefire convention), still valid', () => {
    const cell = makeCell({
      verdict: 'flaky',
      attempts: 3,
      previousAttempts: [
        { outcome: 'crash', signal: 'SIGSEGV', exitCode: 139, reason: 'the loader was killed by SIGSEGV' },
        { outcome: 'timeout', exitCode: 124 },
      ],
    });
    const doc = renderJUnit(makeResults([cell]));
    expect(validate(doc).ok).toBe(true);
    expect(xpath(doc, 'count(//testcase/flakyFailure)')).toBe('2');
    expect(xpath(doc, 'string(//testcase/flakyFailure[1]/@message)')).toBe('crash SIGSEGV, then passed with loaded');
    expect(xpath(doc, 'string(//testcase/flakyFailure[2]/@type)')).toBe('timeout');
    expect(xpath(doc, 'string(//testcase/flakyFailure[1]/stackTrace)')).toContain('attempt 1 of 3: crash SIGSEGV');
    expect(xpath(doc, 'string(/testsuites/@failures)')).toBe('0');
  });

  it('keeps captured output in system-out and system-err, escaped', () => {
    const testcase = '//testcase[@name="c RTLD_LOCAL|RTLD_NOW"]';
    expect(xpath(xml, `string(${testcase}/system-out)`)).toBe('probe said <no> & "failed" ]]> here');
    expect(xpath(xml, `string(${testcase}/system-err)`)).toBe('warning');
    expect(xml).toContain('probe said &lt;no&gt; &amp; "failed" ]]&gt; here');
  });

  it('puts environment and per-cell properties in the suite (junit-10.xsd has none on testcase)', () => {
    const property = (name: string) => xpath(xml, `string(/testsuites/testsuite[1]/properties/property[@name="${name}"]/@value)`);
    expect(property('resolved.python')).toBe('3.11.2');
    expect(property('resolved.rustc')).toBe('1.91.1');
    expect(property('image')).toBe('dlmatrix/env:bookworm');
    expect(property('cell[c RTLD_LOCAL|RTLD_NOW].outcome')).toBe('undefined-symbol');
    expect(property('cell[c RTLD_LOCAL|RTLD_NOW].expected')).toBe('loaded');
    expect(property('cell[c RTLD_LOCAL|RTLD_NOW].symbol')).toBe('PyObject_SelfIter');
    expect(property('cell[c RTLD_LOCAL|RTLD_NOW].axis.flags')).toBe('RTLD_LOCAL|RTLD_NOW');
    expect(property('cell[c RTLD_LOCAL|RTLD_NOW].change')).toBe('');
  });

  it('adds baseline outcome and change when given a diff', () => {
    const baseline = makeResults(cells.map((cell) => ({ ...cell, outcome: 'loaded', verdict: 'pass' })));
    const withDiff = renderJUnit(results, diffResults(baseline, results));
    expect(validate(withDiff).ok).toBe(true);
    const property = (name: string) => xpath(withDiff, `string(//property[@name="${name}"]/@value)`);
    expect(property('cell[c RTLD_LOCAL|RTLD_NOW].baseline.outcome')).toBe('loaded');
    expect(property('cell[c RTLD_LOCAL|RTLD_NOW].change')).toBe('regression');
    expect(xpath(withDiff, 'string(//testcase[@name="c RTLD_LOCAL|RTLD_NOW"]/failure)')).toContain('baseline:  loaded (pass) -> regression');
  });

  it('keeps multi-line attribute values intact', () => {
    const multi = renderJUnit(makeResults([makeCell({ outcome: 'skipped', verdict: 'skip', reason: 'line one\n\tline two' })]));
    expect(xpath(multi, 'string(//skipped/@message)')).toBe('line one\n\tline two');
  });

  it("repeats a failing cell's output (cut to its head and tail), never a passing cell's", () => {
    const long = `${'a'.repeat(JUNIT_OUTPUT)}${'z'.repeat(100)}`;
    const doc = renderJUnit(makeResults([makeCell({ axes: { loader: 'c' }, output: { stdout: 'passing output\n', stderr: 'passing err\n' } }), makeCell({ axes: { loader: 'rust' }, outcome: 'crash', verdict: 'fail', output: { stdout: long, stderr: '' } })]));
    expect(xpath(doc, 'count(//testcase[@name="c RTLD_GLOBAL|RTLD_NOW"]/system-out | //testcase[@name="c RTLD_GLOBAL|RTLD_NOW"]/system-err)')).toBe('0');
    const out = xpath(doc, 'string(//testcase[@name="rust RTLD_GLOBAL|RTLD_NOW"]/system-out)');
    expect(out.length).toBeLessThan(long.length);
    expect(out).toMatch(/^a+\n\[dlmatrix: \d+ characters left out here; results\.json has up to 64 KiB\]\na+z{100}$/);
  });

  it('stays within its budget, failing cells first, and says what it left out (still valid)', () => {
    const many = Array.from({ length: 400 }, (_, i) =>
      makeCell({
        axes: { loader: `host${i}` },
        ...(i % 4 === 0 && { outcome: 'crash' as const, verdict: 'fail' as const, reason: 'the loader was killed by SIGSEGV', output: { stdout: 'x'.repeat(3000), stderr: 'y'.repeat(3000) } }),
      }),
    );
    const budget = 200_000;
    const doc = renderJUnit(makeResults(many), undefined, budget);
    expect(Buffer.byteLength(doc)).toBeLessThan(budget);
    expect(validate(doc).ok).toBe(true);
    expect(xpath(doc, 'count(//testcase)')).toBe('400');
    expect(xpath(doc, 'count(//testcase/error)')).toBe('100');
    // The first failing cells keep their explanation and output; the rest keep their message.
    expect(xpath(doc, 'string((//testcase/error)[1])')).toContain('rerun:');
    expect(xpath(doc, 'string((//testcase/error)[100]/@message)')).toBe('expected loaded, got crash: the loader was killed by SIGSEGV');
    expect(xpath(doc, 'string((//testcase/error)[100])')).toBe('');
    expect(xpath(doc, 'string(//property[@name="dlmatrix.omitted"]/@value)')).toMatch(
      /^the explanation, properties and output of \d+ failing or flaky cells; the properties of 300 other cells: left out to keep junit\.xml under GitLab's 30 MB limit; results\.json and index\.html have every cell$/,
    );
  });

  it("is under GitLab's 30 MB limit at 100,000 cells, a third of them failing with output", () => {
    const cells = Array.from({ length: 100_000 }, (_, i) =>
      makeCell({
        axes: { distro: `distro${i % 50}`, numpy: `1.${Math.floor(i / 50) % 20}.0`, python: `3.${Math.floor(i / 1000) % 10}`, loader: `loader-${i % 7}`, flags: ['RTLD_LOCAL|RTLD_NOW', 'RTLD_GLOBAL|RTLD_LAZY|RTLD_DEEPBIND'][i % 2]!, mitigation: ['none', 'promote', 'preload'][i % 3]! },
        ...(i % 3 === 0 && { outcome: 'undefined-symbol' as const, symbol: 'PyObject_SelfIter', verdict: 'fail' as const, reason: 'x.so: undefined symbol: PyObject_SelfIter', output: { stdout: 's'.repeat(4000), stderr: 'e'.repeat(1000) } }),
      }),
    );
    let size = 0;
    // The run's header and environments without its findings: they are not what this test is about.
    const results = { ...makeResults(cells.slice(0, 1)), cells, summary: summarize(cells) };
    results.environments = makeResults(cells.filter((cell, i) => i < 1000)).environments;
    for (const piece of junitPieces(results)) size += Buffer.byteLength(piece);
    expect(size).toBeLessThan(GITLAB_JUNIT_LIMIT);
    expect(size).toBeGreaterThan(GITLAB_JUNIT_LIMIT / 2); // it used the room it has
  });

  it('validates an empty run and the realistic fixture', () => {
    expect(validate(renderJUnit(makeResults([]))).ok).toBe(true);
    const real = readResultsFile(join(import.meta.dirname, 'fixtures', 'results.real.json'));
    expect(validate(renderJUnit(real))).toEqual({ ok: true, errors: '- validates\n' });
  });
});

describe('renderJUnit with hostile captured text', () => {
  // Arbitrary bytes as a loader might print them (decoded as the runner does), arbitrary UTF-16
  // (lone surrogates, U+FFFE, controls), arbitrary code points, and known troublemakers.
  const bytes = fc.uint8Array({ maxLength: 120 }).map((b) => Buffer.from(b).toString('utf8'));
  const utf16 = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 60 });
  const hostile = fc.constantFrom(']]>', '<![CDATA[', '</testcase>', '<script>', '&amp;', '&#0;', '"\'<>&', '\x1b[31m', '\x1b]0;t\x07', '\0', '\r', '\ufffe', '\ud800', '\udfff');
  const text = fc.oneof(
    bytes,
    utf16,
    fc.string({ unit: 'binary', maxLength: 60 }),
    fc.array(fc.oneof(hostile, utf16), { maxLength: 8 }).map((parts) => parts.join('')),
  );
  const verdict = fc.constantFrom<Verdict>('pass', 'fail', 'flaky', 'skip');

  const cell = fc
    .record({
      stdout: text,
      stderr: text,
      reason: fc.option(text, { nil: undefined }),
      symbol: fc.option(text, { nil: undefined }),
      signal: fc.option(text, { nil: undefined }),
      axes: fc.record({ distro: text, python: text, numpy: text, loader: text, flags: text }),
      extraAxis: fc.option(fc.tuple(text, text), { nil: undefined }),
      id: text,
      outcome: fc.constantFrom(...OUTCOMES),
      verdict,
      command: fc.option(fc.array(text, { maxLength: 3 }), { nil: undefined }),
      attempts: fc.integer({ min: 0, max: 4 }),
      durationMs: fc.oneof(fc.integer({ min: 0, max: 10_000_000 }), fc.double()),
    })
    .map(({ stdout, stderr, extraAxis, axes, ...rest }) =>
      makeCell({ ...rest, axes: { ...axes, ...(extraAxis && { [extraAxis[0]]: extraAxis[1] }) }, output: { stdout, stderr } }),
    );

  const run = fc
    .record({
      cells: fc.array(cell, { minLength: 1, maxLength: 6 }),
      matrixFile: text,
      hostname: text,
      skipReason: fc.option(text, { nil: undefined }),
      buildError: fc.option(text, { nil: undefined }),
      interrupted: fc.boolean(),
    })
    .map(({ cells, matrixFile, hostname, skipReason, buildError, interrupted }): RunResults => {
      const results = makeResults(cells, { matrixFile, interrupted, host: { hostname, platform: 'linux-x64' } });
      results.environments[0] = { ...results.environments[0]!, skipReason, buildError };
      return results;
    });

  it('always produces XML that xmllint validates against junit-10.xsd', () => {
    fc.assert(
      fc.property(run, fc.boolean(), (results, withBaseline) => {
        const baseline = withBaseline ? { ...results, cells: results.cells.map((c) => ({ ...c, outcome: 'loaded' as const, verdict: 'pass' as const })) } : undefined;
        const xml = renderJUnit(results, baseline && diffResults(baseline, results));
        const { ok, errors } = validate(xml);
        if (!ok) throw new Error(`xmllint rejected the document:\n${errors}`);
      }),
      { numRuns: 50 },
    );
  });
});
