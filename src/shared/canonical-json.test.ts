import { canonicalCopy, canonicalJson, hashOf, verifiedCanonicalText } from './canonical-json';

describe('canonicalJson', () => {
  it('sorts keys at every level and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('reads back as the same value JSON.stringify would give, undefined left out', () => {
    const value = {
      text: 'line\n"quoted"\u0000',
      n: -0.5,
      t: true,
      none: null,
      gone: undefined,
      list: [undefined, 1],
      date: new Date(0),
    };
    expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
  });

  it('hashes equal values equally whatever order their keys were added in', () => {
    expect(hashOf({ a: 1, b: [1, 2] })).toBe(hashOf({ b: [1, 2], a: 1 }));
    expect(hashOf({ a: 1 })).not.toBe(hashOf({ a: 2 }));
    expect(hashOf({ a: 1 })).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});

describe('verifiedCanonicalText', () => {
  const value = { b: [1, { d: 1, c: 2 }], a: 'x' };
  const claimed = hashOf(value);

  it('gives the canonical text when the hash is right, whatever the key order', () => {
    expect(verifiedCanonicalText(value, claimed)).toBe(canonicalJson(value));
    expect(verifiedCanonicalText(canonicalCopy(value), claimed)).toBe(canonicalJson(value));
  });

  it('gives nothing when the content does not have the claimed hash', () => {
    expect(verifiedCanonicalText({ ...value, a: 'y' }, claimed)).toBeUndefined();
  });

  it('copies keep canonical order, so JSON.stringify of a copy is the canonical text', () => {
    expect(JSON.stringify(canonicalCopy(value))).toBe(canonicalJson(value));
  });
});
