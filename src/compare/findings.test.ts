import type { Finding } from '../model/finding';
import {
  byKey,
  finding,
  formatList,
  keyedParity,
  type KeyedParityOptions,
  listDifference,
  onlyOnOneSide,
  sideName,
  splitKeys,
} from './findings';
import { PAIR_SIDES } from './test-helpers';

const pair = PAIR_SIDES;
const nothingIgnored = () => false;

describe('finding', () => {
  it('defaults the severity to error and leaves out every optional field not given', () => {
    const result = finding({
      category: 'users',
      key: 'pypi',
      kind: 'missing',
      message: 'user pypi does not exist',
    });
    expect(result).toStrictEqual({
      category: 'users',
      key: 'pypi',
      kind: 'missing',
      severity: 'error',
      message: 'user pypi does not exist',
    });
    expect(Object.keys(result)).toEqual(['category', 'key', 'kind', 'severity', 'message']);
  });

  it('keeps every optional field given, falsy values included', () => {
    expect(
      finding({
        category: 'sysctls',
        key: 'kernel.panic',
        kind: 'mismatch',
        message: 'kernel.panic live differs',
        expected: 0,
        actual: '',
        severity: 'info',
        diff: '',
        side: 'different',
        aspect: '',
      }),
    ).toStrictEqual({
      category: 'sysctls',
      key: 'kernel.panic',
      kind: 'mismatch',
      severity: 'info',
      message: 'kernel.panic live differs',
      expected: 0,
      actual: '',
      diff: '',
      side: 'different',
      aspect: '',
    });
  });
});

describe('sideName', () => {
  it.each([
    [{ node: 'pypi-1', label: 'primary' }, 'primary (pypi-1)'],
    [{ node: 'pypi-1', label: 'pypi-1' }, 'pypi-1'],
  ])('%o reads %s', (side, expected) => {
    expect(sideName(side)).toBe(expected);
  });
});

describe('onlyOnOneSide', () => {
  it.each([
    ['first', 'missing', 'only-first', 'expected', 'primary (pypi-1)'],
    ['second', 'unexpected', 'only-second', 'actual', 'secondary (pypi-2)'],
  ] as const)('records what the %s side alone has: %s, %s, as %s', (present, kind, side, field, where) => {
    expect(
      onlyOnOneSide('packages', 'pypissh:amd64', present, '1.2.0-1', pair, 'pypissh:amd64 1.2.0-1'),
    ).toStrictEqual({
      category: 'packages',
      key: 'pypissh:amd64',
      kind,
      severity: 'error',
      side,
      [field]: '1.2.0-1',
      message: `pypissh:amd64 1.2.0-1 only on ${where}`,
    });
  });
});

describe('byKey', () => {
  const keyed = (key: string) => ({ key }) as Finding;

  it.each([
    ['a', 'b', -1],
    ['b', 'a', 1],
    ['kernel.panic', 'kernel.panic', 0],
  ])('orders %s against %s as %d', (a, b, order) => {
    expect(byKey(keyed(a), keyed(b))).toBe(order);
  });
});

describe('formatList', () => {
  it.each([
    [[], '(none)'],
    [['network.target'], 'network.target'],
    [['network.target', 'srv-pypi.mount'], 'network.target, srv-pypi.mount'],
  ])('%j reads %s', (values, expected) => {
    expect(formatList(values)).toBe(expected);
  });
});

describe('splitKeys', () => {
  it('splits keys into both, only in a and only in b, each sorted', () => {
    expect(splitKeys({ z: 1, b: 1, m: 1, a: 1 }, { y: 2, m: 2, c: 2, a: 2 })).toStrictEqual({
      both: ['a', 'm'],
      onlyA: ['b', 'z'],
      onlyB: ['c', 'y'],
    });
  });
});

