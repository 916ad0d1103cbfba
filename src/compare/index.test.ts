import { comparators, drift, isActionable, parity } from '.';
import type { Finding } from '../model/finding';
import type { NodeState } from '../model/state';
import { dpkg, spec, state } from '../../test/helpers/states';

const labels = { first: 'primary', second: 'secondary' };
const sysctls = (live: Record<string, string>) => ({ live, persisted: {} });
const withErrors = (
  node: NodeState,
  ...collectors: [NodeState['errors'][number]['collector'], string][]
) => ({
  ...node,
  errors: collectors.map(([collector, message]) => ({ collector, code: 'E_COLLECT', message })),
});

describe('the comparator table', () => {
  it('has one comparator per category but replication, each under its own name', () => {
    expect(
      Object.entries(comparators).map(([category, comparator]) => [category, comparator.category]),
    ).toEqual([
      ['os', 'os'],
      ['capacity', 'capacity'],
      ['packages', 'packages'],
      ['mounts', 'mounts'],
      ['units', 'units'],
      ['sysctls', 'sysctls'],
      ['files', 'files'],
      ['users', 'users'],
    ]);
  });
});

describe('drift', () => {
  const panic = spec({ sysctls: { 'kernel.panic': { value: '10' } } });

  it('stamps every finding with the node', () => {
    const findings = drift(panic, state('pypi-2', { sysctls: sysctls({ 'kernel.panic': '0' }) }));
    expect(findings.map((f) => [f.key, f.aspect, f.node])).toEqual([
      ['kernel.panic', 'live', 'pypi-2'],
      ['kernel.panic', 'persisted', 'pypi-2'],
    ]);
  });

  it('compares only the categories the roles ask about', () => {
    const interrupted = dpkg([
      'libc6',
      '2.36-9',
      { status: 'install ok half-configured', flags: ['half-configured'] },
    ]);
    const node = state('pypi-2', { packages: interrupted, sysctls: sysctls({ 'kernel.panic': '10' }) });
    expect(
      drift(spec({ sysctls: { 'vm.swappiness': { value: '10' } } }), { ...node, sysctls: undefined }),
    ).toHaveLength(1);
    expect(drift(spec({ files: { '/etc/hosts': { parity: true } } }), node)).toEqual([]);
    expect(drift(spec(), node)).toEqual([]);
  });

  it('says a category the roles ask about was not collected, with the reason its collector gave', () => {
    const node = withErrors(
      state('pypi-2'),
      ['users', 'etc/passwd is unreadable'],
      ['sysctls', 'proc/sys is not mounted'],
    );
    expect(drift(panic, node)).toStrictEqual([
      {
        category: 'sysctls',
        key: '(not collected)',
        kind: 'missing',
        severity: 'error',
        message: 'sysctls of pypi-2 were not collected: proc/sys is not mounted',
        node: 'pypi-2',
      },
    ]);
  });

  it('says so without a reason when no collector error names the category', () => {
    const node = withErrors(state('pypi-2'), ['users', 'etc/passwd is unreadable']);
    expect(drift(panic, node).map((f) => f.message)).toEqual(['sysctls of pypi-2 were not collected']);
  });
});

describe('parity', () => {
  const a = state('pypi-1', { sysctls: sysctls({ 'vm.swappiness': '60', 'kernel.hostname': 'pypi-1' }) });
  const b = state('pypi-2', { sysctls: sysctls({ 'vm.swappiness': '10', 'kernel.hostname': 'pypi-2' }) });
  const messages = (findings: Finding[]) => findings.map((f) => f.message);

  it('names the sides by node unless labels are given', () => {
    expect(messages(parity(a, b))).toEqual(['vm.swappiness live differs: 60 on pypi-1, 10 on pypi-2']);
    expect(messages(parity(a, b, { labels }))).toEqual([
      'vm.swappiness live differs: 60 on primary (pypi-1), 10 on secondary (pypi-2)',
    ]);
  });

  it("applies the built-in ignores and the pair's own between two nodes", () => {
    expect(parity(a, b, { ignore: { sysctls: ['vm.*'] } })).toEqual([]);
  });

  it('compares everything, built-in ignores included, between two states of one node', () => {
    expect(parity(a, b, { sameNode: true }).map((f) => f.key)).toEqual(['kernel.hostname', 'vm.swappiness']);
    expect(parity(a, b, { sameNode: true, ignore: { sysctls: ['vm.*'] } }).map((f) => f.key)).toEqual([
      'kernel.hostname',
    ]);
  });

  it('compares only the categories asked for, in the order asked (all, in table order, by default)', () => {
    const first = { ...a, os: { id: 'debian', versionId: '12' }, packages: dpkg(['bash', '5.2.15-2+b2']) };
    const second = { ...b, os: { id: 'debian', versionId: '11' }, packages: dpkg() };
    expect(parity(first, second).map((f) => f.category)).toEqual(['os', 'packages', 'sysctls']);
    expect(parity(first, second, { categories: ['sysctls', 'os'] }).map((f) => f.category)).toEqual([
      'sysctls',
      'os',
    ]);
    expect(parity(first, second, { categories: ['replication'] })).toEqual([]);
  });

  it.each([
    ['secondary', a, state('pypi-2')],
    ['primary', withErrors(state('pypi-1'), ['sysctls', 'proc/sys is not mounted']), b],
  ])(
    'warns that a category collected on one side only cannot be compared (missing on the %s)',
    (side, first, second) => {
      expect(parity(first, second, { labels })).toStrictEqual([
        {
          category: 'sysctls',
          key: '(not collected)',
          kind: 'missing',
          severity: 'warning',
          message: `sysctls cannot be compared: not collected on ${side} (${side === 'primary' ? 'pypi-1' : 'pypi-2'})`,
        },
      ]);
    },
  );

  it('says nothing of a category neither side collected', () => {
    expect(parity(state('pypi-1'), state('pypi-2'))).toEqual([]);
  });
});

describe('isActionable', () => {
  it.each([
    ['error', true],
    ['warning', true],
    ['info', false],
  ] as const)('%s: %s', (severity, expected) => {
    expect(isActionable({ category: 'sysctls', key: 'k', kind: 'mismatch', severity, message: 'm' })).toBe(
      expected,
    );
  });
});
