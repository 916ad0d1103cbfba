/**
 * The boot transaction: the units systemd puts a start job in for when it starts the default
 * target — everything pulled in from there by Requires=, Wants= and BindsTo= (links included),
 * recursively. Requisite= only checks a unit, it starts nothing. A masked or missing unit gets
 * no job (a Wants= on it is dropped). Ordering only holds between units that both have a job:
 * "A After B" says nothing about A and C when B is not started, so every ordering question in
 * this folder is asked within a transaction.
 */
import type { BootGraph, PullEdge, PullReason } from './graph';

const REASON_ORDER: readonly PullReason[] = ['file', 'link', 'implicit', 'default'];

export interface PullStep {
  from: number;
  edge: PullEdge;
}

export class Transaction {
  constructor(
    readonly root: number | undefined,
    private readonly members: Uint8Array,
    private readonly parents: (PullStep | undefined)[],
  ) {}

  has(id: number): boolean {
    return this.members[id] === 1;
  }

  /** How the root pulls `id` in, shortest first: the steps from the root to it. */
  chainTo(id: number): PullStep[] {
    const steps: PullStep[] = [];
    for (let step = this.parents[id]; step; step = this.parents[step.from]) steps.push(step);
    return steps.reverse();
  }
}

function startable(graph: BootGraph, id: number): boolean {
  const kind = graph.node(id).kind;
  return kind === 'loaded' || kind === 'device';
}

/** The units a start of `roots` pulls in (breadth first, so chains are shortest). */
export function transactionOf(graph: BootGraph, roots: readonly number[]): Transaction {
  const members = new Uint8Array(graph.nodes.length);
  const parents: (PullStep | undefined)[] = new Array(graph.nodes.length);
  const queue: number[] = [];
  for (const root of roots) {
    if (!startable(graph, root) || members[root]) continue;
    members[root] = 1;
    queue.push(root);
  }
  for (let head = 0; head < queue.length; head++) {
    const from = queue[head] as number;
    // Written dependencies first, then links, implicit and default ones: of several equally
    // short chains, the one shown is the one a person would look for in the unit files.
    for (const reason of REASON_ORDER) {
      for (const edge of graph.pulls[from] as PullEdge[]) {
        if (edge.reason !== reason || edge.kind === 'Requisite' || members[edge.to]) continue;
        if (!startable(graph, edge.to)) continue;
        members[edge.to] = 1;
        parents[edge.to] = { from, edge };
        queue.push(edge.to);
      }
    }
  }
  return new Transaction(roots[0], members, parents);
}

/** The transaction of a boot: the default target and all it pulls in. */
export function bootTransaction(graph: BootGraph): Transaction {
  return transactionOf(graph, graph.defaultTarget === undefined ? [] : [graph.defaultTarget]);
}

/**
 * The units the boot starts that pull one of `units` in (Requisite= starts nothing, it only
 * checks), links (`.wants/`, `.requires/`: what fstab and `systemctl enable` make) first. Pushed
 * in the node's unit order; the sort is stable, so that order stays within each rank.
 */
export function startedPullers(graph: BootGraph, boot: Transaction, units: ReadonlySet<number>): PullStep[] {
  const pullers: PullStep[] = [];
  for (const node of graph.nodes) {
    if (!boot.has(node.id)) continue;
    for (const edge of graph.pulls[node.id] as PullEdge[])
      if (edge.kind !== 'Requisite' && units.has(edge.to)) pullers.push({ from: node.id, edge });
  }
  const rank = (puller: PullStep): number => (puller.edge.reason === 'link' ? 0 : 1);
  return pullers.sort((a, b) => rank(a) - rank(b));
}
