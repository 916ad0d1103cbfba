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

  // Each pair is at a spot where a slip in the table shows: the first row or column (a word
  // against nothing, one letter more at the start), half of a swap, two swaps in a row.
  it.each([
    ['ab', '', 2],
    ['spair', 'pair', 1],
    ['abcd', 'badc', 2],
    ['ab', 'bc', 2],
    ['ab', 'ca', 2],
  ])('editDistance(%j, %j) is %i', (a, b, distance) => {
    expect([editDistance(a, b), editDistance(b, a)]).toEqual([distance, distance]);
  });

  it('suggests the closest candidate only when it is close for the word’s length', () => {
    expect(closest('pacakges', ['packages', 'sysctls', 'mounts'])).toBe('packages');
    expect(closest('afterr', ['enabled', 'masked', 'after'])).toBe('after');
    expect(closest('xyz', ['packages', 'sysctls'])).toBeUndefined();
    expect(closest('Role', ['Role', 'Node'])).toBe('Role');
    expect(didYouMean('nodes', ['node', 'pair'])).toBe(' — did you mean `node`?');
    expect(didYouMean('zzzz', ['node', 'pair'])).toBe('');
  });

  it('judges lengths on the lower-cased words it compares (`İ` lower-cases to two code units)', () => {
    expect(closest('İİİ', ['i\u0307i\u0307i\u0307'])).toBe('i\u0307i\u0307i\u0307');
  });
});
