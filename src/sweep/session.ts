/**
 * One node's collection over a running remote script: send the manifest, file the answer into a
 * snapshot, run the SAME collectors on it (collectState), and — when they read something the
 * snapshot did not hold — ask for exactly that on the same channel and collect again. Usually
 * one round; a symlink out of the manifest's places (a linked unit under /opt) costs one more.
 */
import { categoryHashes, collectState } from '../collect';
import { SnapshotRootFs } from '../collect/snapshot-fs';
import type { UnknownNeed } from '../collect/snapshot-fs';
import { looksSecret, mayKeepText } from '../collect/files/parse';
import type { Category, NodeState } from '../model/state';
import { CapturedCommands, SnapshotCommandRunner } from './captured-commands';
import type { CommandId } from './commands';
import { initialRequests, isNeverRead, mergePathRequests, withAncestors } from './manifest';
import type { RawBatch } from './parse-dump';
import { applyBatch } from './parse-dump';
import type { PathRequest, Request } from './requests';
import { formatBatch, isKernelPath } from './requests';

/** A running remote script: requests go in, batches come out. */
export interface DumpChannel {
  send(text: string): void;
  /** The next complete answer; rejects when the channel fails or closes first. */
  nextBatch(): Promise<RawBatch>;
}

export interface DumpCollectOptions {
  node: string;
  now: Date;
  watchPaths: readonly string[];
  /** Watched paths recorded by hash only: their content never leaves the node. */
  sensitivePaths?: readonly string[];
  /** For messages: where the snapshot came from (`ssh://root@10.0.0.11:22`). */
  description: string;
  /** Rounds before giving up on paths the node keeps not answering for. */
  maxRounds?: number;
  /** Only these categories (apply verifying a fix): their part of the manifest, their collectors. */
  categories?: readonly Category[];
}

export interface DumpCollectResult {
  state: NodeState;
  rounds: number;
  /** Bytes received from the node. */
  bytes: number;
  /** Things that did not stop collection but make the state less than complete. */
  warnings: string[];
  /** What the rounds after the first asked for (`op path`, `command ID`): the manifest's blind spots. */
  followUps: string[];
}

const DEFAULT_MAX_ROUNDS = 6;

/** What the collectors missed in one run, as the requests that would answer it. */
class Needs {
  readonly paths: PathRequest[] = [];
  readonly commands = new Set<CommandId>();

  constructor(private readonly sensitive: ReadonlySet<string>) {}

  add(need: UnknownNeed): void {
    if (isKernelPath(need.path)) {
      this.paths.push({
        op: need.kind === 'content' ? 'kernel' : need.kind === 'list' ? 'dir' : 'stat',
        path: need.path,
      });
      return;
    }
    switch (need.kind) {
      case 'stat':
        this.paths.push({ op: 'stat', path: need.path });
        break;
      case 'list':
        this.paths.push({ op: 'dir', path: need.path });
        break;
      case 'content': {
        // Reached only through a symlink, an unusual path or a sensitive glob's listing; a
        // secret-looking name or a sensitive path is hashed on the node (the files collector
        // keeps no more than that), anything else is fetched.
        const name = need.path.slice(need.path.lastIndexOf('/') + 1);
        const hashOnly = looksSecret(name) || isNeverRead(need.path) || this.sensitive.has(need.path);
        this.paths.push({ op: hashOnly ? 'hash' : 'file', path: need.path });
        break;
      }
    }
  }

  get empty(): boolean {
    return this.paths.length === 0 && this.commands.size === 0;
  }
}

function requestKey(request: Request): string {
  return request.op === 'command' ? `C ${request.id}` : `${request.op} ${request.path}`;
}

/**
 * Watched files the script only hashed because their names matched SECRET_NAME_HINTS, but whose
 * text the files collector keeps (its own rule, mayKeepText): fetched in another round.
 */
function textWithheldByMistake(
  state: NodeState,
  snapshot: SnapshotRootFs,
  sensitive: ReadonlySet<string>,
): string[] {
  const paths: string[] = [];
  for (const item of Object.values(state.files?.items ?? {})) {
    if (!item.exists || item.error === undefined || sensitive.has(item.path)) continue;
    const destination = snapshot.realPath(item.path);
    if (destination === undefined || snapshot.withheldHash(destination) === undefined) continue;
    const names = [basename(item.path), ...(item.target === undefined ? [] : [basename(item.target)])];
    const mode = snapshot.entryStat(destination)?.mode ?? 0;
    if (mayKeepText(mode, names)) paths.push(destination);
  }
  return paths;
}

function basename(nodePath: string): string {
  return nodePath.slice(nodePath.lastIndexOf('/') + 1);
}

/**
 * The files collector hashes what it reads; for a file the node only hashed (a secret), the
 * snapshot refused the read, so the item says "cannot read". Put the node's hash and size in.
 */
