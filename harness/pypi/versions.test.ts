import { describe, expect, it } from 'vitest';
import { compareVersions, isFinal } from './versions.ts';

describe('PEP 440 versions', () => {
  it('orders releases, pre-releases, post and dev releases', () => {
    const sorted = ['2.0.0.post1', '1.26.4', '2.0.0', '2.0.0rc1', '2.0.0b1', '2.0.0.dev0', '1.9.0', '2.0.1'].sort(compareVersions);
    expect(sorted).toEqual(['1.9.0', '1.26.4', '2.0.0.dev0', '2.0.0b1', '2.0.0rc1', '2.0.0', '2.0.0.post1', '2.0.1']);
  });

  it('tells final releases from pre-releases', () => {
    expect(['2.0.0', '1.26.4', '2.0.0.post1'].every(isFinal)).toBe(true);
    expect(['2.0.0rc1', '2.1.0b1', '2.0.0.dev0'].some(isFinal)).toBe(false);
  });
});
