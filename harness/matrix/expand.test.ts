// The GitHub examples below come from GitHub's "Using a matrix strategy" documentation page
// (docs.github.com/actions/using-jobs/using-a-matrix-for-your-jobs); numbers written unquoted
// there appear here as the strings the loader turns them into.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expandMatrix, matrixCombinations, productSize } from './expand.ts';
import type { Combination, MatrixConfig, MatrixEntry } from './types.ts';

let nextLine = 1;
/** An entry positioned on its own line, so warnings can be traced back to it. */
function entry(values: Combination): MatrixEntry {
  return { values, at: { file: '/m.yaml', line: nextLine++, col: 7 } };
}

/** Combinations compared without regard to key order, which carries no meaning. */
function sorted(combinations: Combination[]): Combination[] {
  return combinations.map((c) => Object.fromEntries(Object.entries(c).sort(([a], [b]) => a.localeCompare(b))));
}

describe('GitHub documentation examples', () => {
  it('"Example: Using a multi-dimension matrix": first axis varies slowest (job order)', () => {
    const { combinations, warnings } = expandMatrix({ version: ['10', '12', '14'], os: ['ubuntu-latest', 'windows-latest'] }, [], []);
    expect(combinations).toEqual([
      { version: '10', os: 'ubuntu-latest' },
      { version: '10', os: 'windows-latest' },
      { version: '12', os: 'ubuntu-latest' },
      { version: '12', os: 'windows-latest' },
      { version: '14', os: 'ubuntu-latest' },
      { version: '14', os: 'windows-latest' },
    ]);
    expect(warnings).toEqual([]);
  });

  it('"Expanding or adding matrix configurations" (fruit/animal with color, pink+cat, apple+shape, banana, banana+cat)', () => {
    const { combinations, warnings } = expandMatrix(
      { fruit: ['apple', 'pear'], animal: ['cat', 'dog'] },
      [],
      [
        entry({ color: 'green' }),
        entry({ color: 'pink', animal: 'cat' }),
        entry({ fruit: 'apple', shape: 'circle' }),
        entry({ fruit: 'banana' }),
        entry({ fruit: 'banana', animal: 'cat' }),
      ],
    );
    expect(sorted(combinations)).toEqual(
      sorted([
        { fruit: 'apple', animal: 'cat', color: 'pink', shape: 'circle' },
        { fruit: 'apple', animal: 'dog', color: 'green', shape: 'circle' },
        { fruit: 'pear', animal: 'cat', color: 'pink' },
        { fruit: 'pear', animal: 'dog', color: 'green' },
        { fruit: 'banana' },
        { fruit: 'banana', animal: 'cat' },
      ]),
    );
    expect(warnings).toEqual([]);
  });

  it('"Example: Expanding configurations" (os x node, include {windows-latest, 16, npm: 6})', () => {
    const { combinations } = expandMatrix(
      { os: ['windows-latest', 'ubuntu-latest'], node: ['14', '16'] },
      [],
      [entry({ os: 'windows-latest', node: '16', npm: '6' })],
    );
    expect(combinations).toEqual([
      { os: 'windows-latest', node: '14' },
      { os: 'windows-latest', node: '16', npm: '6' },
      { os: 'ubuntu-latest', node: '14' },
      { os: 'ubuntu-latest', node: '16' },
    ]);
  });

  it('"Example: Adding configurations" (include {windows-latest, 17} is a job of its own)', () => {
    const { combinations } = expandMatrix(
      { os: ['windows-latest', 'ubuntu-latest'], node: ['12', '14', '16'] },
      [],
      [entry({ os: 'windows-latest', node: '17' })],
    );
    expect(combinations).toHaveLength(7);
    expect(combinations[6]).toEqual({ os: 'windows-latest', node: '17' });
  });

  it('"Example: Adding configurations" without matrix variables (site/datacenter: 2 jobs)', () => {
    const { combinations, warnings } = expandMatrix(
      {},
      [],
      [entry({ site: 'production', datacenter: 'site-a' }), entry({ site: 'staging', datacenter: 'site-b' })],
    );
    expect(combinations).toEqual([
      { site: 'production', datacenter: 'site-a' },
      { site: 'staging', datacenter: 'site-b' },
    ]);
    expect(warnings).toEqual([]);
  });

  it('"Excluding matrix configurations" (os x version x environment, 2 excludes -> 9 jobs)', () => {
    const { combinations, warnings } = expandMatrix(
      {
        os: ['macos-latest', 'windows-latest'],
        version: ['12', '14', '16'],
        environment: ['staging', 'production'],
      },
      [
        entry({ os: 'macos-latest', version: '12', environment: 'production' }),
        entry({ os: 'windows-latest', version: '16' }),
      ],
      [],
    );
    expect(combinations).toHaveLength(9);
    expect(combinations).not.toContainEqual({ os: 'macos-latest', version: '12', environment: 'production' });
    expect(combinations).toContainEqual({ os: 'macos-latest', version: '12', environment: 'staging' });
    // A partial match is enough: both windows/16 jobs are gone.
    expect(combinations.filter((c) => c.os === 'windows-latest' && c.version === '16')).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('"Handling failures" (version [6, 7, 8] x experimental [false], include {version: 9, experimental: true})', () => {
    const { combinations } = expandMatrix(
      { version: ['6', '7', '8'], experimental: ['false'] },
      [],
      [entry({ version: '9', experimental: 'true' })],
    );
    expect(combinations).toEqual([
      { version: '6', experimental: 'false' },
      { version: '7', experimental: 'false' },
      { version: '8', experimental: 'false' },
      { version: '9', experimental: 'true' },
    ]);
  });

  it('"Example: Preventing a specific failing matrix job from failing a workflow run" (node x os x experimental, include node 15)', () => {
    const { combinations } = expandMatrix(
      { node: ['13', '14'], os: ['macos-latest', 'ubuntu-latest'], experimental: ['false'] },
      [],
      [entry({ node: '15', os: 'ubuntu-latest', experimental: 'true' })],
    );
    expect(combinations).toHaveLength(5);
    expect(combinations.filter((c) => c.experimental === 'true')).toEqual([{ node: '15', os: 'ubuntu-latest', experimental: 'true' }]);
  });

  it('include adds `experimental: true` to the one combination it matches (os/node style)', () => {
    const { combinations } = expandMatrix(
      { os: ['ubuntu-latest', 'windows-latest'], node: ['18', '20'] },
      [],
      [entry({ os: 'ubuntu-latest', node: '20', experimental: 'true' })],
    );
    expect(combinations).toEqual([
      { os: 'ubuntu-latest', node: '18' },
      { os: 'ubuntu-latest', node: '20', experimental: 'true' },
      { os: 'windows-latest', node: '18' },
      { os: 'windows-latest', node: '20' },
    ]);
  });
});

describe('exclude', () => {
  const axes = { distro: ['bookworm', 'trixie'], loader: ['c', 'node'] };

  it('removes every combination that has all of its values', () => {
    const { combinations } = expandMatrix(axes, [entry({ loader: 'node' })], []);
    expect(combinations).toEqual([
      { distro: 'bookworm', loader: 'c' },
      { distro: 'trixie', loader: 'c' },
    ]);
  });

  it('warns at the entry when it matches no combination (a typo, usually)', () => {
    const e = entry({ loader: 'nodejs' });
    const { combinations, warnings } = expandMatrix(axes, [e], []);
    expect(combinations).toHaveLength(4);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ severity: 'warning', at: e.at });
    expect(warnings[0]!.message).toContain('matches no combination');
  });

  it('warns when the values exist but never together', () => {
    const { warnings } = expandMatrix({ a: ['1', '2'], b: ['x'] }, [entry({ a: '1', b: 'y' })], []);
    expect(warnings).toHaveLength(1);
  });

  it('does not warn for an entry made redundant by an earlier one', () => {
    const { combinations, warnings } = expandMatrix(axes, [entry({ loader: 'node' }), entry({ loader: 'node', distro: 'trixie' })], []);
    expect(combinations).toHaveLength(2);
    expect(warnings).toEqual([]);
  });

  it('is applied before include: include can re-add an excluded combination', () => {
    const { combinations, origins } = expandMatrix(
      axes,
      [entry({ distro: 'trixie', loader: 'node' })],
      [entry({ distro: 'trixie', loader: 'node' })],
    );
    expect(combinations).toEqual([
      { distro: 'bookworm', loader: 'c' },
      { distro: 'bookworm', loader: 'node' },
      { distro: 'trixie', loader: 'c' },
      { distro: 'trixie', loader: 'node' },
    ]);
    expect(origins[3]).not.toBeNull();
  });

  it('can exclude everything (zero combinations; the loader reports that)', () => {
    expect(expandMatrix(axes, [entry({ distro: 'bookworm' }), entry({ distro: 'trixie' })], []).combinations).toEqual([]);
  });
});