describe('listDifference', () => {
  it('gives the values only in each list, sorted and once each', () => {
    expect(listDifference(['wants', 'b', 'x', 'b', 'a'], ['x', 'd', 'c', 'c'])).toStrictEqual({
      onlyA: ['a', 'b', 'wants'],
      onlyB: ['c', 'd'],
    });
  });

  it('is empty both ways for the same values in another order', () => {
    expect(listDifference(['a', 'b'], ['b', 'a'])).toStrictEqual({ onlyA: [], onlyB: [] });
  });
});

describe('keyedParity', () => {
  const compare = (key: string, a: string, b: string): Finding[] =>
    a === b
      ? []
      : [finding({ category: 'sysctls', key, kind: 'mismatch', side: 'different', message: `${a}/${b}` })];
  const describeKey = (key: string, value: string) => `${key} = ${value}`;
  const run = (
    first: Record<string, string>,
    second: Record<string, string>,
    options: KeyedParityOptions<string>,
  ) => keyedParity('sysctls', first, second, { sides: pair, ignored: nothingIgnored }, options);

  it('reports keys on one side, compares keys on both, and sorts by key', () => {
    const findings = run(
      { 'vm.b': '1', 'vm.d': '1', 'vm.a': '1' },
      { 'vm.c': '2', 'vm.b': '2', 'vm.a': '1' },
      { describe: describeKey, recorded: (value) => `recorded ${value}`, compare },
    );
    expect(findings).toStrictEqual([
      {
        category: 'sysctls',
        key: 'vm.b',
        kind: 'mismatch',
        severity: 'error',
        side: 'different',
        message: '1/2',
      },
      {
        category: 'sysctls',
        key: 'vm.c',
        kind: 'unexpected',
        severity: 'error',
        side: 'only-second',
        actual: 'recorded 2',
        message: 'vm.c = 2 only on secondary (pypi-2)',
      },
      {
        category: 'sysctls',
        key: 'vm.d',
        kind: 'missing',
        severity: 'error',
        side: 'only-first',
        expected: 'recorded 1',
        message: 'vm.d = 1 only on primary (pypi-1)',
      },
    ]);
  });

  it('tells the describer which side holds a one-sided key, and records nothing unless asked', () => {
    const findings = run(
      { 'vm.a': 'x' },
      { 'vm.b': 'y' },
      { describe: (key, value, side) => `${key} ${value} ${side}`, compare },
    );
    expect(findings.map((f) => [f.message, 'expected' in f, 'actual' in f])).toEqual([
      ['vm.a x first only on primary (pypi-1)', false, false],
      ['vm.b y second only on secondary (pypi-2)', false, false],
    ]);
  });

  it('puts its aspect on one-sided findings', () => {
    const findings = run(
      { 'vm.a': '1' },
      { 'vm.b': '1' },
      { describe: describeKey, compare, aspect: 'persisted' },
    );
    expect(findings.map((f) => [f.key, f.side, f.aspect])).toEqual([
      ['vm.a', 'only-first', 'persisted'],
      ['vm.b', 'only-second', 'persisted'],
    ]);
  });

  it('skips keys the pair ignores, or the extra rule ignores, on one side and on both', () => {
    const first = { 'net.a': '1', 'net.b': '1', 'vm.a': '1', 'vm.both': '1' };
    const second = { 'net.c': '2', 'vm.c': '2', 'vm.both': '2' };
    const ctx = { sides: pair, ignored: (key: string) => key.startsWith('net.') };
    const keys = (ignoredToo?: (key: string, value: string) => boolean) =>
      keyedParity('sysctls', first, second, ctx, { describe: describeKey, compare, ignoredToo }).map(
        (f) => f.key,
      );
    expect(keys()).toEqual(['vm.a', 'vm.both', 'vm.c']);
    expect(keys((key) => key === 'vm.both')).toEqual(['vm.a', 'vm.c']);
    expect(keys((_key, value) => value === '2')).toEqual(['vm.a', 'vm.both']);
    expect(keys(() => true)).toEqual([]);
  });
});
