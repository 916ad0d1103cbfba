import { canonicalJson, hashOf } from './canonical-json';

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
