/**
 * Where the boxes and arrows of a boot chain go (components/boot-chain.tsx draws them): top-down
 * layers, the unit that pulls the others in at the top. A chain can be a cycle in time — the PyPI
 * 2013 primary's local-fs.target waits for srv-pypi.mount … which waits for local-fs.target — so
 * the edges a depth-first walk finds going back up are set aside and drawn as arcs on the right.
 */
import type { BootChain, BootChainEdge, BootChainUnit } from '../../src/model/runbook';

export const BOX_HEIGHT = 30;
export const LAYER_GAP = 56;
const BOX_GAP = 28;
const CHAR_WIDTH = 7.3; // 12 px monospace
const LABEL_CHAR_WIDTH = 6.7; // 11 px monospace
/** Edge labels start this far right of their line. */
export const LABEL_OFFSET = 6;
const MARGIN = 12;
/** Room right of the boxes for arcs going back up and their labels. */
const BACK_LANE = 150;

export interface PlacedUnit extends BootChainUnit {
  x: number;
  y: number;
  width: number;
  layer: number;
}

/** One arrow: every relation between the same two units, in one label. */
export interface PlacedEdge {
  from: string;
  to: string;
  relations: BootChainEdge['relation'][];
  /** Goes back up (closes a cycle): drawn as an arc to the right. */
  back: boolean;
  /** The arc's distance from the boxes, so two arcs do not overlap. */
  lane: number;
  /** Where a downward arrow's label goes. */
  label?: EdgeLabel;
}

/** A label beside its arrow, near the arrow's start, on the outer side so converging arrows' labels do not meet. */
export interface EdgeLabel {
  text: string;
  x: number;
  y: number;
  anchor: 'start' | 'end';
  left: number;
  right: number;
}

function labelOf(from: PlacedUnit, to: PlacedUnit, text: string): EdgeLabel {
  const fx = from.x + from.width / 2;
  const tx = to.x + to.width / 2;
  const t = 0.4;
  const x = fx + (tx - fx) * t;
  const y = from.y + BOX_HEIGHT + LAYER_GAP * t + 4;
  const width = text.length * LABEL_CHAR_WIDTH;
  // An arrow going right has its label on its left, and the other way round.
  if (tx > fx + 1)
    return { text, x: x - LABEL_OFFSET, y, anchor: 'end', left: x - LABEL_OFFSET - width, right: x };
  return { text, x: x + LABEL_OFFSET, y, anchor: 'start', left: x, right: x + LABEL_OFFSET + width };
}

export interface ChainLayout {
  width: number;
  height: number;
  /** Where the first arc going back up runs, clear of the boxes and the labels of other edges. */
  laneX: number;
  units: PlacedUnit[];
  edges: PlacedEdge[];
}

function merged(edges: readonly BootChainEdge[]): Omit<PlacedEdge, 'back' | 'lane'>[] {
  const byPair = new Map<string, Omit<PlacedEdge, 'back' | 'lane'>>();
  for (const edge of edges) {
    const key = `${edge.from}\u0000${edge.to}`;
    const entry = byPair.get(key) ?? { from: edge.from, to: edge.to, relations: [] };
    if (!entry.relations.includes(edge.relation)) entry.relations.push(edge.relation);
    byPair.set(key, entry);
  }
  return [...byPair.values()];
}

/** Edges that go back to a unit still on the walk's path, starting from units in the chain's order. */
function backEdges(units: readonly BootChainUnit[], out: Map<string, string[]>): Set<string> {
  const back = new Set<string>();
  const state = new Map<string, 'open' | 'done'>();
  const visit = (name: string): void => {
    state.set(name, 'open');
    for (const next of out.get(name) ?? []) {
      const seen = state.get(next);
      if (seen === 'open') back.add(`${name}\u0000${next}`);
      else if (seen === undefined) visit(next);
    }
    state.set(name, 'done');
  };
  // In the chain's order: it starts with the unit that pulls the mount in at boot (the target that
  // waits for it), so that unit sits on top and the edge that closes a wait cycle is the one back.
  for (const unit of units) if (!state.has(unit.name)) visit(unit.name);
  return back;
}

export function layoutChain(chain: Pick<BootChain, 'units' | 'edges'>): ChainLayout {
  const edges = merged(chain.edges);
  const out = new Map<string, string[]>();
  for (const edge of edges) out.set(edge.from, [...(out.get(edge.from) ?? []), edge.to]);
  const back = backEdges(chain.units, out);
  const forward = edges.filter((edge) => !back.has(`${edge.from}\u0000${edge.to}`));

  // Longest path from the top: a unit sits one layer below everything that points at it.
  const layer = new Map<string, number>(chain.units.map((unit) => [unit.name, 0]));
  for (let round = 0; round < chain.units.length; round++)
    for (const edge of forward) {
      const below = (layer.get(edge.from) ?? 0) + 1;
      if (below > (layer.get(edge.to) ?? 0)) layer.set(edge.to, below);
    }

  const layers: BootChainUnit[][] = [];
  for (const unit of chain.units) (layers[layer.get(unit.name) ?? 0] ??= []).push(unit);
  // Units an arc goes back to (or from) last in their row, so the arc meets them from the right
  // without crossing a neighbour.
  const onArc = new Set([...back].flatMap((key) => key.split('\u0000')));
  for (const row of layers) row?.sort((a, b) => Number(onArc.has(a.name)) - Number(onArc.has(b.name)));
  const widthOf = (unit: BootChainUnit) => Math.max(110, Math.ceil(unit.name.length * CHAR_WIDTH) + 24);
  const rowWidth = (row: BootChainUnit[]) =>
    row.reduce((sum, unit) => sum + widthOf(unit), 0) + BOX_GAP * (row.length - 1);
  const inner = Math.max(0, ...layers.map((row) => rowWidth(row ?? [])));

  const units: PlacedUnit[] = [];
  layers.forEach((row = [], index) => {
    let x = (inner - rowWidth(row)) / 2;
    for (const unit of row) {
      units.push({
        ...unit,
        x,
        y: MARGIN + index * (BOX_HEIGHT + LAYER_GAP),
        width: widthOf(unit),
        layer: index,
      });
      x += widthOf(unit) + BOX_GAP;
    }
  });
  const byName = new Map(units.map((unit) => [unit.name, unit]));

  let lane = 0;
  const placedEdges: PlacedEdge[] = edges.map((edge) => {
    const isBack = back.has(`${edge.from}\u0000${edge.to}`);
    const placed: PlacedEdge = { ...edge, back: isBack, lane: isBack ? ++lane : 0 };
    const from = byName.get(edge.from);
    const to = byName.get(edge.to);
    if (!isBack && from && to) placed.label = labelOf(from, to, edge.relations.join(', '));
    return placed;
  });

  // Shift everything right when a label sticks out on the left; arcs run right of all the rest.
  const labels = placedEdges.flatMap((edge) => (edge.label ? [edge.label] : []));
  const shift = MARGIN - Math.min(0, ...labels.map((label) => label.left));
  for (const unit of units) unit.x += shift;
  for (const label of labels) {
    label.x += shift;
    label.left += shift;
    label.right += shift;
  }
  const laneX = Math.max(shift + inner, ...labels.map((label) => label.right)) + 20;
  return {
    laneX,
    width: lane > 0 ? laneX + BACK_LANE + (lane - 1) * 18 : laneX + MARGIN,
    height: MARGIN * 2 + layers.length * BOX_HEIGHT + Math.max(0, layers.length - 1) * LAYER_GAP,
    units,
    edges: placedEdges,
  };
}
