import { closest, didYouMean, editDistance } from './did-you-mean';

describe('did you mean', () => {
  it('counts insertions, deletions, substitutions and adjacent swaps as one edit each', () => {
    expect(editDistance('packages', 'packages')).toBe(0);
    expect(editDistance('pacakges', 'packages')).toBe(1);
    expect(editDistance('package', 'packages')).toBe(1);
    expect(editDistance('pakcages', 'packages')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('suggests the closest candidate only when it is close for the word’s length', () => {
    expect(closest('pacakges', ['packages', 'sysctls', 'mounts'])).toBe('packages');
    expect(closest('afterr', ['enabled', 'masked', 'after'])).toBe('after');
    expect(closest('xyz', ['packages', 'sysctls'])).toBeUndefined();
    expect(closest('Role', ['Role', 'Node'])).toBe('Role');
    expect(didYouMean('nodes', ['node', 'pair'])).toBe(' — did you mean `node`?');
    expect(didYouMean('zzzz', ['node', 'pair'])).toBe('');
  });
});
