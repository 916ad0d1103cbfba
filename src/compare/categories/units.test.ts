import type { UnitRule } from '../../model/desired';
import type { UnitEnablement, UnitInfo, UnitsState } from '../../model/state';
import { findingsAbout, pairContext } from '../test-helpers';
import { spec, unit, unitRule, units } from '../../../test/helpers/states';
import { unitsComparator } from './units';

const aboutDrbd = findingsAbout('units', 'drbd.service');
const driftOf = (rule: Partial<UnitRule>, found: UnitInfo | undefined) =>
  unitsComparator.drift!(spec({ units: { 'drbd.service': unitRule(rule) } }), found ? units(found) : units());
const drbd = (extra: Partial<UnitInfo> = {}) => unit('drbd.service', extra);
const parityOf = (a: UnitsState, b: UnitsState, ignore?: string[]) =>
  unitsComparator.parity!(a, b, pairContext(ignore));

/** A mount unit systemd-fstab-generator made from fstab, linked into local-fs.target. */
const generatedMount = (name: string, wantedByLinks: string[], requiredByLinks: string[]) =>
  unit(name, {
    path: undefined,
    enablement: 'generated',
    generatedBy: 'systemd-fstab-generator',
    wantedByLinks,
    requiredByLinks,
  });

describe('units: drift', () => {
  it.each([
    ['no unit', {}, false],
    ['drbd.service', { 'drbd.service': unitRule({ enabled: true }) }, true],
  ])('asks something of a node when the roles name a unit (%s: %s)', (_what, rules, expected) => {
    expect(unitsComparator.hasRules!(spec({ units: rules }))).toBe(expected);
  });

  it.each([
    ['disabled', {}],
    ['disabled', { enabled: false }],
    ['not masked', { masked: false }],
  ])('takes an absent unit as %s (%j)', (_what, rule) => {
    expect(driftOf(rule, undefined)).toEqual([]);
  });

  it.each([
    ['enabled', { enabled: true }],
    ['masked', { masked: true }],
    ['enabled', { after: ['network.target'] }],
  ])('reports an absent unit the roles want %s', (expected, rule) => {
    expect(driftOf(rule, undefined)).toStrictEqual([
      aboutDrbd({
        kind: 'missing',
        expected,
        message: 'drbd.service does not exist on the node',
      }),
    ]);
  });

  const STARTING: UnitEnablement[] = [
    'enabled',
    'enabled-runtime',
    'static',
    'indirect',
    'generated',
    'alias',
    'linked',
    'linked-runtime',
  ];

  it.each(STARTING)('counts a %s unit as enabled', (enablement) => {
    expect(driftOf({ enabled: true, masked: false }, drbd({ enablement }))).toEqual([]);
  });

  it.each<UnitEnablement>(['disabled', 'transient', 'bad'])(
    'reports a %s unit the roles want enabled',
    (enablement) => {
      expect(driftOf({ enabled: true }, drbd({ enablement }))).toStrictEqual([
        aboutDrbd({
          kind: 'mismatch',
          aspect: 'enablement',
          expected: 'enabled',
          actual: enablement,
          message: `drbd.service is ${enablement}, desired enabled`,
        }),
      ]);
    },
  );

  it.each([
    ['masked', { masked: true, enablement: 'masked' as const }],
    ['masked-runtime', { masked: true, enablement: 'masked-runtime' as const }],
    // either sign of masking is enough: the enablement alone, or the collector's flag alone
    ['masked-runtime enablement', { masked: false, enablement: 'masked-runtime' as const }],
    ['masked flag', { masked: true, enablement: 'static' as const }],
  ])('reports a unit (%s) the roles want enabled and not masked', (_what, state) => {
    expect(driftOf({ enabled: true, masked: false }, drbd(state))).toStrictEqual([
      aboutDrbd({
        kind: 'mismatch',
        aspect: 'masked',
        expected: 'not masked',
        actual: state.enablement,
        message: 'drbd.service is masked',
      }),
      aboutDrbd({
        kind: 'mismatch',
        aspect: 'enablement',
        expected: 'enabled',
        actual: state.enablement,
        message: `drbd.service is ${state.enablement}, desired enabled`,
      }),
    ]);
  });

  it('reports an unmasked unit the roles want masked', () => {
    expect(driftOf({ masked: true }, drbd({ enablement: 'disabled' }))).toStrictEqual([
      aboutDrbd({
        kind: 'mismatch',
        aspect: 'masked',
        expected: 'masked',
        actual: 'disabled',
        message: 'drbd.service is disabled, desired masked',
      }),
    ]);
    expect(driftOf({ masked: true }, drbd({ enablement: 'masked-runtime' }))).toEqual([]);
    expect(driftOf({ masked: true }, drbd({ masked: true, enablement: 'masked' }))).toEqual([]);
  });

  it.each<UnitEnablement>(['enabled', 'enabled-runtime'])(
    'reports a %s unit the roles want disabled',
    (enablement) => {
      expect(driftOf({ enabled: false }, drbd({ enablement }))).toStrictEqual([
        aboutDrbd({
          kind: 'mismatch',
          aspect: 'enablement',
          expected: 'disabled',
          actual: enablement,
          message: `drbd.service is ${enablement}, desired disabled`,
        }),
      ]);
    },
  );

  it.each<UnitEnablement>(['disabled', 'static', 'indirect', 'masked'])(
    'takes a %s unit as disabled',
    (enablement) => {
      expect(driftOf({ enabled: false }, drbd({ enablement }))).toEqual([]);
    },
  );

  it('asks nothing of enablement or masking the roles do not mention', () => {
    expect(driftOf({}, drbd({ enablement: 'masked', masked: true }))).toEqual([]);
    expect(driftOf({}, drbd({ enablement: 'disabled' }))).toEqual([]);
  });

  it('names the orderings the unit lacks, with the ones it has', () => {
    const rule = { after: ['srv-pypi.mount', 'network.target', 'drbd.service'] };
    expect(driftOf(rule, drbd({ after: ['network.target', 'systemd-journald.socket'] }))).toStrictEqual([
      aboutDrbd({
        kind: 'mismatch',
        aspect: 'after',
        expected: { after: ['srv-pypi.mount', 'network.target', 'drbd.service'] },
        actual: { after: ['network.target', 'systemd-journald.socket'] },
        message:
          'drbd.service is not ordered after srv-pypi.mount, drbd.service (After=network.target, systemd-journald.socket)',
      }),
    ]);
    expect(driftOf({ after: ['network.target'] }, drbd()).map((f) => f.message)).toEqual([
      'drbd.service is not ordered after network.target (After=(none))',
    ]);
    expect(driftOf({ after: ['network.target'] }, drbd({ after: ['network.target'] }))).toEqual([]);
  });
});

