import { spec, state, unit, unitRule, units } from '../../../test/helpers/states';
import type { RoleSpec } from '../../model/desired';
import type { UnitDependencies, UnitEnablement, UnitInfo } from '../../model/state';
import type { FixDraft, NodeFixContext, SourcedFinding } from '../types';
import { unitsFixer } from './units';

const ctxOf = (b: UnitInfo[], a?: UnitInfo[], roles: RoleSpec = spec()): NodeFixContext => ({
  node: 'b',
  state: state('b', { units: units(...b) }),
  spec: roles,
  ...(a ? { model: state('a', { units: units(...a) }) } : {}),
});

const rolesWith = (name: string, rule: Parameters<typeof unitRule>[0]): RoleSpec =>
  spec({ units: { [name]: unitRule(rule) } });

// Findings shaped as compare and boot safety make them (only what the fixer reads matters).
const base = (key: string) => ({ category: 'units' as const, key, node: 'b', severity: 'error' as const });
const enablementDiff = (key: string, primary: UnitEnablement, here: UnitEnablement): SourcedFinding => ({
  ...base(key),
  kind: 'mismatch',
  side: 'different',
  aspect: 'enablement',
  expected: primary,
  actual: here,
  message: `${key} is ${primary} on the primary, ${here} on the secondary`,
  source: 'parity',
});
const onlyPrimary = (key: string): SourcedFinding => ({
  ...base(key),
  kind: 'missing',
  side: 'only-first',
  message: `${key} only on the primary`,
  source: 'parity',
});
const onlySecondary = (key: string): SourcedFinding => ({
  ...base(key),
  kind: 'unexpected',
  side: 'only-second',
  message: `${key} only on the secondary`,
  source: 'parity',
});
const desired = (key: string, aspect: 'enablement' | 'masked' | 'after' | undefined): SourcedFinding => ({
  ...base(key),
  kind: aspect === undefined ? 'missing' : 'mismatch',
  ...(aspect ? { aspect } : {}),
  message: `${key} is not as the roles ask`,
  source: 'desired',
});
const orderingDiff = (key: string, primary: Partial<UnitDependencies>): SourcedFinding => ({
  ...base(key),
  kind: 'mismatch',
  side: 'different',
  aspect: 'ordering',
  expected: primary,
  message: `${key} ordering differs`,
  source: 'parity',
});
const cycle = (key: string): SourcedFinding => ({
  ...base(key),
  kind: 'unsafe',
  aspect: 'ordering-cycle',
  message: 'Ordering cycle at boot',
  source: 'safety',
});

const enable = (key: string, commands: string[][], description: string, addresses: string[]): FixDraft => ({
  category: 'units',
  key,
  action: 'change',
  part: 'enablement',
  description,
  commands,
  addresses,
});

const dropIn = (
  key: string,
  lines: { directive: string; units: string[] }[],
  description: string,
  addresses: string[],
): FixDraft => ({
  category: 'units',
  key,
  action: 'change',
  part: 'ordering',
  description,
  edits: [{ kind: 'drop-in', unit: key, lines }],
  reloadSystemd: true,
  addresses,
});

const ENABLEMENT = 'units|web.service|mismatch|enablement|different';

describe('unit names', () => {
  it('refuses a unit name from a state that could be read as shell syntax', () => {
    expect(unitsFixer.plan([onlyPrimary('x;reboot.service')], ctxOf([]))).toEqual([
      {
        category: 'units',
        key: 'x;reboot.service',
        action: 'advice',
        description:
          'unit name "x;reboot.service" is not well-formed (it contains `;`, which looks like shell syntax): driftguard will not pass it to a command',
        reason: 'refused: a malformed name from a node state',
        commands: [],
        addresses: ['units|x;reboot.service|missing||only-first'],
      },
    ]);
  });
});

