/**
 * The layout of the pair page's boot chain graph (web/src/boot-chain-layout.ts), on the real
 * chains of the PyPI 2013 pair: the unit that waits sits on top, the edge that closes the wait
 * cycle is the one drawn back up, and nothing overlaps.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { effectiveSpec, loadDesired } from '../../src/desired';
import type { NodeState } from '../../src/model/state';
import { bootChains } from '../../src/readiness/boot-safety/chain';
import { BOX_HEIGHT, layoutChain } from '../../web/src/boot-chain-layout';
import { REPO } from '../helpers/cli';

const desired = loadDesired(path.join(REPO, 'desired-state'));

function chainOf(node: string) {
  const state = JSON.parse(
    fs.readFileSync(path.join(REPO, 'examples/states', `${node}.json`), 'utf8'),
  ) as NodeState;
  const chain = bootChains(state, effectiveSpec(desired, node)).find((c) => c.mountPoint === '/srv/pypi');
  if (!chain) throw new Error(`no boot chain of /srv/pypi on ${node}`);
  return chain;
}

describe.each(['pypi-1', 'pypi-2'])('the boot chain of /srv/pypi on %s', (node) => {
  const chain = chainOf(node);
  const layout = layoutChain(chain);
  const unit = (name: string) => layout.units.find((u) => u.name === name);

  it('draws every unit once, local-fs.target on top and the chain down to drbd.service', () => {
    expect(layout.units.map((u) => u.name).sort()).toEqual(chain.units.map((u) => u.name).sort());
    expect(unit('local-fs.target')?.layer).toBe(0);
    const down = ['local-fs.target', 'srv-pypi.mount', 'dev-drbd0.device', 'drbd.service', 'sysinit.target'];
    const layers = down.map((name) => unit(name)?.layer);
    expect(layers).toEqual([0, 1, 2, 3, 4]);
  });

  it('draws the edge closing the wait cycle back up, and only that one', () => {
    expect(layout.edges.filter((edge) => edge.back).map((edge) => `${edge.from}>${edge.to}`)).toEqual([
      'sysinit.target>local-fs.target',
    ]);
    const requires = layout.edges.find((e) => e.from === 'local-fs.target' && e.to === 'srv-pypi.mount');
    expect(requires?.relations).toEqual(['Requires', 'After']);
  });

  it('keeps boxes apart and the arcs right of every box, inside the picture', () => {
    for (const a of layout.units)
      for (const b of layout.units)
        if (a !== b && a.layer === b.layer) expect(a.x + a.width <= b.x || b.x + b.width <= a.x).toBe(true);
    for (const u of layout.units) {
      expect(u.x + u.width).toBeLessThan(layout.laneX);
      expect(u.y + BOX_HEIGHT).toBeLessThanOrEqual(layout.height);
    }
    expect(layout.laneX).toBeLessThan(layout.width);
  });

  it('puts the labels of arrows side by side where arrows converge, none over another or off the picture', () => {
    const labels = layout.edges.flatMap((edge) => (edge.label ? [edge.label] : []));
    expect(labels.length).toBe(layout.edges.filter((edge) => !edge.back).length);
    for (const a of labels) {
      expect(a.left).toBeGreaterThanOrEqual(0);
      expect(a.right).toBeLessThan(layout.laneX);
      for (const b of labels)
        if (a !== b && a.y === b.y) expect(a.right <= b.left || b.right <= a.left).toBe(true);
    }
  });
});
