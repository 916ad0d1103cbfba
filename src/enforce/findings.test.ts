import { loadYaml } from '../../test/helpers/desired';
import { PAIR } from '../../test/helpers/fixers';
import { fstab, spec, state, units } from '../../test/helpers/states';
import type { Desired } from '../model/desired';
import type { CheckResult, Readiness, ReadinessFinding } from '../model/readiness';
import type { NodeState } from '../model/state';
import { CATEGORIES } from '../model/state';
import { findingsFor, modelOf, planCategories } from './findings';

const NOW = new Date('2026-11-22T10:05:00.000Z');

const SWAPPINESS = `
kind: Role
name: tuned
sysctls: { vm.swappiness: 10 }
---
kind: Node
name: solo
roles: [tuned]
`;

const lookup =
  (...states: NodeState[]) =>
  (node: string): NodeState | undefined =>
    states.find((s) => s.node === node);

/** A solo node whose live vm.swappiness is 60 and that no sysctl.d file sets. */
const swappy = (extra: Partial<NodeState> = {}): NodeState =>
  state('solo', { sysctls: { live: { 'vm.swappiness': '60' }, persisted: {} }, ...extra });

const liveMismatch = {
  category: 'sysctls',
  key: 'vm.swappiness',
  kind: 'mismatch',
  severity: 'error',
  message: 'vm.swappiness is 60 live, desired 10',
  expected: '10',
  actual: '60',
  aspect: 'live',
};
const notPersisted = {
  category: 'sysctls',
  key: 'vm.swappiness',
  kind: 'not-persisted',
  severity: 'error',
  message: 'vm.swappiness = 10 is not persisted: no sysctl.d file sets it, so a reboot loses it',
  expected: '10',
  aspect: 'persisted',
};

/** A readiness of pair p with the given checks, as `readiness` would give it. */
const readinessOf = (...checks: CheckResult[]): Readiness => ({
  pair: 'p',
  primary: 'a',
  secondary: 'b',
  verdict: 'NO-GO',
  evaluatedAt: NOW.toISOString(),
  checks,
});

const check = (id: CheckResult['id'], ...findings: ReadinessFinding[]): CheckResult => ({
  id,
  status: 'fail',
  summary: id,
  findings,
});

const rf = (key: string, extra: Partial<ReadinessFinding> = {}): ReadinessFinding => ({
  category: 'sysctls',
  key,
  kind: 'mismatch',
  severity: 'error',
  message: `${key} differs`,
  ...extra,
});