describe('enablement', () => {
  it('enables what the roles want enabled', () => {
    const b = [unit('web.service', { enablement: 'disabled' })];
    expect(
      unitsFixer.plan(
        [desired('web.service', 'enablement')],
        ctxOf(b, undefined, rolesWith('web.service', { enabled: true })),
      ),
    ).toEqual([
      enable('web.service', [['systemctl', 'enable', 'web.service']], 'enable web.service on b', [
        'units|web.service|mismatch|enablement|',
      ]),
    ]);
  });

  it('unmasks a masked unit before enabling it, masked at runtime or for good', () => {
    for (const masked of ['masked', 'masked-runtime'] as const) {
      const b = [unit('web.service', { enablement: masked, masked: true })];
      expect(
        unitsFixer.plan([enablementDiff('web.service', 'enabled', masked)], ctxOf(b, [unit('web.service')])),
      ).toEqual([
        enable(
          'web.service',
          [
            ['systemctl', 'unmask', 'web.service'],
            ['systemctl', 'enable', 'web.service'],
          ],
          'unmask and enable web.service on b',
          [ENABLEMENT],
        ),
      ]);
    }
  });

  it('disables what the roles want disabled, and unmasks first to disable as the primary has it', () => {
    const roles = rolesWith('web.service', { enabled: false });
    expect(
      unitsFixer.plan([desired('web.service', 'enablement')], ctxOf([unit('web.service')], undefined, roles)),
    ).toEqual([
      enable('web.service', [['systemctl', 'disable', 'web.service']], 'disable web.service on b', [
        'units|web.service|mismatch|enablement|',
      ]),
    ]);
    const b = [unit('web.service', { enablement: 'masked', masked: true })];
    const a = [unit('web.service', { enablement: 'disabled' })];
    expect(unitsFixer.plan([enablementDiff('web.service', 'disabled', 'masked')], ctxOf(b, a))).toEqual([
      enable(
        'web.service',
        [
          ['systemctl', 'unmask', 'web.service'],
          ['systemctl', 'disable', 'web.service'],
        ],
        'unmask and disable web.service on b',
        [ENABLEMENT],
      ),
    ]);
  });

  it('masks without unmasking first, even a unit masked only at runtime', () => {
    const roles = rolesWith('web.service', { masked: true });
    for (const here of ['enabled', 'masked-runtime'] as const) {
      const b = [unit('web.service', { enablement: here, masked: here !== 'enabled' })];
      expect(unitsFixer.plan([desired('web.service', 'masked')], ctxOf(b, undefined, roles))).toEqual([
        enable('web.service', [['systemctl', 'mask', 'web.service']], 'mask web.service on b', [
          'units|web.service|mismatch|masked|',
        ]),
      ]);
    }
  });

  it('lets the roles decide over the primary: masked before enabled, enabled before disabled', () => {
    const b = [unit('web.service', { enablement: 'disabled' })];
    const a = [unit('web.service', { enablement: 'static' })];
    const findings = [enablementDiff('web.service', 'static', 'disabled')];
    const verbs = (rule: Parameters<typeof unitRule>[0]) =>
      unitsFixer.plan(findings, ctxOf(b, a, rolesWith('web.service', rule))).map((d) => d.commands);
    expect(verbs({ masked: true, enabled: true })).toEqual([[['systemctl', 'mask', 'web.service']]]);
    expect(verbs({ enabled: true, masked: false })).toEqual([[['systemctl', 'enable', 'web.service']]]);
    expect(verbs({ enabled: false, masked: false })).toEqual([[['systemctl', 'disable', 'web.service']]]);
    expect(verbs({ masked: false })).toEqual([[['systemctl', 'unmask', 'web.service']]]);
  });

  // systemctl reads `-.slice` as options ("invalid option -- '.'") unless it follows `--`;
  // the verbs of a name without a leading dash stay as an operator would type them.
  it('puts a unit name that starts with a dash after --, as systemctl asks', () => {
    const b = [unit('-.slice', { enablement: 'masked', masked: true })];
    const plan = (rule: Parameters<typeof unitRule>[0]) =>
      unitsFixer
        .plan([desired('-.slice', 'masked')], ctxOf(b, undefined, rolesWith('-.slice', rule)))
        .map((d) => d.commands);
    expect(plan({ enabled: true, masked: false })).toEqual([
      [
        ['systemctl', 'unmask', '--', '-.slice'],
        ['systemctl', 'enable', '--', '-.slice'],
      ],
    ]);
    expect(plan({ masked: false })).toEqual([[['systemctl', 'unmask', '--', '-.slice']]]);
  });

  it('unmasks what the roles say must not be masked, whether masked at runtime or for good', () => {
    const roles = rolesWith('web.service', { masked: false });
    for (const here of ['masked', 'masked-runtime'] as const) {
      const b = [unit('web.service', { enablement: here, masked: true })];
      expect(unitsFixer.plan([desired('web.service', 'masked')], ctxOf(b, undefined, roles))).toEqual([
        enable('web.service', [['systemctl', 'unmask', 'web.service']], 'unmask web.service on b', [
          'units|web.service|mismatch|masked|',
        ]),
      ]);
    }
  });

  it("makes a runtime enablement or mask of the primary's a lasting one here (no --runtime)", () => {
    const b = [unit('web.service', { enablement: 'disabled' })];
    for (const [primary, verb] of [
      ['enabled-runtime', 'enable'],
      ['masked-runtime', 'mask'],
    ] as const) {
      const a = [unit('web.service', { enablement: primary, masked: primary === 'masked-runtime' })];
      expect(unitsFixer.plan([enablementDiff('web.service', primary, 'disabled')], ctxOf(b, a))).toEqual([
        enable('web.service', [['systemctl', verb, 'web.service']], `${verb} web.service on b`, [ENABLEMENT]),
      ]);
    }
  });

  it('unmasks a unit that is static on the primary: what is left is a property of its file', () => {
    const b = [unit('web.service', { enablement: 'masked', masked: true })];
    const a = [unit('web.service', { enablement: 'static' })];
    expect(unitsFixer.plan([enablementDiff('web.service', 'static', 'masked')], ctxOf(b, a))).toEqual([
      enable('web.service', [['systemctl', 'unmask', 'web.service']], 'unmask web.service on b', [
        ENABLEMENT,
      ]),
    ]);
  });

  it('leaves static, indirect, alias and generated to a person: no systemctl verb makes them', () => {
    for (const primary of ['static', 'indirect', 'alias', 'generated'] as const) {
      const b = [unit('web.service', { enablement: 'disabled' })];
      const a = [unit('web.service', { enablement: primary })];
      expect(unitsFixer.plan([enablementDiff('web.service', primary, 'disabled')], ctxOf(b, a))).toEqual([
        {
          category: 'units',
          key: 'web.service',
          action: 'advice',
          description: `make web.service ${primary} on b, as on the primary (it is disabled)`,
          reason: `${primary} is a property of the unit file, not something systemctl switches`,
          commands: [],
          addresses: [ENABLEMENT],
        },
      ]);
    }
    const absent = unitsFixer.plan(
      [onlyPrimary('web.service')],
      ctxOf([], [unit('web.service', { enablement: 'static' })]),
    );
    expect(absent).toEqual([
      {
        category: 'units',
        key: 'web.service',
        action: 'advice',
        description: 'make web.service static on b, as on the primary (it is absent)',
        reason: 'static is a property of the unit file, not something systemctl switches',
        commands: [],
        addresses: ['units|web.service|missing||only-first'],
      },
    ]);
  });

  it("enables a unit the node lacks after the packages, naming the primary's unit file", () => {
    const a = [unit('pypissh.service')];
    expect(unitsFixer.plan([onlyPrimary('pypissh.service')], ctxOf([], a))).toEqual([
      {
        ...enable(
          'pypissh.service',
          [['systemctl', 'enable', 'pypissh.service']],
          'enable pypissh.service on b (its unit file, /lib/systemd/system/pypissh.service on the primary, comes with its package)',
          ['units|pypissh.service|missing||only-first'],
        ),
        afterPackages: true,
      },
    ]);
  });

  it('enables a unit the roles ask for and nobody has yet, after the packages, even when they only order it', () => {
    // No drop-in yet for the roles' After=: there is no unit to order, and no finding says so.
    for (const rule of [{ enabled: true }, { after: ['network-online.target'] }]) {
      expect(
        unitsFixer.plan(
          [desired('web.service', undefined)],
          ctxOf([], undefined, rolesWith('web.service', rule)),
        ),
      ).toEqual([
        {
          ...enable(
            'web.service',
            [['systemctl', 'enable', 'web.service']],
            'enable web.service on b (its unit file comes with its package)',
            ['units|web.service|missing||'],
          ),
          afterPackages: true,
        },
      ]);
    }
  });

  it('makes one fix for every enablement finding of a unit, addressing them all', () => {
    const b = [unit('web.service', { enablement: 'masked', masked: true })];
    const roles = rolesWith('web.service', { enabled: true });
    const findings = [
      desired('web.service', 'enablement'),
      desired('web.service', 'masked'),
      enablementDiff('web.service', 'enabled', 'masked'),
    ];
    expect(unitsFixer.plan(findings, ctxOf(b, [unit('web.service')], roles))).toEqual([
      enable(
        'web.service',
        [
          ['systemctl', 'unmask', 'web.service'],
          ['systemctl', 'enable', 'web.service'],
        ],
        'unmask and enable web.service on b',
        ['units|web.service|mismatch|enablement|', 'units|web.service|mismatch|masked|', ENABLEMENT],
      ),
    ]);
  });
});

