import type { SourcedFinding } from '../types';
import { advice, adviceIfAny, fingerprintOf, fingerprints, groupByKey, perKey, refusedName } from './common';

function finding(key: string, extra: Partial<SourcedFinding> = {}): SourcedFinding {
  return {
    category: 'packages',
    key,
    kind: 'missing',
    severity: 'error',
    message: `${key} is missing`,
    node: 'b',
    source: 'parity',
    ...extra,
  };
}

describe('fingerprints', () => {
  it('are category, key, kind, aspect and side, empty where absent', () => {
    expect(fingerprintOf(finding('bash'))).toBe('packages|bash|missing||');
    expect(
      fingerprintOf(
        finding('kernel.panic', { category: 'sysctls', kind: 'mismatch', aspect: 'live', side: 'different' }),
      ),
    ).toBe('sysctls|kernel.panic|mismatch|live|different');
  });

  it('are listed once each, in first-seen order', () => {
    expect(
      fingerprints([
        finding('b'),
        finding('a'),
        finding('b', { message: 'said again', source: 'desired' }),
        finding('a', { kind: 'unexpected' }),
      ]),
    ).toEqual(['packages|b|missing||', 'packages|a|missing||', 'packages|a|unexpected||']);
    expect(fingerprints([])).toEqual([]);
  });
});

describe('groupByKey', () => {
  it('groups by key in first-seen order, findings in their order within a group', () => {
    const [b1, a1, b2] = [finding('b'), finding('a'), finding('b', { kind: 'unexpected' })];
    expect([...groupByKey([b1, a1, b2])]).toEqual([
      ['b', [b1, b2]],
      ['a', [a1]],
    ]);
  });

  it('groups by what keyOf makes of a finding when given', () => {
    const [x, y] = [finding('x', { category: 'units' }), finding('y', { category: 'mounts' })];
    const z = finding('z', { category: 'units' });
    expect([...groupByKey([x, y, z], (f) => f.category)]).toEqual([
      ['units', [x, z]],
      ['mounts', [y]],
    ]);
  });
});

describe('perKey', () => {
  it("flattens each key's drafts, one or several, in key order", () => {
    const drafts = perKey([finding('b'), finding('a'), finding('b', { kind: 'unexpected' })], (key, group) =>
      key === 'b'
        ? [advice('packages', key, 'first', 'r', group), advice('packages', key, 'second', 'r', group)]
        : advice('packages', key, `only ${group.length}`, 'r', group),
    );
    expect(drafts.map((d) => [d.key, d.description])).toEqual([
      ['b', 'first'],
      ['b', 'second'],
      ['a', 'only 1'],
    ]);
  });

  it('uses keyOf to group', () => {
    const drafts = perKey(
      [finding('x', { category: 'units' }), finding('y', { category: 'units' })],
      (key, group) => advice('units', key, group.map((f) => f.key).join('+'), 'r', group),
      (f) => f.category,
    );
    expect(drafts.map((d) => [d.key, d.description])).toEqual([['units', 'x+y']]);
  });
});

describe('advice', () => {
  it('is a fix for a person, with its reason, suggested commands and what it addresses', () => {
    expect(
      advice(
        'capacity',
        'cpus',
        'add CPUs',
        'hardware',
        [finding('cpus', { category: 'capacity' })],
        [['nproc']],
      ),
    ).toEqual({
      category: 'capacity',
      key: 'cpus',
      action: 'advice',
      description: 'add CPUs',
      reason: 'hardware',
      commands: [['nproc']],
      addresses: ['capacity|cpus|missing||'],
    });
  });

  it('suggests no command unless given', () => {
    expect(advice('capacity', 'cpus', 'd', 'r', [])).toEqual({
      category: 'capacity',
      key: 'cpus',
      action: 'advice',
      description: 'd',
      reason: 'r',
      commands: [],
      addresses: [],
    });
  });

  it('is given only when there are findings for it', () => {
    expect(adviceIfAny('files', '/etc/x', 'd', 'r', [])).toEqual([]);
    expect(adviceIfAny('files', '/etc/x', 'd', 'r', [finding('/etc/x', { category: 'files' })])).toEqual([
      {
        category: 'files',
        key: '/etc/x',
        action: 'advice',
        description: 'd',
        reason: 'r',
        commands: [],
        addresses: ['files|/etc/x|missing||'],
      },
    ]);
  });

  it('refuses a malformed name from a state, quoting it', () => {
    expect(
      refusedName('packages', 'x;reboot', 'package', 'a shell character', [finding('x;reboot')]),
    ).toEqual({
      category: 'packages',
      key: 'x;reboot',
      action: 'advice',
      description:
        'package "x;reboot" is not well-formed (a shell character): driftguard will not pass it to a command',
      reason: 'refused: a malformed name from a node state',
      commands: [],
      addresses: ['packages|x;reboot|missing||'],
    });
  });
});
