import type { NodeState, UnitInfo } from '../../model/state';
import { context } from '../../../test/helpers/readiness-context';
import { fstab, spec, state, unit, unitRule, units } from '../../../test/helpers/states';
import { bootSafety } from './boot-safety';

/** A node that boots into multi-user.target with nginx, plus `extra` units the target wants. */
function bootable(node: string, extra: UnitInfo[] = []): NodeState {
  return state(node, {
    mounts: { fstab: [fstab(1, 'UUID=x', '/', 'ext4', 'errors=remount-ro')], live: [] },
    units: {
      ...units(
        unit('multi-user.target', {
          enablement: 'static',
          wants: ['nginx.service', ...extra.map((u) => u.name)],
        }),
        unit('nginx.service', { wantedBy: ['multi-user.target'], wantedByLinks: ['multi-user.target'] }),
        ...extra,
      ),
      defaultTarget: 'multi-user.target',
    },
  });
}

/** x.service and y.service, each ordered after the other, both started at boot. */
function cycle(): UnitInfo[] {
  const at = { wantedBy: ['multi-user.target'], wantedByLinks: ['multi-user.target'] };
  return [
    unit('x.service', { after: ['y.service'], ...at }),
    unit('y.service', { after: ['x.service'], ...at }),
  ];
}

const PASS = {
  status: 'pass',
  summary: 'both nodes would boot: no hang, no ordering cycle',
  findings: [],
};

function cycleFinding(node: string) {
  return {
    category: 'units',
    key: 'x.service',
    kind: 'unsafe',
    severity: 'error',
    message:
      'Ordering cycle at boot: x.service → y.service → x.service; systemd breaks it by dropping the start job of one of these units, whichever it meets first, so one may silently not start.',
    node,
    aspect: 'ordering-cycle',
    evidence: ['x.service → y.service → x.service', 'x.service After y.service', 'y.service After x.service'],
    actual: ['x.service', 'y.service'],
  };
}

function notCollected(node: string) {
  return {
    category: 'units',
    key: '(not collected)',
    kind: 'missing',
    severity: 'warning',
    node,
    message: `units or mounts of ${node} were not collected: its boot cannot be checked`,
  };
}

describe('boot-safety', () => {
  it('has the id of the contract', () => {
    expect(bootSafety.id).toBe('boot-safety');
  });

  it('passes two nodes that boot cleanly', () => {
    expect(bootSafety.evaluate(context({ primary: bootable('a'), secondary: bootable('b') }))).toEqual(PASS);
  });

  it('fails on an ordering cycle on the secondary', () => {
    expect(
      bootSafety.evaluate(context({ primary: bootable('a'), secondary: bootable('b', cycle()) })),
    ).toEqual({
      status: 'fail',
      summary: 'a boot would hang or loop (1 cause)',
      findings: [cycleFinding('b')],
    });
  });

  it('fails on an ordering cycle on the primary (a failover is often followed by its reboot)', () => {
    expect(
      bootSafety.evaluate(context({ primary: bootable('a', cycle()), secondary: bootable('b') })),
    ).toEqual({
      status: 'fail',
      summary: 'a boot would hang or loop (1 cause)',
      findings: [cycleFinding('a')],
    });
  });

  it('counts causes on both nodes, the primary first', () => {
    expect(
      bootSafety.evaluate(context({ primary: bootable('a', cycle()), secondary: bootable('b', cycle()) })),
    ).toEqual({
      status: 'fail',
      summary: 'a boot would hang or loop (2 causes)',
      findings: [cycleFinding('a'), cycleFinding('b')],
    });
  });

  it('judges each node by its own roles', () => {
    const rules = spec({ units: { 'nginx.service': unitRule({ after: ['postgresql.service'] }) } });
    const onPrimary = bootSafety.evaluate(
      context({ primary: bootable('a'), secondary: bootable('b'), primarySpec: rules }),
    );
    expect(onPrimary).toEqual({
      status: 'fail',
      summary: 'a boot would hang or loop (1 cause)',
      findings: [
        {
          category: 'units',
          key: 'nginx.service',
          kind: 'unsafe',
          severity: 'error',
          message:
            'nginx.service is not ordered after postgresql.service: at boot it can start before it is up.',
          node: 'a',
          aspect: 'after',
          evidence: ['nginx.service: After=(none)', 'postgresql.service: not a unit on this node'],
          expected: { after: ['postgresql.service'] },
          actual: { after: [] },
        },
      ],
    });
    const onSecondary = bootSafety.evaluate(
      context({ primary: bootable('a'), secondary: bootable('b'), secondarySpec: rules }),
    );
    expect(onSecondary.findings.map((f) => [f.node, f.key, f.aspect])).toEqual([
      ['b', 'nginx.service', 'after'],
    ]);
  });

  it('judges the secondary alone when the primary never reported', () => {
    expect(bootSafety.evaluate(context({ secondary: bootable('b') }))).toEqual(PASS);
    expect(bootSafety.evaluate(context({ secondary: bootable('b', cycle()) })).findings).toEqual([
      cycleFinding('b'),
    ]);
  });

  it('judges the primary alone when the secondary never reported', () => {
    expect(bootSafety.evaluate(context({ primary: bootable('a', cycle()) })).findings).toEqual([
      cycleFinding('a'),
    ]);
  });

  describe('a boot that cannot be checked warns, it does not pass', () => {
    it('units not collected on the secondary', () => {
      const b = bootable('b');
      delete b.units;
      expect(bootSafety.evaluate(context({ primary: bootable('a'), secondary: b }))).toEqual({
        status: 'warn',
        summary: 'no hang or loop found, but 1 boot could not be checked',
        findings: [notCollected('b')],
      });
    });

    it('mounts not collected on the primary', () => {
      const a = bootable('a');
      delete a.mounts;
      expect(bootSafety.evaluate(context({ primary: a, secondary: bootable('b') }))).toEqual({
        status: 'warn',
        summary: 'no hang or loop found, but 1 boot could not be checked',
        findings: [notCollected('a')],
      });
    });

    it('neither node collected: two warnings', () => {
      expect(bootSafety.evaluate(context({ primary: state('a'), secondary: state('b') }))).toEqual({
        status: 'warn',
        summary: 'no hang or loop found, but 2 boots could not be checked',
        findings: [notCollected('a'), notCollected('b')],
      });
    });

    it('no default target to boot into (the analysis’s own warning)', () => {
      const b = bootable('b');
      b.units = { ...b.units!, defaultTarget: 'graphical.target' };
      const result = bootSafety.evaluate(context({ primary: bootable('a'), secondary: b }));
      expect(result.status).toBe('warn');
      expect(result.summary).toBe('no hang or loop found, but 1 boot could not be checked');
      expect(result.findings.map((f) => [f.node, f.severity, f.aspect])).toEqual([
        ['b', 'warning', 'boot-safety-unknown'],
      ]);
    });

    // The count of a failure is its errors; the node not checked is said apart, as a warning.
    it('a cause on one node fails even when the other cannot be checked', () => {
      const result = bootSafety.evaluate(context({ primary: state('a'), secondary: bootable('b', cycle()) }));
      expect(result).toEqual({
        status: 'fail',
        summary: 'a boot would hang or loop (1 cause), and 1 warning',
        findings: [notCollected('a'), cycleFinding('b')],
      });
    });
  });
});
