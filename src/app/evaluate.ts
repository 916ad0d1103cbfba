/**
 * Evaluation on the server: after a report, the node's drift and the parity of every pair it
 * is in are computed again and recorded as findings with their timeline. Reports of a burst
 * for one node are coalesced: the node is evaluated once, after the burst, on its newest state.
 */
import { drift, parity } from '../compare';
import { effectiveSpec, pairsOf } from '../desired';
import type { Desired } from '../model/desired';
import type { Store } from '../store';

export interface EvaluationSummary {
  node: string;
  drift?: { open: number; opened: number; resolved: number };
  pairs: { pair: string; open: number; opened: number; resolved: number }[];
}

/**
 * Drift of one node and parity of its pairs, recorded in the store. Findings are stamped with when the state that shows them was collected — not when
 * the server got round to evaluating it — so a report spooled through an outage tells the
 * truth about when a difference appeared or went away.
 */
export async function evaluateNode(store: Store, desired: Desired, node: string): Promise<EvaluationSummary> {
  const summary: EvaluationSummary = { node, pairs: [] };
  // Read before the state: a report stored after this evaluation read the state keeps its mark.
  const owed = await store.evaluations.pending(node);
  const state = await store.states.latestState(node);
  if (!state) {
    if (owed !== undefined) await store.evaluations.done(node, owed);
    return summary;
  }
  const at = state.collectedAt;
  if (desired.nodes[node]) {
    const findings = drift(effectiveSpec(desired, node), state);
    summary.drift = await store.transaction(
      (tx) => tx.findings.recordEvaluation(`node:${node}`, 'drift', findings, at),
      { serializeOn: `findings:node:${node}` },
    );
  }
  // An undeclared node (an agent whose hostname the desired state does not name) has no pairs.
  for (const pair of desired.nodes[node] ? pairsOf(desired, node) : []) {
    const partner = pair.primary === node ? pair.secondary : pair.primary;
    const partnerState = await store.states.latestState(partner);
    if (!partnerState) continue;
    const [primary, secondary] = pair.primary === node ? [state, partnerState] : [partnerState, state];
    const findings = parity(primary, secondary, {
      labels: { first: 'primary', second: 'secondary' },
      ignore: pair.parity.ignore,
    });
    const pairAt =
      Date.parse(primary.collectedAt) > Date.parse(secondary.collectedAt)
        ? primary.collectedAt
        : secondary.collectedAt;
    const change = await store.transaction(
      (tx) => tx.findings.recordEvaluation(`pair:${pair.name}`, 'parity', findings, pairAt),
      { serializeOn: `findings:pair:${pair.name}` },
    );
    summary.pairs.push({ pair: pair.name, ...change });
  }
  if (owed !== undefined) await store.evaluations.done(node, owed);
  return summary;
}

/** Who wants to know, e.g. the live event stream: a report was accepted, a node was evaluated. */
export interface EvaluationObserver {
  reported?(node: string): void;
  evaluated?(summary: EvaluationSummary): void;
}

export interface EvaluatorDeps {
  store: Store;
  desired: () => Desired | undefined;
  onError: (node: string, err: unknown) => void;
  observer?: EvaluationObserver;
}

const DRAIN_SLICE_MS = 20;

/** What the server needs of an evaluator: in this thread (Evaluator) or in a worker (WorkerEvaluator). */
export interface EvaluationQueue {
  /**
   * A report of `node` was stored, changing these categories: evaluated again when it changed
   * anything (a heartbeat changes nothing), and observers told either way.
   */
  reported(node: string, changed: readonly string[]): void;
  schedule(node: string): void;
  /** Every node the store knows, e.g. after the desired state changed. */
  scheduleAll(): void;
  /** Resolves when nothing is pending (tests and shutdown). */
  idle(): Promise<void>;
}

/** Coalescing queue of nodes to evaluate, drained on the next turn of the event loop. */
export class Evaluator implements EvaluationQueue {
  private readonly pending = new Set<string>();
  private scheduled = false;
  private listing = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly deps: EvaluatorDeps) {}

  reported(node: string, changed: readonly string[]): void {
    if (changed.length > 0) this.schedule(node);
    this.deps.observer?.reported?.(node);
  }

  schedule(node: string): void {
    this.pending.add(node);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => void this.drain());
  }

  /** Every node the store knows, e.g. after the desired state changed. */
  scheduleAll(): void {
    // Counted as pending while the store lists the nodes, so idle() waits for them too.
    this.listing++;
    void this.deps.store.states
      .nodes()
      .then(
        (rows) => {
          for (const row of rows) this.schedule(row.name);
        },
        (err: unknown) => this.deps.onError('(every node)', err),
      )
      .finally(() => {
        this.listing--;
        this.settle();
      });
  }

  /** Resolves when nothing is pending (tests and shutdown). */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private isIdle(): boolean {
    return !this.scheduled && this.pending.size === 0 && this.listing === 0;
  }

  private async drain(): Promise<void> {
    const desired = this.deps.desired();
    // A slice at a time, so a burst of evaluations never holds the event loop for long (the
    // SQLite store answers without ever yielding to it).
    const deadline = Date.now() + DRAIN_SLICE_MS;
    for (const node of this.pending) {
      this.pending.delete(node);
      if (!desired) continue;
      try {
        const summary = await evaluateNode(this.deps.store, desired, node);
        this.deps.observer?.evaluated?.(summary);
      } catch (err) {
        this.deps.onError(node, err);
      }
      if (Date.now() >= deadline) break;
    }
    if (this.pending.size > 0) {
      setImmediate(() => void this.drain());
      return;
    }
    this.scheduled = false;
    this.settle();
  }

  private settle(): void {
    if (!this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
