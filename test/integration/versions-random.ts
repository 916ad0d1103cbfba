/**
 * Reproducible random version numbers for the differential tests against dpkg and rpm. The
 * stream depends only on the seed, so a failing pair is printed with the seed and reappears on
 * every run.
 */
import { createHash } from 'node:crypto';

export type Random = () => number;

/** Uniform numbers in [0, 1) from SHA-256 of `seed:counter`: slow-ish, but 1,000 draws take ~1 ms. */
export function seededRandom(seed: string): Random {
  let counter = 0;
  return () => createHash('sha256').update(`${seed}:${counter++}`).digest().readUInt32BE(0) / 2 ** 32;
}

export function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function chance(random: Random, probability: number): boolean {
  return random() < probability;
}

/** A digit run, sometimes with leading zeros, sometimes longer than 64 bits. */
function number(random: Random): string {
  const roll = random();
  if (roll < 0.05) return '18446744073709551616'.slice(0, 15 + Math.floor(random() * 6));
  const value = String(Math.floor(random() * (roll < 0.6 ? 10 : 1000)));
  return chance(random, 0.1) ? `0${value}` : value;
}

function letters(random: Random): string {
  return pick(random, ['a', 'b', 'p', 'rc', 'beta', 'git', 'dfsg', 'deb', 'Z', 'el', 'fc']);
}

/** Alternating digit and letter runs joined by the scheme's separators. */
function segments(random: Random, separators: readonly string[], count: number): string {
  let text = number(random);
  for (let i = 1; i < count; i++) {
    const separator = pick(random, separators);
    text += separator + (chance(random, 0.7) ? number(random) : letters(random));
    if (chance(random, 0.2)) text += letters(random);
  }
  return text;
}

/** A valid Debian version: epochs, tildes, revisions, letters, leading zeros, `+`, `.`. */
export function randomDebianVersion(random: Random): string {
  const epoch = chance(random, 0.25) ? `${pick(random, ['0', '1', '2', '10', '01'])}:` : '';
  let upstream = segments(random, ['.', '.', '.', '+', '~', '-'], 1 + Math.floor(random() * 4));
  if (chance(random, 0.15)) upstream += '~';
  const revision = chance(random, 0.6)
    ? `-${segments(random, ['.', '+', '~'], 1 + Math.floor(random() * 3))}`
    : '';
  return epoch + upstream + revision;
}

/** A version or release as rpm sees it: segments with `.`, `_`, `+`, `~`, `^`. */
export function randomRpmVersion(random: Random): string {
  let text = segments(random, ['.', '.', '.', '_', '+', '~', '^'], 1 + Math.floor(random() * 4));
  if (chance(random, 0.1)) text += pick(random, ['~', '^', '.']);
  return text;
}

/** A close relative of `version`: one character changed, added or removed, so pairs are often near-equal. */
export function mutate(random: Random, version: string, alphabet: string): string {
  const at = Math.floor(random() * (version.length + 1));
  const char = alphabet[Math.floor(random() * alphabet.length)] as string;
  const roll = random();
  if (roll < 0.4) return version.slice(0, at) + char + version.slice(at);
  if (roll < 0.7 && version.length > 1) return version.slice(0, at) + char + version.slice(at + 1);
  return version.slice(0, at) + version.slice(at + 1);
}

/**
 * `count` pairs: a third independent, the rest a version and a mutation of it (kept only when
 * `isValid` accepts the mutation, so the tools are never asked about invalid input).
 */
export function versionPairs(
  random: Random,
  count: number,
  generate: (random: Random) => string,
  alphabet: string,
  isValid: (version: string) => boolean,
): [string, string][] {
  const pairs: [string, string][] = [];
  while (pairs.length < count) {
    const a = generate(random);
    let b = chance(random, 0.33) ? generate(random) : mutate(random, a, alphabet);
    if (chance(random, 0.05)) b = a;
    if (isValid(b)) pairs.push([a, b]);
  }
  return pairs;
}
