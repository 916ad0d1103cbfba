import * as fs from 'node:fs';
import * as path from 'node:path';
import type { NodeState } from '../model/state';
import { deepFreeze } from '../shared/deep-freeze';
import { parity } from '.';

const example = (name: string): NodeState =>
  JSON.parse(fs.readFileSync(path.join(__dirname, '../../examples/states', name), 'utf8')) as NodeState;

/** A state as the server's evaluation worker holds it: every category value frozen. */
function frozen(state: NodeState): NodeState {
  const copy = structuredClone(state);
  for (const value of Object.values(copy)) if (value !== null && typeof value === 'object') deepFreeze(value);
  return copy;
}

describe('parity of frozen states, remembered', () => {
  const primary = example('pypi-1.json');
  const secondary = example('pypi-2.json');
  const options = { labels: { first: 'primary', second: 'secondary' }, ignore: { packages: ['python3-*'] } };

  it('gives the same findings as parity of states that can change, the first time and after', () => {
    const expected = parity(primary, secondary, options);
    expect(expected.length).toBeGreaterThan(5);
    const [a, b] = [frozen(primary), frozen(secondary)];
    expect(parity(a, b, options)).toEqual(expected);
    expect(parity(a, b, options)).toEqual(expected);
  });

  it('remembers per pair of values and per everything else the comparison reads', () => {
    const [a, b] = [frozen(primary), frozen(secondary)];
    const first = parity(a, b, options);
    // The same finding objects: remembered, not compared again.
    expect(parity(a, b, options)[0]).toBe(first[0]);
    // Other ignore rules, labels or order: each as parity of plain states says.
    const noIgnore = { ...options, ignore: {} };
    expect(parity(a, b, noIgnore)).toEqual(parity(primary, secondary, noIgnore));
    expect(parity(a, b, noIgnore).length).toBeGreaterThan(first.length); // python3-* no longer ignored
    const relabelled = { labels: { first: 'left', second: 'right' } };
    expect(parity(a, b, relabelled)).toEqual(parity(primary, secondary, relabelled));
    expect(parity(a, b, relabelled)[0]).not.toBe(first[0]);
    expect(parity(b, a, options)).toEqual(parity(secondary, primary, options));
    expect(parity(b, a, options)[0]).not.toBe(first[0]);
  });

  it('compares again when the values can change', () => {
    const a = structuredClone(primary);
    const before = parity(a, secondary, options);
    a.packages!.items = {}; // every package gone from the primary
    const after = parity(a, secondary, options);
    expect(after).not.toEqual(before);
    expect(after.some((f) => f.category === 'packages' && f.message.includes('only on secondary'))).toBe(
      true,
    );
  });

  it('freezes what it gives back, so no caller can change what the next one gets', () => {
    const [a, b] = [frozen(primary), frozen(secondary)];
    const found = parity(a, b, options)[0]!;
    expect(() => {
      (found as { message: string }).message = 'changed';
    }).toThrow(TypeError);
  });
});