function fillWithheldHashes(state: NodeState, snapshot: SnapshotRootFs): void {
  const items = state.files?.items;
  if (!items) return;
  let changed = false;
  for (const item of Object.values(items)) {
    if (!item.exists || item.error === undefined || (item.type !== 'file' && item.type !== 'symlink'))
      continue;
    const destination = snapshot.realPath(item.path);
    const sha256 = destination === undefined ? undefined : snapshot.withheldHash(destination);
    if (sha256 === undefined || destination === undefined) continue;
    item.sha256 = `sha256:${sha256}`;
    item.size = snapshot.entryStat(destination)?.size ?? item.size;
    delete item.error;
    changed = true;
  }
  if (changed) state.hashes = categoryHashes(state);
}

/**
 * One conversation's collection: the requests it sent, the snapshot its answers built, and the
 * collectors run on that snapshot. Driven batch by batch by a caller that owns the channel —
 * collectThroughDump for one conversation over every category, src/sweep/resweep.ts for one per
 * category, several in step on one channel.
 */
export class DumpConversation {
  private readonly snapshot: SnapshotRootFs;
  private readonly captured = new CapturedCommands();
  private readonly runner: SnapshotCommandRunner;
  private readonly maxRounds: number;
  private readonly asked = new Set<string>();
  private readonly sensitive: readonly string[];
  private readonly isSensitive: ReadonlySet<string>;
  /** The requests of the batch to send next; empty once the state is complete. */
  private pending: Request[];
  rounds = 0;
  bytes = 0;
  readonly warnings: string[] = [];
  readonly followUps: string[] = [];
  /** Each batch sent (its text, without a digest line) and the digest of its answer. */
  readonly batches: { text: string; digest: string | undefined }[] = [];
  private finished: NodeState | undefined;

  constructor(private readonly options: DumpCollectOptions) {
    this.snapshot = new SnapshotRootFs(options.description);
    this.runner = new SnapshotCommandRunner(this.captured);
    this.maxRounds = options.maxRounds ?? DEFAULT_MAX_ROUNDS;
    this.sensitive = options.sensitivePaths ?? [];
    this.isSensitive = new Set(this.sensitive);
    this.pending = initialRequests(options.watchPaths, this.sensitive, options.categories);
  }

  /** The collected state once the conversation is over. */
  get state(): NodeState | undefined {
    return this.finished;
  }

  /** The next batch to send, or undefined when the state is complete. */
  nextBatch(): string | undefined {
    return this.finished ? undefined : formatBatch(this.pending);
  }

  /** Files the answer to the batch last given by nextBatch() and collects again. */
  async answer(batch: RawBatch): Promise<void> {
    const requests = this.pending;
    for (const request of requests) this.asked.add(requestKey(request));
    this.rounds++;
    this.bytes += batch.bytes;
    this.batches.push({ text: formatBatch(requests), digest: batch.digest?.hex });
    applyBatch(this.snapshot, this.captured, requests, batch);

    const needs = new Needs(this.isSensitive);
    this.snapshot.onUnknown = (need) => needs.add(need);
    this.runner.onMissing = (id) => needs.commands.add(id);
    const state = await collectState(
      {
        fs: this.snapshot,
        run: this.runner,
        watchPaths: this.options.watchPaths,
        sensitivePaths: this.sensitive,
      },
      {
        node: this.options.node,
        now: this.options.now,
        ...(this.options.categories ? { categories: this.options.categories } : {}),
      },
    );
    this.snapshot.onUnknown = undefined;
    this.runner.onMissing = undefined;

    if (needs.empty) {
      for (const path of textWithheldByMistake(state, this.snapshot, this.isSensitive))
        needs.paths.push({ op: 'file', path });
    }
    if (needs.empty) {
      this.finish(state);
      return;
    }
    const next: Request[] = [
      ...withAncestors(mergePathRequests(needs.paths)).filter(
        (request) => request.op !== 'stat' || !this.snapshot.has(request.path),
      ),
      ...[...needs.commands].map((id): Request => ({ op: 'command', id })),
    ].filter((request) => !this.asked.has(requestKey(request)));
    if (next.length === 0 || this.rounds >= this.maxRounds) {
      // The node keeps not answering for these (unreadable, or vanishing while read): they
      // count as missing, as a failed read does for a local collection.
      const open = [
        ...needs.paths.map((p) => `${p.op} ${p.path}`),
        ...[...needs.commands].map((id) => `command ${id}`),
      ];
      this.warnings.push(
        `no answer from the node after ${this.rounds} round(s) for: ${[...new Set(open)].join(', ')}`,
      );
      this.finish(state);
      return;
    }
    this.pending = next;
    this.followUps.push(...next.map((request) => requestKey(request)));
  }

  result(): DumpCollectResult {
    if (!this.finished) throw new Error('the conversation is not over');
    const { rounds, bytes, warnings, followUps } = this;
    return { state: this.finished, rounds, bytes, warnings, followUps };
  }

  private finish(state: NodeState): void {
    fillWithheldHashes(state, this.snapshot);
    this.finished = state;
    this.pending = [];
  }
}

/** One conversation over every category (or options.categories), batch after batch. */
export async function collectThroughDump(
  channel: DumpChannel,
  options: DumpCollectOptions,
): Promise<DumpCollectResult> {
  const conversation = new DumpConversation(options);
  for (let text = conversation.nextBatch(); text !== undefined; text = conversation.nextBatch()) {
    channel.send(text);
    await conversation.answer(await channel.nextBatch());
  }
  return conversation.result();
}
