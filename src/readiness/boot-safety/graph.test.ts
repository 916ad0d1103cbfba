import type { UnitInfo } from '../../model/state';
import { unit, units } from '../../../test/helpers/states';
import type { BootGraph, OrderingReason } from './graph';
import { bootGraph, splitInstance } from './graph';
import { formatOrdering, formatPulls, orderingPath } from './ordering';
import { bootTransaction, transactionOf } from './transaction';
import { deepFreeze } from '../../shared/deep-freeze';

/** A node's units with the targets every boot needs, the way Debian ships them (abridged). */
function graphOf(...list: UnitInfo[]): BootGraph {
  const base = [
    unit('multi-user.target', { type: 'target', requires: ['basic.target'], after: ['basic.target'] }),
    unit('basic.target', { type: 'target', requires: ['sysinit.target'], after: ['sysinit.target'] }),
    unit('sysinit.target', { type: 'target', wants: ['local-fs.target'], after: ['local-fs.target'] }),
    unit('local-fs.target', { type: 'target', defaultDependencies: false, after: ['local-fs-pre.target'] }),
    unit('local-fs-pre.target', { type: 'target', defaultDependencies: false }),
    unit('shutdown.target', { type: 'target', defaultDependencies: false }),
  ];
  const given = new Set(list.map((u) => u.name));
  const state = units(...base.filter((u) => !given.has(u.name)), ...list);
  state.defaultTarget = 'multi-user.target';
  return bootGraph(state);
}

function edge(graph: BootGraph, from: string, to: string): OrderingReason | undefined {
  const a = graph.id(from);
  const b = graph.id(to);
  return a === undefined || b === undefined ? undefined : graph.orderingEdge(a, b)?.reason;
}

function started(graph: BootGraph): string[] {
  const boot = bootTransaction(graph);
  return graph.nodes
    .filter((node) => boot.has(node.id))
    .map((node) => node.name)
    .sort();
}

