/**
 * after: a desired `after:` holds when a chain of After= edges (written, Before= in the other
 * unit, implicit, default) leads from the unit to the other through units that have a start job
 * — systemd orders jobs only (systemd.unit(5): "ordering dependencies between units that are
 * not both started have no effect").
 */
import type { RoleSpec } from '../../model/desired';
import type { UnitInfo } from '../../model/state';
import { bootContext, bootUnits, fstabMount } from '../../../test/helpers/boot-units';
import { fstab, spec, unit, unitRule } from '../../../test/helpers/states';
import { desiredAfter } from './desired-after';
import type { BootContext } from './finding';

function enabled(name: string, extra: Partial<UnitInfo> = {}): UnitInfo {
  return unit(name, { path: `/etc/systemd/system/${name}`, wantedByLinks: ['multi-user.target'], ...extra });
}

function webAfter(...after: string[]): RoleSpec {
  return spec({ units: { 'pypi-web.service': unitRule({ after }) } });
}

function node(...list: UnitInfo[]): BootContext {
  return bootContext(bootUnits(...list));
}

describe('desiredAfter', () => {
  it('passes a direct After=, a Before= in the other unit, and a chain through started units', () => {
    const ctx = node(
      enabled('pypi-web.service', { after: ['network.target'] }),
      enabled('pypi-db.service', { before: ['pypi-web.service'] }),
      fstabMount(fstab(17, '/dev/sdb1', '/srv/pypi', 'ext4', 'defaults')),
    );
    // pypi-web → basic.target (default) → sysinit.target → local-fs.target → srv-pypi.mount (Before=).
    expect(
      desiredAfter(ctx, webAfter('network.target', 'pypi-db.service', 'srv-pypi.mount', 'local-fs.target')),
    ).toEqual([]);
  });

  it('finds what the graph does not order it after, whole', () => {
    // nofail: no Before=local-fs.target, so nothing orders the mount before the service.
    const ctx = node(
      enabled('pypi-web.service', { after: ['network.target', 'syslog.socket'] }),
      fstabMount(fstab(17, '/dev/sdb1', '/srv/pypi', 'ext4', 'nofail')),
    );
    expect(desiredAfter(ctx, webAfter('network.target', 'srv-pypi.mount'))).toEqual([
      {
        category: 'units',
        key: 'pypi-web.service',
        kind: 'unsafe',
        severity: 'error',
        node: 'pypi-1',
        aspect: 'after',
        message:
          'pypi-web.service is not ordered after srv-pypi.mount: at boot it can start before it is up.',
        evidence: [
          'pypi-web.service: After=network.target syslog.socket',
          'no chain of After= through units started at boot leads from pypi-web.service to srv-pypi.mount',
        ],
        expected: { after: ['network.target', 'srv-pypi.mount'] },
        actual: { after: ['network.target', 'syslog.socket'] },
      },
    ]);
  });

  it('names every unordered unit, says "they are" for several, and writes (none) for no After=', () => {
    const ctx = node(enabled('pypi-web.service'), enabled('pypi-db.service'), unit('worker@.service'));
    const [finding, ...rest] = desiredAfter(
      ctx,
      webAfter('pypi-db.service', 'postgresql.service', 'worker@5.service'),
    );
    expect(rest).toEqual([]);
    expect(finding?.message).toBe(
      'pypi-web.service is not ordered after pypi-db.service, postgresql.service, worker@5.service: at boot it can start before they are up.',
    );
    expect(finding?.evidence).toEqual([
      'pypi-web.service: After=(none)',
      'no chain of After= through units started at boot leads from pypi-web.service to pypi-db.service',
      'postgresql.service: not a unit on this node',
      'no chain of After= through units started at boot leads from pypi-web.service to worker@5.service',
    ]);
    expect(finding?.actual).toEqual({ after: [] });
  });

  it('says "they are" for two', () => {
    const ctx = node(enabled('pypi-web.service'), enabled('pypi-db.service'), enabled('redis.service'));
    expect(desiredAfter(ctx, webAfter('pypi-db.service', 'redis.service'))[0]?.message).toBe(
      'pypi-web.service is not ordered after pypi-db.service, redis.service: at boot it can start before they are up.',
    );
  });

  it('counts a masked unit as a unit, one the boot cannot order against', () => {
    const ctx = node(enabled('pypi-web.service'), unit('off.service', { masked: true }));
    expect(desiredAfter(ctx, webAfter('off.service'))[0]?.evidence).toEqual([
      'pypi-web.service: After=(none)',
      'no chain of After= through units started at boot leads from pypi-web.service to off.service',
    ]);
  });

  it('counts a direct After= on a unit the boot does not start', () => {
    const ctx = node(enabled('pypi-web.service', { after: ['pypi-db.service'] }), unit('pypi-db.service'));
    expect(desiredAfter(ctx, webAfter('pypi-db.service'))).toEqual([]);
  });

  it('does not count an After= written in the unit file on a unit the node does not have', () => {
    const ctx = node(enabled('pypi-web.service', { after: ['pypi-db.service'] }));
    expect(desiredAfter(ctx, webAfter('pypi-db.service'))).toEqual([
      expect.objectContaining({
        key: 'pypi-web.service',
        aspect: 'after',
        message:
          'pypi-web.service is not ordered after pypi-db.service: at boot it can start before it is up.',
        evidence: ['pypi-web.service: After=pypi-db.service', 'pypi-db.service: not a unit on this node'],
      }),
    ]);
  });

  it('does not count an instance as a unit when the node has no template for it', () => {
    const ctx = node(enabled('pypi-web.service'));
    expect(desiredAfter(ctx, webAfter('worker@5.service'))[0]?.evidence).toEqual([
      'pypi-web.service: After=(none)',
      'worker@5.service: not a unit on this node',
    ]);
  });

  it('does not count an After= on an instance of a template alias whose unit the node does not have', () => {
    // autovt@.service → getty@.service, a link left behind: autovt@tty2.service resolves to nothing.
    const ctx = node(
      enabled('pypi-web.service', { after: ['autovt@tty2.service'] }),
      unit('autovt@.service', { aliasOf: 'getty@.service' }),
    );
    expect(desiredAfter(ctx, webAfter('autovt@tty2.service'))[0]?.evidence).toEqual([
      'pypi-web.service: After=autovt@tty2.service',
      'autovt@tty2.service: not a unit on this node',
    ]);
  });

  it('does not count a chain through a unit without a start job; does count one the unit itself starts', () => {
    const worker = unit('pypi-worker.service', { after: ['pypi-db.service'] });
    const db = enabled('pypi-db.service');
    const through = node(enabled('pypi-web.service', { after: ['pypi-worker.service'] }), worker, db);
    expect(desiredAfter(through, webAfter('pypi-db.service')).map((f) => f.key)).toEqual([
      'pypi-web.service',
    ]);
    // pypi-web Wants= the worker: starting pypi-web starts it, so the chain holds.
    const pulled = node(
      enabled('pypi-web.service', { after: ['pypi-worker.service'], wants: ['pypi-worker.service'] }),
      worker,
      db,
    );
    expect(desiredAfter(pulled, webAfter('pypi-db.service'))).toEqual([]);
    // Also when pypi-web itself is not started at boot.
    const notEnabled = node(
      unit('pypi-web.service', { after: ['pypi-worker.service'], wants: ['pypi-worker.service'] }),
      worker,
      db,
    );
    expect(desiredAfter(notEnabled, webAfter('pypi-db.service'))).toEqual([]);
  });

  it('leaves a unit that is missing or masked to drift, and a rule without after:', () => {
    const ctx = node(unit('pypi-web.service', { masked: true }), enabled('pypi-db.service'));
    expect(desiredAfter(ctx, webAfter('pypi-db.service'))).toEqual([]);
    expect(desiredAfter(node(enabled('pypi-db.service')), webAfter('pypi-db.service'))).toEqual([]);
    expect(desiredAfter(node(enabled('pypi-web.service')), webAfter())).toEqual([]);
  });

  it('reads a rule written for an alias as the unit it names, and one finding per unit', () => {
    const ctx = node(
      enabled('ssh.service'),
      unit('sshd.service', { aliasOf: 'ssh.service' }),
      enabled('pypi-db.service'),
      enabled('pypi-web.service'),
    );
    const rules = spec({
      units: {
        'sshd.service': unitRule({ after: ['pypi-db.service'] }),
        'pypi-web.service': unitRule({ after: ['pypi-db.service'] }),
      },
    });
    const findings = desiredAfter(ctx, rules);
    expect(findings.map((f) => [f.key, f.message])).toEqual([
      [
        'sshd.service',
        'sshd.service is not ordered after pypi-db.service: at boot it can start before it is up.',
      ],
      [
        'pypi-web.service',
        'pypi-web.service is not ordered after pypi-db.service: at boot it can start before it is up.',
      ],
    ]);
  });
});
