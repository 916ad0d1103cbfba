/**
 * Ordering cycles among the units the boot starts. systemd cannot honour a cycle: it drops the
 * start job of one unit on it ("Job X deleted to break ordering cycle"), whichever its search
 * meets, so which unit silently does not start depends on the order it happened to look — the
 * reason a cycle is unsafe even when the node booted fine last time. One finding per knot
 * (strongly connected component), keyed by one of its units chosen so that it keeps its identity
 * from one evaluation to the next and points at the likely culprit: the first by name that the
 * node's own administrator wrote (a file under /etc, or an fstab line), else the first by name.
 * The evidence prints one shortest cycle through that unit and the edge behind each step.
 */
import type { Finding } from '../../model/finding';
import { orderingKnots, shortestCycle } from './cycles';
import type { BootContext } from './finding';
import { unsafe } from './finding';
import type { GraphNode } from './graph';
import { formatOrderingEdge } from './ordering';

function isLocal(node: GraphNode): boolean {
  return node.unit?.generatedBy !== undefined || node.unit?.path?.startsWith('/etc/') === true;
}

export function orderingCycles(ctx: BootContext): Finding[] {
  const { graph, boot } = ctx;
  return orderingKnots(graph, (id) => boot.has(id)).map((knot) => {
    const start = knot.find((id) => isLocal(graph.node(id))) ?? (knot[0] as number);
    const cycle = shortestCycle(graph, knot, start);
    const line = cycle.units.map((id) => graph.name(id)).join(' → ');
    const evidence = [
      line,
      ...cycle.edges.map((edge, i) => formatOrderingEdge(graph, cycle.units[i] as number, edge)),
    ];
    const onCycle = new Set(cycle.units);
    const others = knot.filter((id) => !onCycle.has(id)).map((id) => graph.name(id));
    if (others.length > 0) evidence.push(`caught in the same knot of orderings: ${others.join(', ')}`);
    return unsafe(ctx.state, {
      category: 'units',
      key: graph.name(start),
      aspect: 'ordering-cycle',
      message: `Ordering cycle at boot: ${line}; systemd breaks it by dropping the start job of one of these units, whichever it meets first, so one may silently not start.`,
      evidence,
      actual: knot.map((id) => graph.name(id)),
    });
  });
}
