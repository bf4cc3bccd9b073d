// Keeps DEPS.list honest: every import in this folder is listed, and none reaches the layers a
// report must not depend on (docker/, run/).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const here = import.meta.dirname;
const list = readFileSync(join(here, 'DEPS.list'), 'utf8').split('\n');
const testsOnlyAt = list.indexOf('# tests only');
const entries = (lines: string[]) => lines.map((line) => line.trim()).filter((line) => line && !line.startsWith('#'));
const always = new Set(entries(list.slice(0, testsOnlyAt)));
const forTests = new Set([...always, ...entries(list.slice(testsOnlyAt))]);

function importsOf(file: string): string[] {
  const source = readFileSync(join(here, file), 'utf8');
  return [...source.matchAll(/^(?:import|export)\b[^;]*?\bfrom '([^']+)'/gms)].map((m) => m[1]!);
}

describe('DEPS.list', () => {
  const files = readdirSync(here).filter((file) => file.endsWith('.ts'));

  it.each(files)('%s imports only what DEPS.list allows', (file) => {
    const allowed = file.endsWith('.test.ts') ? forTests : always;
    expect(importsOf(file).filter((specifier) => !allowed.has(specifier))).toEqual([]);
  });

  it('allows nothing from docker/ or run/', () => {
    expect([...forTests].filter((entry) => /(^|\/)(docker|run)\//.test(entry))).toEqual([]);
  });
});