describe('bootGraph: default dependencies (systemd 252)', () => {
  it('orders a service after sysinit.target and basic.target, requires sysinit, before shutdown', () => {
    const graph = graphOf(unit('app.service', { wantedByLinks: ['multi-user.target'] }));
    expect(edge(graph, 'app.service', 'sysinit.target')).toBe('default');
    expect(edge(graph, 'app.service', 'basic.target')).toBe('default');
    expect(edge(graph, 'shutdown.target', 'app.service')).toBe('default');
    const app = graph.id('app.service') as number;
    expect(graph.pullEdge(app, graph.id('sysinit.target') as number)).toMatchObject({ kind: 'Requires' });
  });

  it('adds none to a service with DefaultDependencies=no', () => {
    const graph = graphOf(unit('early.service', { defaultDependencies: false }));
    expect(edge(graph, 'early.service', 'sysinit.target')).toBeUndefined();
    expect(edge(graph, 'early.service', 'basic.target')).toBeUndefined();
  });

  it('orders a target after what it wants, unless that unit has DefaultDependencies=no', () => {
    const graph = graphOf(
      unit('app.service', { wantedByLinks: ['multi-user.target'] }),
      unit('early.service', { defaultDependencies: false, wantedByLinks: ['multi-user.target'] }),
    );
    expect(edge(graph, 'multi-user.target', 'app.service')).toBe('default');
    expect(edge(graph, 'multi-user.target', 'early.service')).toBeUndefined();
  });

  it('adds no target ordering that would make a loop, nor from a target without default dependencies', () => {
    const graph = graphOf(
      // Wanted by basic.target but ordered after it by its own default dependency.
      unit('late.service', { wantedByLinks: ['basic.target'] }),
      unit('mount-helper.service', { wantedByLinks: ['local-fs.target'] }),
    );
    expect(edge(graph, 'late.service', 'basic.target')).toBe('default');
    expect(edge(graph, 'basic.target', 'late.service')).toBeUndefined();
    expect(edge(graph, 'local-fs.target', 'mount-helper.service')).toBeUndefined();
  });

  it('orders sockets, timers and paths before their target and the service they activate', () => {
    const graph = graphOf(
      unit('web.socket'),
      unit('web.service'),
      unit('clean.timer'),
      unit('clean.service'),
      unit('spool.path'),
      unit('spool.service'),
    );
    expect(edge(graph, 'sockets.target', 'web.socket')).toBe('default');
    expect(edge(graph, 'web.service', 'web.socket')).toBe('implicit');
    expect(edge(graph, 'timers.target', 'clean.timer')).toBe('default');
    expect(edge(graph, 'clean.service', 'clean.timer')).toBe('implicit');
    expect(edge(graph, 'paths.target', 'spool.path')).toBe('default');
    expect(edge(graph, 'spool.service', 'spool.path')).toBe('implicit');
    expect(edge(graph, 'web.socket', 'sysinit.target')).toBe('default');
  });

  it('gives mount unit files local-fs-pre/local-fs ordering, / none, and orders a mount after its parent', () => {
    const graph = graphOf(
      unit('-.mount', { mount: { what: '/dev/vda1', where: '/' } }),
      unit('srv.mount', { mount: { what: '/dev/vdb1', where: '/srv' } }),
      unit('srv-data.mount', { mount: { what: '/dev/vdc1', where: '/srv/data' } }),
    );
    expect(edge(graph, 'srv.mount', 'local-fs-pre.target')).toBe('default');
    expect(edge(graph, 'local-fs.target', 'srv.mount')).toBe('default');
    expect(edge(graph, '-.mount', 'local-fs-pre.target')).toBeUndefined();
    expect(edge(graph, 'srv-data.mount', 'srv.mount')).toBe('implicit');
    expect(edge(graph, 'srv-data.mount', '-.mount')).toBe('implicit');
    expect(edge(graph, 'srv.mount', '-.mount')).toBe('implicit');
  });

  it('takes fstab mounts as the collector made them: the implicit lists, no second guess', () => {
    const graph = graphOf(
      unit('srv-pypi.mount', {
        generatedBy: 'systemd-fstab-generator',
        mount: { what: '/dev/drbd0', where: '/srv/pypi' },
        wantedByLinks: ['local-fs.target'],
        implicit: { after: ['dev-drbd0.device', 'local-fs-pre.target'], requires: ['dev-drbd0.device'] },
      }),
    );
    expect(edge(graph, 'srv-pypi.mount', 'dev-drbd0.device')).toBe('implicit');
    // nofail: no Before=local-fs.target in the implicit list, so none is invented.
    expect(edge(graph, 'local-fs.target', 'srv-pypi.mount')).toBeUndefined();
    expect(graph.node(graph.id('dev-drbd0.device') as number).kind).toBe('device');
  });

  it('adds only what an implicit list names: a list left out adds no edge and no unit', () => {
    // A network mount's implicit lists as the collector keeps them when only Wants= was added:
    // no After=, Before= or Requires= list at all.
    const graph = graphOf(
      unit('srv-nfs.mount', {
        mount: { what: 'nas:/srv', where: '/srv/nfs' },
        defaultDependencies: false,
        implicit: { wants: ['network-online.target'] },
      }),
    );
    const id = graph.id('srv-nfs.mount') as number;
    expect(graph.pulls[id]).toEqual([
      { to: graph.id('network-online.target'), kind: 'Wants', reason: 'implicit' },
    ]);
    expect(graph.after[id]).toEqual([]);
    expect(graph.nodes.map((node) => node.name).sort()).toEqual([
      'basic.target',
      'local-fs-pre.target',
      'local-fs.target',
      'multi-user.target',
      'network-online.target',
      'shutdown.target',
      'srv-nfs.mount',
      'sysinit.target',
    ]);
  });
});

