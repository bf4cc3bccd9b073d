import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffResults } from '../results/diff.ts';
import { makeCell, makeResults } from '../test-support/make-results.ts';
import { HtmlReporter } from './html-reporter.ts';

describe('HtmlReporter', () => {
  it('writes index.html at onEnd, with a ready diff when given one', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'dlmatrix-html-')), 'index.html');
    const results = makeResults([makeCell()]);
    new HtmlReporter(path).onEnd(results, diffResults(makeResults([]), results));
    const html = readFileSync(path, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('Changes since baseline');
    expect(html).toContain('<span class="tag new">new</span>');
  });

  it('has no baseline section without a baseline', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'dlmatrix-html-')), 'index.html');
    new HtmlReporter(path).onEnd(makeResults([makeCell()]));
    expect(readFileSync(path, 'utf8')).not.toContain('Changes since baseline');
  });
});
