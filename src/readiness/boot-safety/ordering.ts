/**
 * Ordering questions on the boot graph, and the chains that answer them written for a person:
 * `drbd.service → After sysinit.target (default dependency) → After local-fs.target`.
 */
import type { BootGraph, OrderingEdge, OrderingReason, PullReason } from './graph';
import type { PullStep } from './transaction';

export interface OrderingStep {
  from: number;
  edge: OrderingEdge;
}

/**
 * The shortest chain by which `from` starts after `to`, through units `within` allows (the ends
 * themselves need not be in it); undefined when `from` is not ordered after `to`.
 */
export function orderingPath(
  graph: BootGraph,
  from: number,
  to: number,
  within: (id: number) => boolean,
): OrderingStep[] | undefined {
  const parents = new Map<number, OrderingStep>();
  const queue = [from];
  const seen = new Uint8Array(graph.nodes.length);
  seen[from] = 1;
  for (let head = 0; head < queue.length; head++) {
    const current = queue[head] as number;
    for (const edge of graph.after[current] as OrderingEdge[]) {
      if (seen[edge.to]) continue;
      seen[edge.to] = 1;
      parents.set(edge.to, { from: current, edge });
      if (edge.to === to) {
        const steps: OrderingStep[] = [];
        for (let step = parents.get(to); step; step = parents.get(step.from)) steps.push(step);
        return steps.reverse();
      }
      if (within(edge.to)) queue.push(edge.to);
    }
  }
  return undefined;
}

function orderingNote(graph: BootGraph, step: OrderingStep): string {
  const reasons: Record<OrderingReason, string> = {
    after: '',
    before: ` (Before= in ${graph.name(step.edge.to)})`,
    implicit: ' (implicit)',
    default: ' (default dependency)',
  };
  return reasons[step.edge.reason];
}

/** `a.service → After b.target (default dependency) → After c.target` */
export function formatOrdering(graph: BootGraph, from: number, steps: readonly OrderingStep[]): string {
  let text = graph.name(from);
  for (const step of steps) text += ` → After ${graph.name(step.edge.to)}${orderingNote(graph, step)}`;
  return text;
}

/** One ordering edge as a sentence part: `local-fs.target After srv-pypi.mount (Before= in srv-pypi.mount)`. */
export function formatOrderingEdge(graph: BootGraph, from: number, edge: OrderingEdge): string {
  return `${graph.name(from)} After ${graph.name(edge.to)}${orderingNote(graph, { from, edge })}`;
}

function pullNote(graph: BootGraph, step: PullStep): string {
  const reasons: Record<PullReason, string> = {
    file: '',
    link: ` (link ${graph.name(step.from)}.${step.edge.kind === 'Wants' ? 'wants' : 'requires'}/)`,
    implicit: ' (implicit)',
    default: ' (default dependency)',
  };
  return reasons[step.edge.reason];
}

/** `graphical.target → Requires multi-user.target → Wants drbd.service (link multi-user.target.wants/)` */
export function formatPulls(graph: BootGraph, root: number, steps: readonly PullStep[]): string {
  let text = graph.name(root);
  for (const step of steps)
    text += ` → ${step.edge.kind} ${graph.name(step.edge.to)}${pullNote(graph, step)}`;
  return text;
}