describe('bootGraph: names and edges', () => {
  it('reads Before= on the other unit as After=, and ignores Before= on a device as systemd does', () => {
    const graph = graphOf(unit('a.service', { before: ['b.service', 'dev-nbd0.device'] }), unit('b.service'));
    expect(edge(graph, 'b.service', 'a.service')).toBe('before');
    expect(edge(graph, 'dev-nbd0.device', 'a.service')).toBeUndefined();
  });

  it('resolves aliases, also of template instances', () => {
    const graph = graphOf(
      unit('ssh.service'),
      unit('sshd.service', { aliasOf: 'ssh.service' }),
      unit('getty@.service'),
      unit('autovt@.service', { aliasOf: 'getty@.service' }),
      unit('app.service', { after: ['sshd.service', 'autovt@tty2.service'] }),
    );
    expect(graph.id('sshd.service')).toBe(graph.id('ssh.service'));
    expect(edge(graph, 'app.service', 'ssh.service')).toBe('after');
    expect(edge(graph, 'app.service', 'getty@tty2.service')).toBe('after');
    expect(graph.node(graph.id('getty@tty2.service') as number)).toMatchObject({
      kind: 'loaded',
      template: 'getty@.service',
    });
  });

  it('makes an instance nobody linked from its template, instantiating its X@. dependencies', () => {
    const graph = graphOf(
      // As collected from drbd-utils' drbd@.target: Requires=drbd@%i.service expanded with no instance.
      unit('drbd@.target', { type: 'target', requires: ['drbd@.service'], after: ['network-online.target'] }),
      unit('drbd@.service', { partOf: ['drbd@.target'] }),
      unit('srv.mount', {
        requires: ['drbd@r0.target'],
        after: ['drbd@r0.target'],
        wantedByLinks: ['local-fs.target'],
      }),
    );
    const target = graph.id('drbd@r0.target') as number;
    expect(graph.pullEdge(target, graph.id('drbd@r0.service') as number)).toMatchObject({ kind: 'Requires' });
    expect(edge(graph, 'drbd@r0.target', 'drbd@r0.service')).toBe('default');
    expect(edge(graph, 'drbd@r0.service', 'sysinit.target')).toBe('default');
    expect(started(graph)).toEqual(expect.arrayContaining(['drbd@r0.service', 'drbd@r0.target']));
  });

  it('splits instance names', () => {
    expect(splitInstance('drbd@r0.target')).toEqual({ template: 'drbd@.target', instance: 'r0' });
    expect(splitInstance('drbd@.target')).toBeUndefined();
    expect(splitInstance('drbd.service')).toBeUndefined();
    // systemd's unit_name_is_valid() refuses an empty prefix: '@x.service' is no instance.
    expect(splitInstance('@x.service')).toBeUndefined();
  });
});

describe('bootTransaction', () => {
  it('holds what the default target pulls in, not masked, missing or Requisite-only units', () => {
    const graph = graphOf(
      unit('app.service', {
        wantedByLinks: ['multi-user.target'],
        wants: ['gone.service', 'hidden.service'],
      }),
      unit('hidden.service', { masked: true, enablement: 'masked' }),
      unit('checked.service'),
      unit('idle.service', { enablement: 'disabled' }),
      unit('multi-user.target', {
        type: 'target',
        requires: ['basic.target'],
        requisite: ['checked.service'],
      }),
    );
    const names = started(graph);
    expect(names).toEqual(
      expect.arrayContaining(['app.service', 'multi-user.target', 'sysinit.target', 'local-fs.target']),
    );
    for (const name of ['gone.service', 'hidden.service', 'checked.service', 'idle.service'])
      expect(names).not.toContain(name);
  });

  it('shows the chain that starts a unit, written dependencies and links before default ones', () => {
    const graph = graphOf(unit('app.service', { wantedByLinks: ['multi-user.target'] }));
    const boot = bootTransaction(graph);
    const local = graph.id('local-fs.target') as number;
    expect(formatPulls(graph, boot.root as number, boot.chainTo(local))).toBe(
      'multi-user.target → Requires basic.target → Requires sysinit.target → Wants local-fs.target',
    );
    const app = graph.id('app.service') as number;
    expect(formatPulls(graph, boot.root as number, boot.chainTo(app))).toBe(
      'multi-user.target → Wants app.service (link multi-user.target.wants/)',
    );
  });

  it('is empty without a default target', () => {
    const graph = bootGraph(units(unit('app.service')));
    expect(graph.defaultTarget).toBeUndefined();
    expect(started(graph)).toEqual([]);
  });

  it('boots into default.target when the table does not say which target is the default', () => {
    // systemd starts default.target; a table without `defaultTarget` (a report that left it
    // out) still has the unit itself.
    const table = units(
      unit('default.target', { type: 'target', wants: ['app.service'] }),
      unit('app.service'),
    );
    const graph = bootGraph(table);
    expect(graph.defaultTarget).toBe(graph.id('default.target'));
    expect(started(graph)).toEqual(['app.service', 'default.target']);
  });

  it('answers for a unit id it does not have: starts after nothing, no edges', () => {
    const graph = graphOf(unit('app.service', { after: ['network.target'] }));
    const unknown = graph.nodes.length;
    const app = graph.id('app.service') as number;
    expect(graph.startsAfter(unknown, app)).toBe(false);
    expect(graph.orderingEdge(unknown, app)).toBeUndefined();
    expect(graph.pullEdge(unknown, app)).toBeUndefined();
  });
});