describe('units: parity', () => {
  it('finds nothing between the same units', () => {
    const state = units(drbd({ after: ['network.target'], wantedByLinks: ['multi-user.target'] }));
    expect(parityOf(state, units(drbd({ after: ['network.target'] })))).toEqual([]);
  });

  it('reports a unit on one node only, recording its enablement', () => {
    expect(
      parityOf(units(unit('pypissh.service')), units(unit('telnet.socket', { enablement: 'static' }))),
    ).toStrictEqual([
      {
        category: 'units',
        key: 'pypissh.service',
        kind: 'missing',
        side: 'only-first',
        severity: 'error',
        expected: 'enabled',
        message: 'pypissh.service (enabled) only on primary (pypi-1)',
      },
      {
        category: 'units',
        key: 'telnet.socket',
        kind: 'unexpected',
        side: 'only-second',
        severity: 'error',
        actual: 'static',
        message: 'telnet.socket (static) only on secondary (pypi-2)',
      },
    ]);
  });

  it('reports a different enablement', () => {
    expect(parityOf(units(drbd()), units(drbd({ enablement: 'disabled' })))).toStrictEqual([
      aboutDrbd({
        kind: 'mismatch',
        side: 'different',
        aspect: 'enablement',
        expected: 'enabled',
        actual: 'disabled',
        message: 'drbd.service is enabled on primary (pypi-1), disabled on secondary (pypi-2)',
      }),
    ]);
  });

  it('reports every ordering list that differs in one finding, with the lists of each side', () => {
    const a = drbd({
      after: ['network.target', 'srv-pypi.mount'],
      requires: ['srv-pypi.mount'],
      conflicts: ['shutdown.target'],
    });
    const b = drbd({
      after: ['network.target', 'network-online.target'],
      before: ['pypi-web.service'],
      wants: ['network-online.target'],
      bindsTo: ['dev-drbd0.device'],
      partOf: ['pypi.target'],
      requisite: ['local-fs.target'],
      conflicts: ['shutdown.target'],
      wantedBy: ['multi-user.target'],
    });
    expect(parityOf(units(a), units(b))).toStrictEqual([
      aboutDrbd({
        kind: 'mismatch',
        side: 'different',
        aspect: 'ordering',
        expected: {
          after: ['network.target', 'srv-pypi.mount'],
          requires: ['srv-pypi.mount'],
          conflicts: ['shutdown.target'],
        },
        actual: {
          after: ['network.target', 'network-online.target'],
          before: ['pypi-web.service'],
          requisite: ['local-fs.target'],
          wants: ['network-online.target'],
          bindsTo: ['dev-drbd0.device'],
          partOf: ['pypi.target'],
          conflicts: ['shutdown.target'],
        },
        message:
          'drbd.service ordering differs: ' +
          'After= srv-pypi.mount only on primary (pypi-1); network-online.target only on secondary (pypi-2); ' +
          'Before= pypi-web.service only on secondary (pypi-2); ' +
          'Requires= srv-pypi.mount only on primary (pypi-1); ' +
          'Requisite= local-fs.target only on secondary (pypi-2); ' +
          'Wants= network-online.target only on secondary (pypi-2); ' +
          'BindsTo= dev-drbd0.device only on secondary (pypi-2); ' +
          'PartOf= pypi.target only on secondary (pypi-2)',
      }),
    ]);
  });

  it('reports enablement and ordering as two findings', () => {
    const findings = parityOf(
      units(drbd({ before: ['pypi-web.service'] })),
      units(drbd({ enablement: 'disabled' })),
    );
    expect(findings.map((f) => [f.aspect, f.message])).toEqual([
      ['enablement', 'drbd.service is enabled on primary (pypi-1), disabled on secondary (pypi-2)'],
      ['ordering', 'drbd.service ordering differs: Before= pypi-web.service only on primary (pypi-1)'],
    ]);
  });

  it('leaves out the units fstab generates and the links the generator adds for them', () => {
    const localFs = (...wants: string[]) =>
      unit('local-fs.target', { enablement: 'static', wants, requires: ['-.mount', 'srv-pypi.mount'] });
    const swap = (...wants: string[]) => unit('swap.target', { enablement: 'static', wants });
    const first = units(
      generatedMount('-.mount', [], ['local-fs.target']),
      generatedMount('srv-pypi.mount', [], ['local-fs.target']),
      generatedMount('dev-disk-by\\x2duuid-0f3c2d1e.swap', ['swap.target'], []),
      localFs('systemd-remount-fs.service'),
      swap('dev-disk-by\\x2duuid-0f3c2d1e.swap'),
      unit('pypi-web.service', { after: ['srv-pypi.mount'] }),
    );
    const second = units(
      generatedMount('-.mount', [], ['local-fs.target']),
      generatedMount('dev-disk-by\\x2duuid-a1b2c3d4.swap', ['swap.target'], []),
      unit('local-fs.target', {
        enablement: 'static',
        wants: ['systemd-remount-fs.service'],
        requires: ['-.mount'],
      }),
      swap('dev-disk-by\\x2duuid-a1b2c3d4.swap'),
      unit('pypi-web.service', { after: [] }),
    );
    expect(parityOf(first, second).map((f) => f.message)).toEqual([
      'pypi-web.service ordering differs: After= srv-pypi.mount only on primary (pypi-1)',
    ]);
  });

  it('keeps the links an operator made into a target the generator also links into', () => {
    const nfs = unit('nfs-client.target', { enablement: 'enabled', wantedByLinks: ['remote-fs.target'] });
    const gssd = unit('rpc-gssd.service', { enablement: 'static', requiredByLinks: ['remote-fs.target'] });
    const first = units(
      generatedMount('srv-pypi.mount', ['remote-fs.target'], ['remote-fs.target']),
      nfs,
      gssd,
      unit('remote-fs.target', {
        enablement: 'static',
        wants: ['srv-pypi.mount', 'nfs-client.target'],
        requires: ['srv-pypi.mount', 'rpc-gssd.service'],
      }),
    );
    const second = units(nfs, gssd, unit('remote-fs.target', { enablement: 'static' }));
    expect(parityOf(first, second).map((f) => f.message)).toEqual([
      'remote-fs.target ordering differs: Requires= rpc-gssd.service only on primary (pypi-1); ' +
        'Wants= nfs-client.target only on primary (pypi-1)',
    ]);
  });

  it('skips the units the pair ignores', () => {
    expect(parityOf(units(unit('getty@tty1.service')), units(), ['getty@*'])).toEqual([]);
  });

  it('leaves out transient units: the logins and systemd-run commands of each node', () => {
    const transient = (name: string) =>
      unit(name, { path: `/run/systemd/transient/${name}`, enablement: 'transient' });
    const web = unit('pypi-web.service');
    expect(
      parityOf(
        units(web, transient('session-7.scope'), transient('user-0.slice')),
        units(web, transient('session-12.scope'), transient('run-u40.service')),
      ),
    ).toEqual([]);
    // A unit written to /run/systemd/system by hand is configuration, and compared.
    expect(
      parityOf(units(web, unit('drbd-tune.service', { enablement: 'enabled-runtime' })), units(web)),
    ).toHaveLength(1);
  });
});