describe('include', () => {
  const axes = { distro: ['bookworm', 'trixie'], loader: ['c', 'node'] };

  it('an entry with only non-axis keys extends every combination', () => {
    const { combinations } = expandMatrix(axes, [], [entry({ label: 'x' })]);
    expect(combinations.every((c) => c.label === 'x')).toBe(true);
    expect(combinations).toHaveLength(4);
  });

  it('never overwrites an original axis value: a mismatching entry creates a new combination', () => {
    const { combinations } = expandMatrix(axes, [], [entry({ distro: 'forky', label: 'x' })]);
    expect(combinations).toHaveLength(5);
    expect(combinations.slice(0, 4).every((c) => c.label === undefined)).toBe(true);
    expect(combinations[4]).toEqual({ distro: 'forky', label: 'x' });
  });

  it('a later entry may overwrite a value added by an earlier one', () => {
    const { combinations } = expandMatrix(axes, [], [entry({ label: 'a' }), entry({ loader: 'node', label: 'b' })]);
    expect(combinations.map((c) => c.label)).toEqual(['a', 'b', 'a', 'b']);
  });

  it('new combinations are never extended by later entries', () => {
    const { combinations } = expandMatrix(axes, [], [entry({ distro: 'forky' }), entry({ label: 'all' })]);
    expect(combinations[4]).toEqual({ distro: 'forky' });
    expect(combinations.slice(0, 4).every((c) => c.label === 'all')).toBe(true);
  });

  it('only the remaining (not excluded) combinations can be extended', () => {
    const { combinations } = expandMatrix(axes, [entry({ loader: 'node' })], [entry({ loader: 'node', label: 'x' })]);
    // No remaining combination has loader node, so the entry is a combination of its own.
    expect(combinations).toEqual([
      { distro: 'bookworm', loader: 'c' },
      { distro: 'trixie', loader: 'c' },
      { loader: 'node', label: 'x' },
    ]);
  });

  it('new combinations come after the product, in include order; origins name their entry', () => {
    const first = entry({ distro: 'forky', loader: 'c' });
    const second = entry({ distro: 'sid', loader: 'c' });
    const { combinations, origins } = expandMatrix(axes, [], [first, second]);
    expect(combinations.slice(4)).toEqual([first.values, second.values]);
    expect(origins).toEqual([null, null, null, null, first, second]);
  });

  it('warns when an entry adds nothing to the combinations it fits', () => {
    const e = entry({ distro: 'bookworm', loader: 'c' });
    const { combinations, warnings } = expandMatrix(axes, [], [e]);
    expect(combinations).toHaveLength(4);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ severity: 'warning', at: e.at });
    expect(warnings[0]!.message).toContain('adds nothing');
  });

  it('warns when an entry re-sets values an earlier entry already added', () => {
    const { warnings } = expandMatrix(axes, [], [entry({ label: 'x' }), entry({ label: 'x' })]);
    expect(warnings).toHaveLength(1);
  });

  it('does not duplicate an identical new combination, and warns', () => {
    const { combinations, warnings } = expandMatrix(axes, [], [entry({ distro: 'forky' }), entry({ distro: 'forky' })]);
    expect(combinations).toHaveLength(5);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toContain('identical');
  });

  it('an empty entry fits every combination and adds nothing', () => {
    const { combinations, warnings } = expandMatrix(axes, [], [entry({})]);
    expect(combinations).toHaveLength(4);
    expect(warnings).toHaveLength(1);
  });

  it('compares values as strings: "3.12" and the YAML number 3.12 are the same value', () => {
    // The loader stringifies YAML numbers, so 3.12 arrives as "3.12" and fits.
    const { combinations } = expandMatrix({ python: ['3.12', '3.13'] }, [], [entry({ python: String(3.12), extra: 'y' })]);
    expect(combinations).toEqual([{ python: '3.12', extra: 'y' }, { python: '3.13' }]);
  });

  it('values that differ as strings do not fit ("3.1" is not "3.10")', () => {
    const { combinations } = expandMatrix({ python: ['3.10'] }, [], [entry({ python: '3.1', extra: 'y' })]);
    expect(combinations).toEqual([{ python: '3.10' }, { python: '3.1', extra: 'y' }]);
  });
});