describe('orderingPath', () => {
  it('finds the shortest chain, only through units the caller allows', () => {
    const graph = graphOf(unit('app.service', { wantedByLinks: ['multi-user.target'] }));
    const boot = bootTransaction(graph);
    const app = graph.id('app.service') as number;
    const local = graph.id('local-fs.target') as number;
    const path = orderingPath(graph, app, local, (id) => boot.has(id));
    expect(formatOrdering(graph, app, path ?? [])).toBe(
      'app.service → After sysinit.target (default dependency) → After local-fs.target',
    );
    expect(orderingPath(graph, app, local, () => false)).toBeUndefined();
    expect(orderingPath(graph, local, app, (id) => boot.has(id))).toBeUndefined();
  });

  it('through a unit outside a transaction only when the caller allows it', () => {
    const graph = graphOf(
      unit('a.service', { after: ['b.service'] }),
      unit('b.service', { after: ['c.service'] }),
      unit('c.service'),
    );
    const a = graph.id('a.service') as number;
    const c = graph.id('c.service') as number;
    const own = transactionOf(graph, [a]);
    expect(orderingPath(graph, a, c, (id) => own.has(id))).toBeUndefined();
    expect(orderingPath(graph, a, c, () => true)?.length).toBe(2);
  });
});

describe('graphs of frozen unit tables', () => {
  const table = () => {
    const state = units(
      unit('multi-user.target', { type: 'target', wants: ['app.service'] }),
      unit('app.service', { after: ['network.target'] }),
    );
    state.defaultTarget = 'multi-user.target';
    return state;
  };
  const shape = (graph: BootGraph) =>
    graph.nodes.map((node) => ({
      name: node.name,
      after: graph.after[node.id],
      pulls: graph.pulls[node.id],
    }));

  it('are built once per table and equal to a graph built afresh', () => {
    const frozen = deepFreeze(table());
    const graph = bootGraph(frozen);
    expect(bootGraph(frozen)).toBe(graph);
    expect(shape(graph)).toEqual(shape(bootGraph(table())));
    expect(graph.id('app.service')).toBeDefined();
  });

  it('are built every time for a table that can change', () => {
    const state = table();
    const before = bootGraph(state);
    state.items['late.service'] = unit('late.service', { wantedBy: ['multi-user.target'] });
    const after = bootGraph(state);
    expect(after).not.toBe(before);
    expect(after.id('late.service')).toBeDefined();
    expect(before.id('late.service')).toBeUndefined();
  });
});

