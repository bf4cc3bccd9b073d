// results.schema.json is what users validate results.json against: what dlmatrix writes must pass it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { makeCell, makeResults } from '../test-support/make-results.ts';
import { readResultsFile } from './results-file.ts';

const schema = JSON.parse(readFileSync(join(import.meta.dirname, '../../results.schema.json'), 'utf8'));
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats.default(ajv);
const validate = ajv.compile(schema);
const problems = (data: unknown) => (validate(data) ? [] : validate.errors!.map((e) => `${e.instancePath} ${e.message}`));

describe('results.schema.json', () => {
  it('accepts the real default-matrix results with their findings, as written', () => {
    const results = readResultsFile(join(import.meta.dirname, '../report/fixtures/results.real.json'));
    expect(results.findings.statements.length).toBeGreaterThan(0);
    expect(problems(JSON.parse(JSON.stringify(results)))).toEqual([]);
  });

  it('accepts findings with exceptions and mitigation rules, and rejects a malformed finding', () => {
    const cells = ['none', 'promote'].flatMap((mitigation) =>
      ['RTLD_LOCAL|RTLD_NOW', 'linked'].map((flags) =>
        makeCell({ axes: { flags, mitigation }, ...(flags !== 'linked' && mitigation === 'none' && { outcome: 'undefined-symbol', symbol: 'PyObject_SelfIter' }) }),
      ),
    );
    const results = JSON.parse(JSON.stringify(makeResults(cells, { shard: '1/2', selection: { only: ['distro=bookworm'], cells: [] } })));
    expect(results.findings.statements.map((s: { subject: string }) => s.subject)).toEqual(['outcome', 'symbol', 'mitigation']);
    expect(problems(results)).toEqual([]);
    results.findings.statements[0].exact = 'yes';
    expect(problems(results)).toEqual(['/findings/statements/0/exact must be boolean']);
  });
});