describe('findingsFor', () => {
  let pairDesired: Desired;
  beforeEach(() => {
    pairDesired = loadYaml(PAIR);
  });

  it('has nothing to say about a node without a state', () => {
    expect(findingsFor(loadYaml(SWAPPINESS), 'solo', lookup(), NOW)).toEqual([]);
  });

  it("tags a node's drift from its roles as desired, on the node", () => {
    expect(findingsFor(loadYaml(SWAPPINESS), 'solo', lookup(swappy()), NOW)).toEqual([
      { ...liveMismatch, node: 'solo', source: 'desired' },
      { ...notPersisted, node: 'solo', source: 'desired' },
    ]);
  });

  it('measures drift against the spec the caller composed, when given', () => {
    const desired = loadYaml(SWAPPINESS.replace('sysctls: { vm.swappiness: 10 }\n', ''));
    expect(findingsFor(desired, 'solo', lookup(swappy()), NOW)).toEqual([]);
    expect(
      findingsFor(desired, 'solo', lookup(swappy()), NOW, {
        spec: spec({ sysctls: { 'vm.swappiness': { value: '10' } } }),
      }),
    ).toEqual([
      { ...liveMismatch, node: 'solo', source: 'desired' },
      { ...notPersisted, node: 'solo', source: 'desired' },
    ]);
  });

  it('checks the boot safety of a node outside pairs when its units and mounts were collected', () => {
    const mounts = { fstab: [fstab(1, '/dev/drbd0', '/srv', 'ext4', 'defaults')], live: [] };
    const desired = loadYaml(SWAPPINESS);
    expect(findingsFor(desired, 'solo', lookup(swappy({ mounts, units: units() })), NOW)).toEqual([
      { ...liveMismatch, node: 'solo', source: 'desired' },
      { ...notPersisted, node: 'solo', source: 'desired' },
      {
        category: 'units',
        key: 'units',
        kind: 'missing',
        severity: 'warning',
        aspect: 'boot-safety-unknown',
        node: 'solo',
        message: 'Boot safety of solo cannot be checked: it has no default.target to boot into.',
        source: 'safety',
      },
    ]);
    // Without either category there is nothing to check it from.
    expect(findingsFor(desired, 'solo', lookup(swappy({ mounts })), NOW)).toHaveLength(2);
    expect(findingsFor(desired, 'solo', lookup(swappy({ units: units() })), NOW)).toHaveLength(2);
  });

  it("takes a paired node's readiness findings that name it, tagged by their check, without the proposed fix", () => {
    const fix = { node: 'b', action: 'change' as const, description: 'd', commands: [], files: [] };
    const readiness = readinessOf(
      // Parity findings name no node: they are the secondary's to fix.
      check('parity-sysctls', rf('kernel.panic', { side: 'different', fix })),
      check('parity-packages', rf('bash', { category: 'packages', kind: 'missing', side: 'only-first' })),
      check('parity-mounts', rf('/srv', { category: 'mounts' })),
      check('parity-units', rf('web.service', { category: 'units' })),
      check('parity-files', rf('/etc/hosts', { category: 'files' })),
      check('parity-users', rf('pypi', { category: 'users' })),
      check('boot-safety', rf('/srv', { category: 'mounts', kind: 'unsafe', node: 'a' }), {
        ...rf('/srv', { category: 'mounts', kind: 'unsafe', aspect: 'boot-hang' }),
        node: 'b',
      }),
      check('panic-reboot', rf('kernel.panic', { kind: 'unsafe', node: 'b' })),
      check('capacity', rf('cpus', { category: 'capacity', node: 'b', expected: 8, actual: 2 })),
      check('replication', rf('r0', { category: 'replication', aspect: 'role' })),
      // The monitoring path is `ready`'s, never a plan's.
      check('fresh-reports', rf('b', { category: 'node', node: 'b' })),
      check('reachability', rf('ssh', { category: 'probes', node: 'b' })),
      check('secondary-conforms', rf('vm.swappiness', { node: 'b' })),
    );
    const options = { readinessByPair: new Map([['p', readiness]]) };
    // b's units and mounts are boot-checked by the pair's readiness only (here: nothing found).
    const mounts = { fstab: [fstab(1, '/dev/drbd0', '/srv', 'ext4', 'defaults')], live: [] };
    const b = state('b', { mounts, units: units() });
    expect(findingsFor(pairDesired, 'b', lookup(state('a'), b), NOW, options)).toEqual([
      { ...rf('kernel.panic', { side: 'different' }), node: 'b', source: 'parity' },
      {
        ...rf('bash', { category: 'packages', kind: 'missing', side: 'only-first' }),
        node: 'b',
        source: 'parity',
      },
      { ...rf('/srv', { category: 'mounts' }), node: 'b', source: 'parity' },
      { ...rf('web.service', { category: 'units' }), node: 'b', source: 'parity' },
      { ...rf('/etc/hosts', { category: 'files' }), node: 'b', source: 'parity' },
      { ...rf('pypi', { category: 'users' }), node: 'b', source: 'parity' },
      {
        ...rf('/srv', { category: 'mounts', kind: 'unsafe', aspect: 'boot-hang' }),
        node: 'b',
        source: 'safety',
      },
      { ...rf('kernel.panic', { kind: 'unsafe' }), node: 'b', source: 'safety' },
      { ...rf('cpus', { category: 'capacity', expected: 8, actual: 2 }), node: 'b', source: 'health' },
      { ...rf('r0', { category: 'replication', aspect: 'role' }), node: 'b', source: 'health' },
    ]);
    expect(findingsFor(pairDesired, 'a', lookup(state('a'), state('b')), NOW, options)).toEqual([
      { ...rf('/srv', { category: 'mounts', kind: 'unsafe' }), node: 'a', source: 'safety' },
    ]);
  });

  it('leaves out info findings, and a finding said twice by one source, keeping it once per source', () => {
    const desired = loadYaml(PAIR.replace('name: app\n', 'name: app\nsysctls: { vm.swappiness: 10 }\n'));
    const b = state('b', {
      sysctls: {
        live: { 'vm.swappiness': '60' },
        persisted: { 'vm.swappiness': { value: '10', source: '/etc/sysctl.d/x.conf:1' } },
      },
    });
    const readiness = readinessOf(
      check(
        'parity-sysctls',
        rf('vm.swappiness', { aspect: 'live' }),
        rf('vm.swappiness', { aspect: 'live', message: 'again' }),
      ),
      check(
        'panic-reboot',
        rf('kernel.panic', { severity: 'info', node: 'b' }),
        rf('kernel.panic', { severity: 'warning', node: 'b' }),
      ),
    );
    expect(
      findingsFor(desired, 'b', lookup(state('a'), b), NOW, { readinessByPair: new Map([['p', readiness]]) }),
    ).toEqual([
      { ...liveMismatch, node: 'b', source: 'desired' },
      { ...rf('vm.swappiness', { aspect: 'live' }), node: 'b', source: 'parity' },
      { ...rf('kernel.panic', { severity: 'warning' }), node: 'b', source: 'safety' },
    ]);
  });

  it("evaluates a pair's readiness once for both its nodes, and only boot-checks a paired node through it", () => {
    const mounts = { fstab: [fstab(1, '/dev/drbd0', '/srv', 'ext4', 'defaults')], live: [] };
    const a = state('a', { mounts, units: units() });
    const b = state('b', { mounts, units: units() });
    const readinessByPair = new Map<string, Readiness>();
    const forB = findingsFor(pairDesired, 'b', lookup(a, b), NOW, { readinessByPair });
    const evaluated = readinessByPair.get('p');
    expect(evaluated).toMatchObject({
      pair: 'p',
      primary: 'a',
      secondary: 'b',
      evaluatedAt: NOW.toISOString(),
    });
    findingsFor(pairDesired, 'a', lookup(a, b), NOW, { readinessByPair });
    expect(readinessByPair.get('p')).toBe(evaluated);
    expect([...readinessByPair.keys()]).toEqual(['p']);
    // The same findings without a memo: the readiness is the same evaluation.
    expect(findingsFor(pairDesired, 'b', lookup(a, b), NOW)).toEqual(forB);
    // Boot safety is read from the pair's boot-safety check, not checked again beside it.
    const boot = forB.filter((f) => f.source === 'safety' && f.aspect === 'boot-safety-unknown');
    expect(boot.map((f) => [f.node, f.key])).toEqual([['b', 'units']]);
  });
});