describe('product', () => {
  it('zero axes give zero combinations, so include entries each become one', () => {
    expect(expandMatrix({}, [], []).combinations).toEqual([]);
    expect(productSize({})).toBe(0);
  });

  it('an axis without values empties the product', () => {
    expect(expandMatrix({ a: ['1'], b: [] }, [], []).combinations).toEqual([]);
    expect(productSize({ a: ['1'], b: [] })).toBe(0);
  });

  it('has the size of the product of the axis lengths, each combination once (property)', () => {
    const axesArb = fc.dictionary(
      fc.constantFrom('a', 'b', 'c', 'd'),
      fc.uniqueArray(fc.string({ maxLength: 3 }), { minLength: 1, maxLength: 4 }),
    );
    fc.assert(
      fc.property(axesArb, (axes) => {
        const { combinations, warnings } = expandMatrix(axes, [], []);
        expect(combinations).toHaveLength(productSize(axes));
        expect(new Set(combinations.map((c) => JSON.stringify(c))).size).toBe(combinations.length);
        expect(warnings).toEqual([]);
      }),
    );
  });

  it('exclude never adds and include never removes combinations (property)', () => {
    const values = fc.constantFrom('1', '2', '3');
    const axesArb = fc.record({ a: fc.constant(['1', '2']), b: fc.constant(['1', '2', '3']) });
    const entryArb = fc.dictionary(fc.constantFrom('a', 'b', 'x'), values, { minKeys: 1 });
    fc.assert(
      fc.property(axesArb, fc.array(entryArb, { maxLength: 3 }), fc.array(entryArb, { maxLength: 3 }), (axes, ex, inc) => {
        const exclude = ex.filter((e) => !('x' in e)).map((values) => entry(values));
        const afterExclude = expandMatrix(axes, exclude, []).combinations;
        const full = expandMatrix(axes, exclude, inc.map((values) => entry(values))).combinations;
        expect(afterExclude.length).toBeLessThanOrEqual(6);
        expect(full.length).toBeGreaterThanOrEqual(afterExclude.length);
        // Original axis values are never overwritten: the first combinations keep them.
        afterExclude.forEach((c, i) => expect(full[i]).toMatchObject(c));
      }),
    );
  });
});

describe('matrixCombinations', () => {
  it('expands a loaded config with the same rules', () => {
    const config = {
      axes: { distro: ['bookworm'], loader: ['c', 'node'] },
      exclude: [entry({ loader: 'node' })],
      include: [entry({ label: 'x' })],
      loaders: {},
    } as unknown as MatrixConfig;
    expect(matrixCombinations(config)).toEqual([{ distro: 'bookworm', loader: 'c', label: 'x' }]);
  });
});
