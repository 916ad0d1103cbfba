/**
 * What a re-sweep needs from the last sweep of a node, per category: the batches that were sent
 * (first round and follow-ups), the digest of each answer, and what the collectors made of those
 * answers. Keyed by node name and a key naming driftguard's code and the node's watch list
 * (fingerprintKey in cache-key.ts).
 *
 * Not keyed by the node's host key: an equal digest means the node answered the same requests
 * with the same bytes, and the collectors are a function of those bytes (and of where they were
 * read, which their messages name: in the key), so the state is the same whichever machine
 * answered. A node replaced behind the same name that answers differently simply misses.
 */
import type { Category, CategoryValues, CollectorErrorEntry } from '../model/state';
import { CATEGORIES } from '../model/state';
import { isDigest } from './requests';

export interface CachedBatch {
  /** The batch as sent (formatBatch's text, without the digest line). */
  text: string;
  /** sha256 of the node's answer to it (src/sweep/remote-script.ts). */
  digest: string;
}

export interface CachedCategory<C extends Category = Category> {
  batches: CachedBatch[];
  /** What the collector made of the answers; absent when it failed (then `error`). */
  value?: CategoryValues[C];
  /** The state's hash of `value` (`sha256:…`), kept so that a reuse need not hash it again. */
  hash?: string;
  error?: CollectorErrorEntry;
  warnings: string[];
}

export type CachedCategories = { [C in Category]?: CachedCategory<C> };

export interface FingerprintEntry {
  /** fingerprintKey(): driftguard's code and the node's watch list, when the answers were read. */
  key: string;
  categories: CachedCategories;
}

/** Where re-sweeps find the last sweep of a node: files for the CLI, memory for a server. */
export interface SweepCache {
  /** The entry of `node` made under `key`; undefined when there is none (or it is unusable). */
  get(node: string, key: string): FingerprintEntry | undefined;
  put(node: string, entry: FingerprintEntry): void;
}

/**
 * For a long-running server's scheduled sweeps: lost on restart, which only costs one full
 * sweep. Entries are copied in and out, so a state handed on (and perhaps changed) after a sweep
 * never shares objects with what the next sweep reuses.
 */
export class MemorySweepCache implements SweepCache {
  private readonly entries = new Map<string, FingerprintEntry>();

  get(node: string, key: string): FingerprintEntry | undefined {
    const entry = this.entries.get(node);
    return entry?.key === key ? structuredClone(entry) : undefined;
  }

  put(node: string, entry: FingerprintEntry): void {
    this.entries.set(node, structuredClone(entry));
  }
}

const isStringArray = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((item) => typeof item === 'string');

function isCachedCategory(category: Category, value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const cached = value as Partial<CachedCategory>;
  const batchesOk =
    Array.isArray(cached.batches) &&
    cached.batches.length > 0 &&
    cached.batches.every(
      (batch: Partial<CachedBatch>) =>
        typeof batch.text === 'string' && typeof batch.digest === 'string' && isDigest(batch.digest),
    );
  const outcomeOk =
    (typeof cached.value === 'object' && cached.value !== null && typeof cached.hash === 'string') ||
    cached.error?.collector === category;
  return batchesOk && outcomeOk && isStringArray(cached.warnings);
}

/**
 * Why a parsed entry cannot be used, or undefined when it can. Shape only: entries are written
 * by this code (atomically, mode 0600), so this catches truncation, hand edits and old formats.
 */
export function entryProblem(value: unknown, key: string): string | undefined {
  if (typeof value !== 'object' || value === null) return 'not a JSON object';
  const entry = value as Partial<FingerprintEntry>;
  if (entry.key !== key) return 'made by another driftguard version or for another watch list';
  if (typeof entry.categories !== 'object' || entry.categories === null) return 'no categories';
  for (const [category, cached] of Object.entries(entry.categories)) {
    if (
      !(CATEGORIES as readonly string[]).includes(category) ||
      !isCachedCategory(category as Category, cached)
    )
      return `unusable entry for ${category}`;
  }
  return undefined;
}
