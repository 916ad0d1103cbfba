/**
 * The order nodes are changed in (DESIGN §9): a pair is never changed on both nodes in one
 * wave — the secondary first, verified, then the primary — so that a bad fix can take down at
 * most one half of a pair. Nodes outside pairs, and nodes of different pairs, may share a wave
 * up to `maxPerWave`.
 */
import type { PairDecl } from '../model/desired';

export function planWaves(nodes: readonly string[], pairs: readonly PairDecl[], maxPerWave = 1): string[][] {
  const changing = new Set(nodes);
  const relevant = pairs.filter((pair) => changing.has(pair.primary) && changing.has(pair.secondary));
  const partners = new Map<string, Set<string>>();
  const secondariesOf = new Map<string, string[]>();
  for (const pair of relevant) {
    for (const [a, b] of [
      [pair.primary, pair.secondary],
      [pair.secondary, pair.primary],
    ] as const) {
      const set = partners.get(a) ?? new Set<string>();
      set.add(b);
      partners.set(a, set);
    }
    secondariesOf.set(pair.primary, [...(secondariesOf.get(pair.primary) ?? []), pair.secondary]);
  }
  // Secondaries first, then nodes outside pairs, then primaries: a primary waits for its secondary.
  const rank = (node: string): number => (secondariesOf.has(node) ? 2 : partners.has(node) ? 0 : 1);
  const ordered = [...nodes].sort((a, b) => rank(a) - rank(b));
  const waves: string[][] = [];
  const waveOf = new Map<string, number>();
  const placing = new Set<string>();
  const place = (node: string): void => {
    if (placing.has(node)) return;
    placing.add(node);
    // A secondary that is also a primary (a cascade) is placed before its own primary.
    for (const secondary of secondariesOf.get(node) ?? []) place(secondary);
    const after = Math.max(-1, ...(secondariesOf.get(node) ?? []).map((s) => waveOf.get(s) ?? -1));
    let w = after + 1;
    for (; w < waves.length; w++) {
      const wave = waves[w] as string[];
      if (wave.length < maxPerWave && !wave.some((other) => partners.get(node)?.has(other))) break;
    }
    if (w === waves.length) waves.push([]);
    (waves[w] as string[]).push(node);
    waveOf.set(node, w);
  };
  for (const node of ordered) place(node);
  return waves;
}
