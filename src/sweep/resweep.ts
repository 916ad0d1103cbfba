/**
 * Collection by fingerprint: one conversation per category on the node's channel, so that each
 * category's state is a function of its own answers only, and each answer's digest says whether
 * the node still answers those requests with the same bytes (src/sweep/remote-script.ts).
 *
 * A category with an entry in the cache sends the batches it sent last time (first round and
 * follow-ups), each carrying its answer's digest. When the node says `@same` to all of them, the
 * category's value is taken from the cache: same requests, same bytes, same collectors (the
 * cache key names their code) — so the same value, exactly, without a byte of content moving or
 * a collector running. Otherwise the category is collected afresh on the same channel, starting
 * from the full answer already received when its first batch is the one that changed.
 *
 * Per category rather than two groups (files-and-packages against /proc-and-/sys): which answers
 * stay the same is the node's business, not a list here. Capacity (/proc/meminfo), replication
 * (DRBD's counters) or units (a node whose logins make session scopes) change between sweeps on
 * some nodes and not on others; each is re-read where it changed and reused where it did not,
 * and one changing never costs the others their reuse.
 *
 * All batches of a round are sent before the first answer is read: the conversations are in
 * step, one round trip per round, whatever the number of categories.
 */
import { assembleState } from '../collect';
import type { Category, CategoryValues, CollectorErrorEntry, NodeState } from '../model/state';
import { CATEGORIES } from '../model/state';
import { fingerprintKey } from './cache-key';
import type { CachedCategories, CachedCategory, FingerprintEntry, SweepCache } from './fingerprint-cache';
import type { RawBatch } from './parse-dump';
import { holdingDigest, isDigest } from './requests';
import type { DumpChannel, DumpCollectOptions, DumpCollectResult } from './session';
import { DumpConversation } from './session';

export interface FingerprintCollectOptions extends DumpCollectOptions {
  /** fingerprintKey() of this node now. */
  key: string;
  /** The node's entry made under the same key, if any. */
  cached: FingerprintEntry | undefined;
}

export interface FingerprintCollectResult extends DumpCollectResult {
  /** Categories taken from the cache: the node answered `@same` to every batch of theirs. */
  reused: Category[];
  /** What to keep for the next sweep of this node. */
  entry: FingerprintEntry;
}

/** One category's part of the collection. */
interface Track {
  category: Category;
  conversation: DumpConversation;
  /** The cache's entry, when its first batch is the one this conversation would send. */
  cached: CachedCategory | undefined;
  /** What round 1 sends: the cached batches with their digests, or the first batch. */
  texts: string[];
}

async function answersTo(channel: DumpChannel, count: number): Promise<RawBatch[]> {
  const answers: RawBatch[] = [];
  for (let i = 0; i < count; i++) answers.push(await channel.nextBatch());
  return answers;
}

/**
 * What a finished conversation made of its category, as the cache keeps it; `batches` is empty
 * when an answer came without a digest (nothing to compare with next time).
 */
function outcomeOf(track: Track): CachedCategory {
  const { conversation, category } = track;
  const state = conversation.state as NodeState;
  const digested = conversation.batches.every(({ digest }) => digest !== undefined && isDigest(digest));
  const error = state.errors.find((entry) => entry.collector === category);
  return {
    batches: digested
      ? conversation.batches.map(({ text, digest }) => ({ text, digest: digest as string }))
      : [],
    ...(state[category] !== undefined ? { value: state[category], hash: state.hashes[category] } : {}),
    ...(error ? { error } : {}),
    warnings: conversation.warnings,
  } as CachedCategory;
}

export async function collectByFingerprint(
  channel: DumpChannel,
  options: FingerprintCollectOptions,
): Promise<FingerprintCollectResult> {
  const wanted = options.categories ?? CATEGORIES;
  const tracks: Track[] = wanted.map((category) => {
    const conversation = new DumpConversation({ ...options, categories: [category] });
    const first = conversation.nextBatch() as string;
    const entry = options.cached?.categories[category] as CachedCategory | undefined;
    const cached = entry?.batches[0]?.text === first ? entry : undefined;
    const texts = cached ? cached.batches.map((batch) => holdingDigest(batch.text, batch.digest)) : [first];
    return { category, conversation, cached, texts };
  });

  let bytes = 0;
  let rounds = 1;
  for (const track of tracks) for (const text of track.texts) channel.send(text);
  const reused = new Set<Category>();
  const live: Track[] = [];
  for (const track of tracks) {
    const answers = await answersTo(channel, track.texts.length);
    for (const answer of answers) bytes += answer.bytes;
    if (track.cached && answers.every((answer) => answer.digest?.same === true)) {
      reused.add(track.category);
      continue;
    }
    // Changed or never seen. A full answer to the first batch is exactly what a fresh
    // conversation's first round would get; when only a follow-up changed, it starts over.
    const first = answers[0] as RawBatch;
    if (first.digest?.same !== true) await track.conversation.answer(first);
    live.push(track);
  }

  for (;;) {
    const sending = live.flatMap((track) => {
      const text = track.conversation.nextBatch();
      return text === undefined ? [] : [{ track, text }];
    });
    if (sending.length === 0) break;
    rounds++;
    for (const { text } of sending) channel.send(text);
    for (const { track } of sending) {
      const answer = await channel.nextBatch();
      bytes += answer.bytes;
      await track.conversation.answer(answer);
    }
  }

  const values: Partial<CategoryValues> = {};
  const errors: CollectorErrorEntry[] = [];
  const warnings: string[] = [];
  const followUps: string[] = [];
  const hashes: Partial<Record<Category, string>> = {};
  const kept: CachedCategories = { ...options.cached?.categories };
  for (const track of tracks) {
    const reusedHere = reused.has(track.category);
    const outcome = reusedHere ? (track.cached as CachedCategory) : outcomeOf(track);
    if (outcome.value !== undefined) (values as Record<Category, unknown>)[track.category] = outcome.value;
    if (outcome.hash !== undefined) hashes[track.category] = outcome.hash;
    if (outcome.error) errors.push(outcome.error);
    warnings.push(...outcome.warnings);
    if (!reusedHere) followUps.push(...track.conversation.followUps);
    if (outcome.batches.length > 0) (kept as Record<Category, CachedCategory>)[track.category] = outcome;
    else delete kept[track.category];
  }
  return {
    state: assembleState(options, values, errors, hashes),
    rounds,
    bytes,
    warnings,
    followUps,
    reused: CATEGORIES.filter((category) => reused.has(category)),
    entry: { key: options.key, categories: kept },
  };
}

/** A node's collection through `cache`: its entry looked up, used, and replaced by the new one. */
export async function collectWithCache(
  channel: DumpChannel,
  options: DumpCollectOptions,
  cache: SweepCache,
): Promise<FingerprintCollectResult> {
  const key = fingerprintKey(
    { paths: [...options.watchPaths], sensitive: [...(options.sensitivePaths ?? [])] },
    options.description,
  );
  const cached = cache.get(options.node, key);
  const result = await collectByFingerprint(channel, { ...options, key, cached });
  // Nothing changed, nothing to write: the entry is the one read (no write, no fsync).
  const unchanged =
    cached !== undefined && result.reused.length === (options.categories ?? CATEGORIES).length;
  if (!unchanged) cache.put(options.node, result.entry);
  return result;
}
