/**
 * ordering-cycle: systemd cannot honour an After= cycle among units that all have start jobs; it
 * deletes one job to break it. Edges count in both spellings (A After=B is B Before=A,
 * systemd.unit(5)) and with default dependencies (a service is After sysinit.target, which is
 * After local-fs.target).
 */
import type { UnitInfo } from '../../model/state';
import { bootContext, bootUnits, fstabMount } from '../../../test/helpers/boot-units';
import { fstab, unit } from '../../../test/helpers/states';
import { orderingCycles } from './ordering-cycle';

function enabled(name: string, extra: Partial<UnitInfo> = {}, dir = '/lib/systemd/system'): UnitInfo {
  return unit(name, { path: `${dir}/${name}`, wantedByLinks: ['multi-user.target'], ...extra });
}

const DROPPED =
  'systemd breaks it by dropping the start job of one of these units, whichever it meets first, so one may silently not start.';

describe('orderingCycles', () => {
  it('finds a cycle of two, whole', () => {
    const ctx = bootContext(
      bootUnits(
        enabled('a.service', { after: ['b.service'] }),
        enabled('b.service', { after: ['a.service'] }),
      ),
    );
    expect(orderingCycles(ctx)).toEqual([
      {
        category: 'units',
        key: 'a.service',
        kind: 'unsafe',
        severity: 'error',
        node: 'pypi-1',
        aspect: 'ordering-cycle',
        message: `Ordering cycle at boot: a.service → b.service → a.service; ${DROPPED}`,
        evidence: [
          'a.service → b.service → a.service',
          'a.service After b.service',
          'b.service After a.service',
        ],
        actual: ['a.service', 'b.service'],
      },
    ]);
  });

  it('finds a cycle of three written partly as Before=', () => {
    const ctx = bootContext(
      bootUnits(
        enabled('a.service', { after: ['b.service'] }),
        enabled('b.service'),
        enabled('c.service', { before: ['b.service'], after: ['a.service'] }),
      ),
    );
    const [cycle, ...rest] = orderingCycles(ctx);
    expect(rest).toEqual([]);
    expect(cycle?.message).toBe(
      `Ordering cycle at boot: a.service → b.service → c.service → a.service; ${DROPPED}`,
    );
    expect(cycle?.evidence).toEqual([
      'a.service → b.service → c.service → a.service',
      'a.service After b.service',
      'b.service After c.service (Before= in c.service)',
      'c.service After a.service',
    ]);
    expect(cycle?.actual).toEqual(['a.service', 'b.service', 'c.service']);
  });

  it('keys the cycle by the first unit the administrator wrote (under /etc), else by an fstab line, else by name', () => {
    const vendor = (extra: Partial<UnitInfo>): UnitInfo[] => [
      enabled('a.service', { after: ['z.service'] }),
      enabled('z.service', { after: ['a.service'], ...extra }),
    ];
    expect(orderingCycles(bootContext(bootUnits(...vendor({})))).map((f) => f.key)).toEqual(['a.service']);
    const local = vendor({ path: '/etc/systemd/system/z.service' });
    const [byLocal] = orderingCycles(bootContext(bootUnits(...local)));
    expect(byLocal?.key).toBe('z.service');
    expect(byLocal?.evidence?.[0]).toBe('z.service → a.service → z.service');
    expect(byLocal?.message).toBe(`Ordering cycle at boot: z.service → a.service → z.service; ${DROPPED}`);
    expect(byLocal?.actual).toEqual(['a.service', 'z.service']);
    // A unit the fstab made counts as the administrator's, whatever its path.
    const generated = vendor({
      path: '/run/systemd/generator/z.service',
      generatedBy: 'systemd-fstab-generator',
    });
    expect(orderingCycles(bootContext(bootUnits(...generated))).map((f) => f.key)).toEqual(['z.service']);
    // /etcetera is not /etc/.
    const lookalike = vendor({ path: '/etcetera/z.service' });
    expect(orderingCycles(bootContext(bootUnits(...lookalike))).map((f) => f.key)).toEqual(['a.service']);
  });

  it('finds the cycle a default dependency closes: a service before local-fs.target, wanted by it', () => {
    const early = unit('drbd-early.service', {
      path: '/etc/systemd/system/drbd-early.service',
      before: ['local-fs.target'],
      wantedByLinks: ['local-fs.target'],
    });
    const [cycle] = orderingCycles(bootContext(bootUnits(early)));
    expect(cycle?.key).toBe('drbd-early.service');
    expect(cycle?.evidence).toEqual([
      'drbd-early.service → sysinit.target → local-fs.target → drbd-early.service',
      'drbd-early.service After sysinit.target (default dependency)',
      'sysinit.target After local-fs.target',
      'local-fs.target After drbd-early.service (Before= in drbd-early.service)',
      // A service is also After basic.target, which is After sysinit.target: on the knot, off the cycle.
      'caught in the same knot of orderings: basic.target',
    ]);
    // With DefaultDependencies=no there is no cycle.
    expect(orderingCycles(bootContext(bootUnits({ ...early, defaultDependencies: false })))).toEqual([]);
  });

  it('finds the cycle an fstab x-systemd.requires= on a late provider closes without nofail', () => {
    const entry = fstab(17, '/dev/drbd0', '/srv/pypi', 'ext4', 'x-systemd.requires=drbd-r0.service');
    const ctx = bootContext(bootUnits(fstabMount(entry), unit('drbd-r0.service')), {
      mounts: { fstab: [entry], live: [] },
    });
    const [cycle, ...rest] = orderingCycles(ctx);
    expect(rest).toEqual([]);
    expect(cycle?.key).toBe('srv-pypi.mount');
    expect(cycle?.evidence).toEqual([
      'srv-pypi.mount → drbd-r0.service → sysinit.target → local-fs.target → srv-pypi.mount',
      'srv-pypi.mount After drbd-r0.service',
      'drbd-r0.service After sysinit.target (default dependency)',
      'sysinit.target After local-fs.target',
      'local-fs.target After srv-pypi.mount (Before= in srv-pypi.mount)',
      'caught in the same knot of orderings: basic.target',
    ]);
    const safe = fstab(17, '/dev/drbd0', '/srv/pypi', 'ext4', 'nofail,x-systemd.requires=drbd-r0.service');
    const nofail = bootContext(bootUnits(fstabMount(safe), unit('drbd-r0.service')));
    expect(orderingCycles(nofail)).toEqual([]);
  });

  it('reports a knot of several cycles once, naming the units off the printed cycle', () => {
    const ctx = bootContext(
      bootUnits(
        enabled('a.service', { after: ['b.service'] }),
        enabled('b.service', { after: ['a.service', 'c.service'] }),
        enabled('c.service', { after: ['b.service'] }),
      ),
    );
    expect(orderingCycles(ctx)).toEqual([
      expect.objectContaining({
        key: 'a.service',
        evidence: [
          'a.service → b.service → a.service',
          'a.service After b.service',
          'b.service After a.service',
          'caught in the same knot of orderings: c.service',
        ],
        actual: ['a.service', 'b.service', 'c.service'],
      }),
    ]);
  });

  it('names every unit off the printed cycle, comma-separated', () => {
    const ctx = bootContext(
      bootUnits(
        enabled('a.service', { after: ['b.service'] }),
        enabled('b.service', { after: ['a.service', 'c.service', 'd.service'] }),
        enabled('c.service', { after: ['b.service'] }),
        enabled('d.service', { after: ['b.service'] }),
      ),
    );
    expect(orderingCycles(ctx).map((f) => f.evidence)).toEqual([
      [
        'a.service → b.service → a.service',
        'a.service After b.service',
        'b.service After a.service',
        'caught in the same knot of orderings: c.service, d.service',
      ],
    ]);
  });

  it('reports separate knots separately, in order of their first unit', () => {
    const ctx = bootContext(
      bootUnits(
        enabled('x.service', { after: ['y.service'] }),
        enabled('y.service', { after: ['x.service'] }),
        enabled('a.service', { after: ['b.service'] }),
        enabled('b.service', { after: ['a.service'] }),
      ),
    );
    expect(orderingCycles(ctx).map((f) => f.key)).toEqual(['a.service', 'x.service']);
  });

  it('ignores a cycle among units the boot does not start, or only partly starts', () => {
    const idle = bootContext(
      bootUnits(unit('x.service', { after: ['y.service'] }), unit('y.service', { after: ['x.service'] })),
    );
    expect(orderingCycles(idle)).toEqual([]);
    const half = bootContext(
      bootUnits(enabled('x.service', { after: ['y.service'] }), unit('y.service', { after: ['x.service'] })),
    );
    expect(orderingCycles(half)).toEqual([]);
  });
});
