import type { PairDecl } from '../model/desired';
import { planWaves } from './waves';

const pair = (name: string, primary: string, secondary: string) =>
  ({ kind: 'Pair', name, primary, secondary }) as PairDecl;

/** Every order of `items`: the waves must not depend on the order nodes are named in. */
function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

/** What the waves break of DESIGN §9: a pair in one wave, or a primary not after its secondary. */
function broken(waves: string[][], pairs: readonly PairDecl[]): string[] {
  const waveOf = new Map(waves.flatMap((wave, i) => wave.map((node) => [node, i] as const)));
  return pairs.flatMap((p) => {
    const [primary, secondary] = [waveOf.get(p.primary), waveOf.get(p.secondary)];
    if (primary === undefined || secondary === undefined) return [];
    if (primary === secondary) return [`${p.name}: both in wave ${primary}`];
    return primary < secondary ? [`${p.name}: primary in wave ${primary}, secondary in ${secondary}`] : [];
  });
}

describe('planWaves', () => {
  it('has no wave when no node changes', () => {
    expect(planWaves([], [pair('p', 'a1', 'a2')])).toEqual([]);
  });

  it('changes one node per wave by default: secondaries, then nodes outside pairs, then primaries', () => {
    expect(planWaves(['a1', 'solo', 'a2'], [pair('p', 'a1', 'a2')])).toEqual([['a2'], ['solo'], ['a1']]);
  });

  it('keeps the given order within each rank', () => {
    const pairs = [pair('p', 'a1', 'a2'), pair('q', 'b1', 'b2')];
    expect(planWaves(['b1', 'a1', 'y', 'x', 'b2', 'a2'], pairs)).toEqual([
      ['b2'],
      ['a2'],
      ['y'],
      ['x'],
      ['b1'],
      ['a1'],
    ]);
  });

  it('never puts both nodes of a pair in one wave, however much room there is', () => {
    expect(planWaves(['a1', 'a2'], [pair('p', 'a1', 'a2')], 10)).toEqual([['a2'], ['a1']]);
  });

  it('fills waves up to maxPerWave exactly, nodes of different pairs and outside pairs together', () => {
    const pairs = [pair('p', 'a1', 'a2'), pair('q', 'b1', 'b2')];
    expect(planWaves(['x', 'y', 'z'], [], 2)).toEqual([['x', 'y'], ['z']]);
    expect(planWaves(['x', 'y', 'z'], [], 3)).toEqual([['x', 'y', 'z']]);
    expect(planWaves(['a1', 'a2', 'b1', 'b2', 'solo'], pairs, 2)).toEqual([
      ['a2', 'b2'],
      ['solo', 'a1'],
      ['b1'],
    ]);
  });

  it("puts a primary in the first wave after its secondary's that has room, not always the last", () => {
    const pairs = [pair('p', 'a1', 'a2'), pair('q', 'b1', 'b2')];
    expect(planWaves(['a2', 'b2', 'x', 'y', 'z', 'a1', 'b1'], pairs, 2)).toEqual([
      ['a2', 'b2'],
      ['x', 'y'],
      ['z', 'a1'],
      ['b1'],
    ]);
  });

  it('treats a pair of which only one node changes as no constraint at all', () => {
    // a2 has nothing to change: a1 is ordered and packed like a node outside pairs.
    expect(planWaves(['a1', 'x'], [pair('p', 'a1', 'a2')], 2)).toEqual([['a1', 'x']]);
    expect(planWaves(['a1', 'x'], [pair('p', 'a1', 'a2')])).toEqual([['a1'], ['x']]);
    expect(planWaves(['x', 'a2'], [pair('p', 'a1', 'a2')])).toEqual([['x'], ['a2']]);
  });

  it('changes a secondary shared by two primaries first; the primaries may then share a wave', () => {
    expect(planWaves(['p1', 'p2', 's'], [pair('p', 'p1', 's'), pair('q', 'p2', 's')], 3)).toEqual([
      ['s'],
      ['p1', 'p2'],
    ]);
  });

  it('in a cascade (b is the secondary of a and the primary of c) changes c, then b, then a, whatever the order given', () => {
    const pairs = [pair('ab', 'a', 'b'), pair('bc', 'b', 'c')];
    for (const max of [1, 2, 3]) {
      for (const nodes of permutations(['a', 'b', 'c'])) {
        expect({ nodes, max, waves: planWaves(nodes, pairs, max) }).toEqual({
          nodes,
          max,
          waves: [['c'], ['b'], ['a']],
        });
      }
    }
  });

  it('ends, and keeps the two nodes apart, when two nodes are declared each the primary of the other', () => {
    // Either order breaks one of the two declarations; the secondary of the first placed goes first.
    expect(planWaves(['a', 'b'], [pair('ab', 'a', 'b'), pair('ba', 'b', 'a')], 2)).toEqual([['b'], ['a']]);
  });

  it('keeps every pair apart and every secondary first in a cascade with nodes outside pairs, in every order', () => {
    const pairs = [pair('ab', 'a', 'b'), pair('bc', 'b', 'c'), pair('de', 'd', 'e')];
    for (const max of [1, 2, 3, 6]) {
      for (const nodes of permutations(['a', 'b', 'c', 'd', 'e', 'x'])) {
        const waves = planWaves(nodes, pairs, max);
        expect({ nodes, max, broken: broken(waves, pairs) }).toEqual({ nodes, max, broken: [] });
        expect(waves.flat().sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'x']);
        expect(Math.max(...waves.map((wave) => wave.length))).toBeLessThanOrEqual(max);
      }
    }
  });
});
