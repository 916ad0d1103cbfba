/**
 * The boot chain of one mount on one node (model/runbook.ts `BootChain`) as a small graph: units
 * as boxes, top-down from the unit that pulls the mount in at boot, arrows labelled with their
 * relation; edges that go back up — the wait cycle of a boot that hangs — as red arcs. The same
 * edges follow as a list, with where each comes from: the figure is for the eye, the list for
 * everyone (and for screen readers, with the svg's title and description).
 */
import type { BootChain, BootChainEdge } from '../../../src/model/runbook';
import type { ChainLayout, PlacedEdge, PlacedUnit } from '../boot-chain-layout';
import { BOX_HEIGHT, layoutChain } from '../boot-chain-layout';

const OUTCOME_TEXT: Record<BootChain['outcome'], string> = {
  hangs: 'hangs at boot',
  'in-time': 'mounted at boot, in time',
  'not-at-boot': 'not mounted at boot',
};

/** How a relation reads in a sentence: "srv-pypi.mount starts after dev-drbd0.device". */
const RELATION_TEXT: Record<BootChainEdge['relation'], string> = {
  Requires: 'requires',
  Wants: 'wants',
  BindsTo: 'binds to',
  Requisite: 'requires, already active,',
  After: 'starts after',
};

function domId(...parts: string[]): string {
  return parts.join('-').replace(/[^A-Za-z0-9_-]+/g, '-');
}

function Unit({ unit }: { unit: PlacedUnit }) {
  return (
    <g class={`unit ${unit.kind}`} data-unit={unit.name}>
      <rect
        x={unit.x}
        y={unit.y}
        width={unit.width}
        height={BOX_HEIGHT}
        rx={unit.kind === 'device' ? 14 : 4}
      />
      <text x={unit.x + unit.width / 2} y={unit.y + BOX_HEIGHT / 2 + 4} text-anchor="middle">
        {unit.name}
        {unit.kind === 'masked' ? ' (masked)' : unit.kind === 'missing' ? ' (missing)' : ''}
      </text>
    </g>
  );
}

function Edge({
  edge,
  units,
  laneX,
  hangs,
  arrow,
}: {
  edge: PlacedEdge;
  units: Map<string, PlacedUnit>;
  laneX: number;
  hangs: boolean;
  arrow: string;
}) {
  const from = units.get(edge.from);
  const to = units.get(edge.to);
  if (!from || !to) return null;
  const label = edge.relations.join(', ');
  if (edge.back) {
    // Out of the right side of `from`, up the lane, into the right side of `to`.
    const x = laneX + (edge.lane - 1) * 18;
    const fy = from.y + BOX_HEIGHT / 2 + 5;
    const ty = to.y + BOX_HEIGHT / 2 - 5;
    return (
      <g class={`edge back${hangs ? ' hang' : ''}`} data-edge={`${edge.from}>${edge.to}`}>
        <path
          d={`M ${from.x + from.width} ${fy} H ${x} V ${ty} H ${to.x + to.width + 2}`}
          marker-end={`url(#${arrow})`}
        />
        <text x={x + 5} y={(fy + ty) / 2}>
          {label}
        </text>
        {hangs && (
          <text class="hang-label" x={x + 5} y={(fy + ty) / 2 + 15}>
            waits in a circle
          </text>
        )}
      </g>
    );
  }
  const fx = from.x + from.width / 2;
  const fy = from.y + BOX_HEIGHT;
  const tx = to.x + to.width / 2;
  const ty = to.y - 2;
  return (
    <g class="edge" data-edge={`${edge.from}>${edge.to}`}>
      <path d={`M ${fx} ${fy} L ${tx} ${ty}`} marker-end={`url(#${arrow})`} />
      {edge.label && (
        <text x={edge.label.x} y={edge.label.y} text-anchor={edge.label.anchor}>
          {edge.label.text}
        </text>
      )}
    </g>
  );
}

function ChainFigure({ chain, layout, id }: { chain: BootChain; layout: ChainLayout; id: string }) {
  const units = new Map(layout.units.map((unit) => [unit.name, unit]));
  const laneX = layout.laneX;
  const hangs = chain.outcome === 'hangs';
  const arrow = domId(id, 'arrow');
  return (
    <svg
      class="boot-chain-graph"
      viewBox={`0 0 ${layout.width} ${layout.height}`}
      width={layout.width}
      height={layout.height}
      role="img"
      aria-labelledby={`${id}-title ${id}-desc`}
    >
      <title id={`${id}-title`}>
        Boot chain of {chain.mountPoint}: {OUTCOME_TEXT[chain.outcome]}
      </title>
      <desc id={`${id}-desc`}>{chain.summary}</desc>
      <defs>
        <marker
          id={arrow}
          viewBox="0 0 10 10"
          refX="9"
          refY="5"
          markerWidth="7"
          markerHeight="7"
          orient="auto-start-reverse"
        >
          <path d="M 0 0 L 10 5 L 0 10 z" class="arrow-head" />
        </marker>
      </defs>
      {layout.edges.map((edge) => (
        <Edge
          key={`${edge.from}>${edge.to}`}
          edge={edge}
          units={units}
          laneX={laneX}
          hangs={hangs}
          arrow={arrow}
        />
      ))}
      {layout.units.map((unit) => (
        <Unit key={unit.name} unit={unit} />
      ))}
    </svg>
  );
}

export function BootChainView({ chain, node }: { chain: BootChain; node: string }) {
  const id = domId('chain', node, chain.mountPoint);
  const layout = layoutChain(chain);
  return (
    <figure
      class={`boot-chain outcome-${chain.outcome}`}
      data-boot-chain={`${node} ${chain.mountPoint}`}
      data-outcome={chain.outcome}
      aria-labelledby={`${id}-caption`}
    >
      <figcaption id={`${id}-caption`}>
        <code>{chain.mountPoint}</code> on {node}, from <code>{chain.device}</code>
        {chain.provider && <> ({chain.provider})</>}
        {chain.fstabLine !== undefined && (
          <span class="muted"> · /etc/fstab line {chain.fstabLine}</span>
        )}{' '}
        <span class={`outcome ${chain.outcome}`}>{OUTCOME_TEXT[chain.outcome]}</span>
      </figcaption>
      <p class="chain-summary">{chain.summary}</p>
      {chain.units.length > 0 && (
        <div class="chain-body">
          <div class="chain-graph">
            <ChainFigure chain={chain} layout={layout} id={id} />
          </div>
          <ol class="chain-edges" aria-label={`Edges of the boot chain of ${chain.mountPoint} on ${node}`}>
            {chain.edges.map((edge, index) => (
              <li key={index} data-relation={edge.relation}>
                <code>{edge.from}</code> {RELATION_TEXT[edge.relation]} <code>{edge.to}</code>{' '}
                <span class="muted">— {edge.why}</span>
              </li>
            ))}
          </ol>
        </div>
      )}
    </figure>
  );
}