describe('bootGraph: nodes and edges, exactly', () => {
  it('records a unit only on a loaded node and a template only on an instance made here', () => {
    const app = unit('app.service', { after: ['gone.service'] });
    const graph = graphOf(app);
    const appId = graph.id('app.service') as number;
    const goneId = graph.id('gone.service') as number;
    expect(graph.node(appId)).toStrictEqual({ id: appId, name: 'app.service', kind: 'loaded', unit: app });
    expect(graph.node(goneId)).toStrictEqual({ id: goneId, name: 'gone.service', kind: 'missing' });
  });

  it('ignores a unit ordered after itself or pulling itself in, also through an alias', () => {
    const graph = graphOf(
      unit('app.service', {
        defaultDependencies: false,
        after: ['app.service', 'app-alias.service'],
        wants: ['app.service'],
        requires: ['app-alias.service'],
      }),
      unit('app-alias.service', { aliasOf: 'app.service' }),
    );
    const id = graph.id('app.service') as number;
    expect(graph.after[id]).toEqual([]);
    expect(graph.pulls[id]).toEqual([]);
  });

  it('keeps one edge for an ordering given twice: After= written and added by default', () => {
    // systemd.service(5): a service gets After=sysinit.target and After=basic.target by default.
    const graph = graphOf(unit('app.service', { after: ['sysinit.target', 'basic.target'] }));
    const id = graph.id('app.service') as number;
    expect(graph.after[id]).toEqual([
      { to: graph.id('sysinit.target'), reason: 'after' },
      { to: graph.id('basic.target'), reason: 'after' },
    ]);
  });

  it('keeps an alias loop as two units that do not load, each under its own name', () => {
    // A symlink loop: systemd cannot load either name (ELOOP) and keeps each as a unit not found.
    const graph = graphOf(
      unit('a.service', { aliasOf: 'b.service' }),
      unit('b.service', { aliasOf: 'a.service' }),
      unit('x@.service', { aliasOf: 'y@.service' }),
      unit('y@.service', { aliasOf: 'x@.service' }),
      unit('app.service', { after: ['a.service', 'x@i.service'] }),
    );
    const a = graph.id('a.service') as number;
    const b = graph.id('b.service') as number;
    const xi = graph.id('x@i.service') as number;
    expect(graph.node(a)).toStrictEqual({ id: a, name: 'a.service', kind: 'missing' });
    expect(graph.node(b)).toStrictEqual({ id: b, name: 'b.service', kind: 'missing' });
    expect(graph.node(xi)).toStrictEqual({ id: xi, name: 'x@i.service', kind: 'missing' });
  });

  it('loads an instance that has its own unit file as itself, not through its aliased template', () => {
    // systemd.unit(5): foo@bar.service is read from its own file when there is one; only
    // otherwise from the template foo@.service.
    const own = unit('autovt@tty1.service');
    const graph = graphOf(
      unit('getty@.service'),
      unit('autovt@.service', { aliasOf: 'getty@.service' }),
      own,
      unit('app.service', { after: ['autovt@tty1.service'] }),
    );
    const id = graph.id('autovt@tty1.service') as number;
    expect(graph.node(id)).toStrictEqual({ id, name: 'autovt@tty1.service', kind: 'loaded', unit: own });
    expect(graph.id('getty@tty1.service')).toBeUndefined();
  });

  it('makes one node for a unit and its alias, whichever is met first', () => {
    const graph = graphOf(
      unit('ssh.service'),
      unit('app.service', { after: ['sshd.service'] }),
      unit('sshd.service', { aliasOf: 'ssh.service' }),
    );
    expect(graph.nodes.map((node) => node.name).sort()).toEqual([
      'app.service',
      'basic.target',
      'local-fs-pre.target',
      'local-fs.target',
      'multi-user.target',
      'shutdown.target',
      'ssh.service',
      'sysinit.target',
    ]);
    expect(graph.id('sshd.service')).toBe(graph.id('ssh.service'));
  });

  it('takes a template’s X@. dependencies as written when the template itself is a node', () => {
    const graph = graphOf(
      unit('drbd@.target', { type: 'target', requires: ['drbd@.service'] }),
      unit('drbd@.service'),
    );
    const template = graph.id('drbd@.target') as number;
    expect(graph.pulls[template]).toEqual([
      { to: graph.id('drbd@.service'), kind: 'Requires', reason: 'file' },
    ]);
    expect(graph.nodes.map((node) => node.name).sort()).toEqual([
      'basic.target',
      'drbd@.service',
      'drbd@.target',
      'local-fs-pre.target',
      'local-fs.target',
      'multi-user.target',
      'shutdown.target',
      'sysinit.target',
    ]);
  });

  it('orders a socket before the service it activates only when that service exists', () => {
    // systemd.socket(5): the implicit Before= is on the service the socket activates; a socket
    // without one (nothing to activate) names no service.
    const graph = graphOf(unit('lone.socket', { defaultDependencies: false }));
    expect(graph.id('lone.service')).toBeUndefined();
  });

  it('adds no pull from an fstab mount whose implicit lists have no Wants=', () => {
    const graph = graphOf(
      unit('srv-pypi.mount', {
        generatedBy: 'systemd-fstab-generator',
        mount: { what: '/dev/drbd0', where: '/srv/pypi' },
        defaultDependencies: false,
        implicit: { after: ['dev-drbd0.device'], requires: ['dev-drbd0.device'] },
      }),
    );
    const id = graph.id('srv-pypi.mount') as number;
    expect(graph.pulls[id]).toEqual([
      { to: graph.id('dev-drbd0.device'), kind: 'Requires', reason: 'implicit' },
    ]);
  });

  it('orders a target after a device it pulls in, but not after a masked unit, nor a masked target after anything', () => {
    // target.c: a target is ordered after what it Wants=/Requires= only when both are loaded
    // and both have default dependencies; a device is loaded, a masked unit is not.
    const graph = graphOf(
      unit('storage.target', {
        type: 'target',
        requires: ['dev-drbd0.device'],
        wants: ['hidden.service'],
      }),
      unit('hidden.service', { masked: true, enablement: 'masked' }),
      unit('off.target', { type: 'target', masked: true, enablement: 'masked' }),
      unit('app.service', { wantedByLinks: ['off.target'] }),
    );
    expect(edge(graph, 'storage.target', 'dev-drbd0.device')).toBe('default');
    expect(edge(graph, 'storage.target', 'hidden.service')).toBeUndefined();
    const off = graph.id('off.target') as number;
    expect(graph.pullEdge(off, graph.id('app.service') as number)).toEqual({
      to: graph.id('app.service'),
      kind: 'Wants',
      reason: 'link',
    });
    expect(graph.after[off]).toEqual([]);
  });
});