describe('modelOf', () => {
  it("is the node's primary in the first pair where it is the secondary", () => {
    const desired = loadYaml(
      `${PAIR}---\nkind: Node\nname: c\nroles: [app]\n---\nkind: Pair\nname: q\nprimary: b\nsecondary: c\n` +
        // c is also the secondary of d, in a pair whose name sorts after q.
        `---\nkind: Node\nname: d\nroles: [app]\n---\nkind: Pair\nname: r\nprimary: d\nsecondary: c\n`,
    );
    expect(modelOf(desired, 'b')).toBe(desired.pairs.p);
    expect(modelOf(desired, 'c')).toBe(desired.pairs.q);
    expect(modelOf(desired, 'a')).toBeUndefined();
    expect(modelOf(desired, 'd')).toBeUndefined();
  });
});

describe('planCategories', () => {
  it('is every category for a node in a pair', () => {
    expect(planCategories(loadYaml(PAIR), 'a')).toEqual([...CATEGORIES]);
  });

  it('is mounts, units and files for a node outside pairs, and what its roles ask about, in category order', () => {
    expect(
      planCategories(loadYaml(SWAPPINESS.replace('sysctls: { vm.swappiness: 10 }\n', '')), 'solo'),
    ).toEqual(['mounts', 'units', 'files']);
    expect(
      planCategories(
        loadYaml(
          SWAPPINESS.replace(
            'sysctls:',
            'users: { pypi: { uid: 990 } }\npackages: { bash: present }\nsysctls:',
          ),
        ),
        'solo',
      ),
    ).toEqual(['packages', 'mounts', 'units', 'sysctls', 'files', 'users']);
  });
});
