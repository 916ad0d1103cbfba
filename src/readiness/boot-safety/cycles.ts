/**
 * Ordering cycles: the strongly connected components of the "starts after" graph among the units
 * of a transaction (Tarjan's algorithm, iterative so a long chain of units cannot overflow the
 * stack), and one shortest cycle through each, to print.
 */
import { byText } from '../../shared/order';
import type { BootGraph, OrderingEdge } from './graph';

/** Components of more than one unit, each sorted by unit name; in order of their first unit's name. */
export function orderingKnots(graph: BootGraph, within: (id: number) => boolean): number[][] {
  const count = graph.nodes.length;
  const index = new Int32Array(count).fill(-1);
  const low = new Int32Array(count);
  const nextEdge = new Int32Array(count);
  const onStack = new Uint8Array(count);
  const stack: number[] = [];
  const calls: number[] = [];
  const knots: number[][] = [];
  let counter = 0;
  const visit = (id: number): void => {
    index[id] = counter;
    low[id] = counter++;
    nextEdge[id] = 0;
    stack.push(id);
    onStack[id] = 1;
    calls.push(id);
  };

  for (let start = 0; start < count; start++) {
    if (index[start] !== -1 || !within(start)) continue;
    visit(start);
    while (calls.length > 0) {
      const id = calls[calls.length - 1] as number;
      const edges = graph.after[id] as OrderingEdge[];
      const position = nextEdge[id] as number;
      if (position < edges.length) {
        nextEdge[id] = position + 1;
        const to = (edges[position] as OrderingEdge).to;
        if (!within(to)) continue;
        if (index[to] === -1) visit(to);
        else if (onStack[to]) low[id] = Math.min(low[id] as number, index[to] as number);
        continue;
      }
      calls.pop();
      const caller = calls[calls.length - 1];
      if (caller !== undefined) low[caller] = Math.min(low[caller] as number, low[id] as number);
      if (low[id] !== index[id]) continue;
      const knot: number[] = [];
      let member: number;
      do {
        member = stack.pop() as number;
        onStack[member] = 0;
        knot.push(member);
      } while (member !== id);
      if (knot.length > 1) knots.push(knot);
    }
  }
  const byName = byText((id: number) => graph.name(id));
  for (const knot of knots) knot.sort(byName);
  return knots.sort((a, b) => byName(a[0] as number, b[0] as number));
}

/** A shortest cycle through `start` inside its knot: `[start, …, start]` with the edge into each next unit. */
export function shortestCycle(
  graph: BootGraph,
  knot: readonly number[],
  start: number,
): { units: number[]; edges: OrderingEdge[] } {
  const inKnot = new Set(knot);
  const parents = new Map<number, { from: number; edge: OrderingEdge }>();
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const from = queue[head] as number;
    for (const edge of graph.after[from] as OrderingEdge[]) {
      if (!inKnot.has(edge.to)) continue;
      if (edge.to === start) {
        const units = [start];
        const edges = [edge];
        for (let at = from; at !== start;) {
          const step = parents.get(at) as { from: number; edge: OrderingEdge };
          units.push(at);
          edges.push(step.edge);
          at = step.from;
        }
        units.push(start);
        // Collected backwards from the end: turn it into start → … → start.
        units.reverse();
        edges.reverse();
        return { units, edges };
      }
      if (parents.has(edge.to)) continue;
      parents.set(edge.to, { from, edge });
      queue.push(edge.to);
    }
  }
  throw new Error(`no cycle through ${graph.name(start)}: not a knot`);
}