describe('what is left to people', () => {
  it('leaves a unit only the secondary has to a person, and plans no enablement for it', () => {
    const b = [unit('debug-shell.service')];
    expect(unitsFixer.plan([onlySecondary('debug-shell.service')], ctxOf(b, []))).toEqual([
      {
        category: 'units',
        key: 'debug-shell.service',
        action: 'advice',
        description:
          'debug-shell.service exists only on b: remove or disable it there, or add it to the primary',
        reason: 'driftguard removes units only when a person decides',
        commands: [],
        addresses: ['units|debug-shell.service|unexpected||only-second'],
      },
    ]);
  });

  it('leaves an ordering cycle to a person, before the fixes of the same unit', () => {
    const b = [unit('web.service', { enablement: 'disabled' })];
    const roles = rolesWith('web.service', { enabled: true, after: ['srv-data.mount'] });
    const drafts = unitsFixer.plan(
      [desired('web.service', 'after'), cycle('web.service'), desired('web.service', 'enablement')],
      ctxOf(b, undefined, roles),
    );
    // Each fix addresses its own findings: the enablement, the After=, the cycle.
    expect(drafts).toEqual([
      {
        category: 'units',
        key: 'web.service',
        action: 'advice',
        description: 'break the ordering cycle through web.service on b (the evidence shows the cycle)',
        reason: 'which ordering is wrong is a decision about the services',
        commands: [],
        addresses: ['units|web.service|unsafe|ordering-cycle|'],
      },
      enable('web.service', [['systemctl', 'enable', 'web.service']], 'enable web.service on b', [
        'units|web.service|mismatch|enablement|',
      ]),
      dropIn(
        'web.service',
        [{ directive: 'After', units: ['srv-data.mount'] }],
        'add After=srv-data.mount to web.service on b with a drop-in, then reload systemd',
        ['units|web.service|mismatch|after|'],
      ),
    ]);
  });
});

describe('orderings', () => {
  it("adds the roles' After= a unit lacks with a drop-in, only the entries it lacks", () => {
    const b = [unit('web.service', { after: ['network.target', 'local-fs.target'] })];
    const roles = rolesWith('web.service', { after: ['srv-data.mount', 'local-fs.target', 'drbd.service'] });
    // A boot-safety finding (after) and the roles' (after) are one fix.
    const safety: SourcedFinding = { ...desired('web.service', 'after'), kind: 'unsafe', source: 'safety' };
    expect(unitsFixer.plan([desired('web.service', 'after'), safety], ctxOf(b, undefined, roles))).toEqual([
      dropIn(
        'web.service',
        [{ directive: 'After', units: ['srv-data.mount', 'drbd.service'] }],
        'add After=srv-data.mount drbd.service to web.service on b with a drop-in, then reload systemd',
        ['units|web.service|mismatch|after|', 'units|web.service|unsafe|after|'],
      ),
    ]);
  });

  it("never calls the roles' findings a difference from the primary: no advice for what the unit has beyond them", () => {
    const b = [unit('web.service', { after: ['network.target'], wants: ['x.service'] })];
    const roles = rolesWith('web.service', { after: ['srv-data.mount'] });
    expect(unitsFixer.plan([desired('web.service', 'after')], ctxOf(b, undefined, roles))).toEqual([
      dropIn(
        'web.service',
        [{ directive: 'After', units: ['srv-data.mount'] }],
        'add After=srv-data.mount to web.service on b with a drop-in, then reload systemd',
        ['units|web.service|mismatch|after|'],
      ),
    ]);
  });

  it("adds every list the primary has and this unit lacks, in systemd's order of directives", () => {
    const b = [unit('web.service', { after: ['network.target'] })];
    const primary = {
      conflicts: ['shutdown.target'],
      partOf: ['app.target'],
      bindsTo: ['srv-data.mount'],
      wants: ['x.service'],
      requisite: ['y.service'],
      requires: ['z.service'],
      before: ['nginx.service'],
      after: ['network.target', 'srv-data.mount'],
    };
    expect(
      unitsFixer.plan([orderingDiff('web.service', primary)], ctxOf(b, [unit('web.service', primary)])),
    ).toEqual([
      dropIn(
        'web.service',
        [
          { directive: 'After', units: ['srv-data.mount'] },
          { directive: 'Before', units: ['nginx.service'] },
          { directive: 'Requires', units: ['z.service'] },
          { directive: 'Requisite', units: ['y.service'] },
          { directive: 'Wants', units: ['x.service'] },
          { directive: 'BindsTo', units: ['srv-data.mount'] },
          { directive: 'PartOf', units: ['app.target'] },
          { directive: 'Conflicts', units: ['shutdown.target'] },
        ],
        'add After=srv-data.mount, Before=nginx.service, Requires=z.service, Requisite=y.service, Wants=x.service, BindsTo=srv-data.mount, PartOf=app.target, Conflicts=shutdown.target to web.service on b with a drop-in, then reload systemd',
        ['units|web.service|mismatch|ordering|different'],
      ),
    ]);
  });

  it("merges the roles' After= with the primary's, the roles' first, each unit once", () => {
    const b = [unit('web.service')];
    const roles = rolesWith('web.service', { after: ['srv-data.mount', 'drbd.service'] });
    const findings = [
      desired('web.service', 'after'),
      orderingDiff('web.service', { after: ['drbd.service', 'network.target'] }),
    ];
    const [fix] = unitsFixer.plan(findings, ctxOf(b, [unit('web.service')], roles));
    expect(fix?.edits).toEqual([
      {
        kind: 'drop-in',
        unit: 'web.service',
        lines: [{ directive: 'After', units: ['srv-data.mount', 'drbd.service', 'network.target'] }],
      },
    ]);
  });

  it("judges what the unit has beyond the primary's and the roles' lists when the roles ask an After= too", () => {
    const b = [unit('web.service', { after: ['late.service'] })];
    const roles = rolesWith('web.service', { after: ['srv-data.mount'] });
    const primary = { after: ['network.target'] };
    const findings = [desired('web.service', 'after'), orderingDiff('web.service', primary)];
    expect(unitsFixer.plan(findings, ctxOf(b, [unit('web.service', primary)], roles))).toEqual([
      dropIn(
        'web.service',
        [{ directive: 'After', units: ['srv-data.mount', 'network.target'] }],
        'add After=srv-data.mount network.target to web.service on b with a drop-in, then reload systemd',
        ['units|web.service|mismatch|after|', 'units|web.service|mismatch|ordering|different'],
      ),
      {
        category: 'units',
        key: 'web.service',
        action: 'advice',
        part: 'ordering-beyond',
        description:
          'web.service on b also has After=late.service, which the primary does not: remove it from its unit file',
        reason: 'a drop-in can add dependencies, never remove them',
        commands: [],
        addresses: [],
      },
    ]);
  });

  it('advises removing by hand what the unit has beyond the primary, beside the drop-in that adds', () => {
    const b = [unit('web.service', { before: ['a.service', 'b.service'], conflicts: ['c.service'] })];
    const primary = { after: ['srv-data.mount'] };
    expect(
      unitsFixer.plan([orderingDiff('web.service', primary)], ctxOf(b, [unit('web.service', primary)])),
    ).toEqual([
      dropIn(
        'web.service',
        [{ directive: 'After', units: ['srv-data.mount'] }],
        'add After=srv-data.mount to web.service on b with a drop-in, then reload systemd',
        ['units|web.service|mismatch|ordering|different'],
      ),
      {
        category: 'units',
        key: 'web.service',
        action: 'advice',
        part: 'ordering-beyond',
        description:
          'web.service on b also has Before=a.service b.service, Conflicts=c.service, which the primary does not: remove it from its unit file',
        reason: 'a drop-in can add dependencies, never remove them',
        commands: [],
        // The drop-in addresses the finding; the advice is what is left of it.
        addresses: [],
      },
    ]);
  });

  it('addresses the finding with the advice when only the unit has more than the primary', () => {
    const b = [unit('web.service', { after: ['network.target', 'late.service'] })];
    const primary = { after: ['network.target'] };
    expect(
      unitsFixer.plan([orderingDiff('web.service', primary)], ctxOf(b, [unit('web.service', primary)])),
    ).toEqual([
      {
        category: 'units',
        key: 'web.service',
        action: 'advice',
        part: 'ordering-beyond',
        description:
          'web.service on b also has After=late.service, which the primary does not: remove it from its unit file',
        reason: 'a drop-in can add dependencies, never remove them',
        commands: [],
        addresses: ['units|web.service|mismatch|ordering|different'],
      },
    ]);
  });
});

describe('orderings that enablement links explain', () => {
  const TARGET = 'units|multi-user.target|mismatch|ordering|different';

  it("fixes a target's Wants= that differs only by an enabled unit's link by enabling that unit", () => {
    const a = [
      unit('multi-user.target', { wants: ['pypissh.service', 'ssh.service'] }),
      unit('pypissh.service', { wantedBy: ['multi-user.target'], wantedByLinks: ['multi-user.target'] }),
    ];
    const b = [
      unit('multi-user.target', { wants: ['ssh.service'] }),
      unit('pypissh.service', { enablement: 'disabled', wantedBy: ['multi-user.target'] }),
    ];
    const findings = [
      orderingDiff('multi-user.target', { wants: ['pypissh.service', 'ssh.service'] }),
      enablementDiff('pypissh.service', 'enabled', 'disabled'),
    ];
    expect(unitsFixer.plan(findings, ctxOf(b, a))).toEqual([
      enable('pypissh.service', [['systemctl', 'enable', 'pypissh.service']], 'enable pypissh.service on b', [
        'units|pypissh.service|mismatch|enablement|different',
        TARGET,
      ]),
    ]);
  });

  it("does the same for a Requires= that a unit's .requires/ link explains", () => {
    const a = [
      unit('multi-user.target', { requires: ['drbd.service'] }),
      unit('drbd.service', { requiredBy: ['multi-user.target'], requiredByLinks: ['multi-user.target'] }),
    ];
    const b = [unit('multi-user.target'), unit('drbd.service', { enablement: 'disabled' })];
    const findings = [
      enablementDiff('drbd.service', 'enabled', 'disabled'),
      orderingDiff('multi-user.target', { requires: ['drbd.service'] }),
    ];
    expect(unitsFixer.plan(findings, ctxOf(b, a))).toEqual([
      enable('drbd.service', [['systemctl', 'enable', 'drbd.service']], 'enable drbd.service on b', [
        'units|drbd.service|mismatch|enablement|different',
        TARGET,
      ]),
    ]);
  });

  it("credits the linked unit's enablement fix, not another fix of that unit listed before it", () => {
    const a = [
      unit('multi-user.target', { wants: ['pypissh.service'] }),
      unit('pypissh.service', { wantedByLinks: ['multi-user.target'] }),
    ];
    const b = [unit('multi-user.target'), unit('pypissh.service', { enablement: 'disabled' })];
    const findings = [
      cycle('pypissh.service'),
      enablementDiff('pypissh.service', 'enabled', 'disabled'),
      orderingDiff('multi-user.target', { wants: ['pypissh.service'] }),
    ];
    expect(unitsFixer.plan(findings, ctxOf(b, a))).toEqual([
      {
        category: 'units',
        key: 'pypissh.service',
        action: 'advice',
        description: 'break the ordering cycle through pypissh.service on b (the evidence shows the cycle)',
        reason: 'which ordering is wrong is a decision about the services',
        commands: [],
        addresses: ['units|pypissh.service|unsafe|ordering-cycle|'],
      },
      enable('pypissh.service', [['systemctl', 'enable', 'pypissh.service']], 'enable pypissh.service on b', [
        'units|pypissh.service|mismatch|enablement|different',
        TARGET,
      ]),
    ]);
  });

  it("never credits another unit's enablement fix with a link: the linked unit without a finding gets advice", () => {
    const a = [
      unit('multi-user.target', { wants: ['pypissh.service'] }),
      unit('pypissh.service', { wantedByLinks: ['multi-user.target'] }),
      unit('other.service'),
    ];
    const b = [
      unit('multi-user.target'),
      unit('pypissh.service', { enablement: 'disabled' }),
      unit('other.service', { enablement: 'disabled' }),
    ];
    const findings = [
      enablementDiff('other.service', 'enabled', 'disabled'),
      orderingDiff('multi-user.target', { wants: ['pypissh.service'] }),
    ];
    expect(unitsFixer.plan(findings, ctxOf(b, a))).toEqual([
      enable('other.service', [['systemctl', 'enable', 'other.service']], 'enable other.service on b', [
        'units|other.service|mismatch|enablement|different',
      ]),
      {
        category: 'units',
        key: 'multi-user.target',
        action: 'advice',
        description: 'enable pypissh.service on b as on the primary (its link is what differs)',
        reason: 'pypissh.service itself is not among the findings',
        commands: [],
        addresses: [TARGET],
      },
    ]);
  });

  it('advises enabling the linked unit when it has no finding of its own', () => {
    const a = [
      unit('multi-user.target', { wants: ['pypissh.service'] }),
      unit('pypissh.service', { wantedByLinks: ['multi-user.target'] }),
    ];
    const b = [unit('multi-user.target'), unit('pypissh.service', { enablement: 'disabled' })];
    expect(
      unitsFixer.plan([orderingDiff('multi-user.target', { wants: ['pypissh.service'] })], ctxOf(b, a)),
    ).toEqual([
      {
        category: 'units',
        key: 'multi-user.target',
        action: 'advice',
        description: 'enable pypissh.service on b as on the primary (its link is what differs)',
        reason: 'pypissh.service itself is not among the findings',
        commands: [],
        addresses: [TARGET],
      },
    ]);
  });

  it('copies an After= of the target even when a link explains its Wants=: links order nothing', () => {
    const a = [
      unit('multi-user.target', { wants: ['pypissh.service'], after: ['pypissh.service'] }),
      unit('pypissh.service', {
        wantedByLinks: ['multi-user.target'],
        requiredByLinks: ['multi-user.target'],
      }),
    ];
    const b = [unit('multi-user.target'), unit('pypissh.service', { enablement: 'disabled' })];
    // Linked both ways, so that only the kind of list (After=) keeps the link from explaining it.
    const findings = [
      orderingDiff('multi-user.target', { wants: ['pypissh.service'], after: ['pypissh.service'] }),
    ];
    // The drop-in addresses the finding: the linked unit's enablement is not credited with it.
    expect(unitsFixer.plan(findings, ctxOf(b, a))).toEqual([
      dropIn(
        'multi-user.target',
        [{ directive: 'After', units: ['pypissh.service'] }],
        'add After=pypissh.service to multi-user.target on b with a drop-in, then reload systemd',
        [TARGET],
      ),
    ]);
  });

  it("does not call a Wants= that this node's own enablement link explains more than the primary has", () => {
    const a = [unit('multi-user.target'), unit('debug.service', { enablement: 'disabled' })];
    const b = [
      unit('multi-user.target', { wants: ['debug.service'] }),
      unit('debug.service', { wantedByLinks: ['multi-user.target'] }),
    ];
    expect(unitsFixer.plan([orderingDiff('multi-user.target', {})], ctxOf(b, a))).toEqual([]);
    // Without the link, the same entry is something the node has beyond the primary.
    const unlinked = [unit('multi-user.target', { wants: ['debug.service'] }), unit('debug.service')];
    expect(unitsFixer.plan([orderingDiff('multi-user.target', {})], ctxOf(unlinked, a))).toEqual([
      {
        category: 'units',
        key: 'multi-user.target',
        action: 'advice',
        part: 'ordering-beyond',
        description:
          'multi-user.target on b also has Wants=debug.service, which the primary does not: remove it from its unit file',
        reason: 'a drop-in can add dependencies, never remove them',
        commands: [],
        addresses: [TARGET],
      },
    ]);
  });
});
