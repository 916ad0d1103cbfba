import type { UserRule } from '../../model/desired';
import type { GroupEntry, UserEntry, UsersState } from '../../model/state';
import { findingsAbout, pairContext } from '../test-helpers';
import { spec } from '../../../test/helpers/states';
import { usersComparator } from './users';

const aboutPypi = findingsAbout('users', 'pypi');

const pypi = (uid = 990, gid = uid): UserEntry => ({
  name: 'pypi',
  uid,
  gid,
  home: '/srv/pypi',
  shell: '/usr/sbin/nologin',
});
const group = (name: string, gid: number, members: string[] = []): GroupEntry => ({ name, gid, members });
const users = (list: UserEntry[], groups: GroupEntry[] = []): UsersState => ({
  users: Object.fromEntries(list.map((user) => [user.name, user])),
  groups: Object.fromEntries(groups.map((entry) => [entry.name, entry])),
});
const driftOf = (rule: UserRule, state: UsersState) =>
  usersComparator.drift!(spec({ users: { pypi: rule } }), state);
const parityOf = (a: UsersState, b: UsersState, ignore?: string[]) =>
  usersComparator.parity!(a, b, pairContext(ignore));

describe('users: drift', () => {
  it.each([
    ['no user', {}, false],
    ['pypi', { pypi: { present: true } }, true],
  ])('asks something of a node when the roles name a user (%s: %s)', (_what, rules, expected) => {
    expect(usersComparator.hasRules!(spec({ users: rules }))).toBe(expected);
  });

  it('is satisfied by the user with the ids asked for, or by any ids when none are', () => {
    expect(driftOf({ present: true, uid: 990, gid: 990 }, users([pypi()]))).toEqual([]);
    expect(driftOf({ present: true }, users([pypi(1001, 100)]))).toEqual([]);
    expect(driftOf({ present: false }, users([]))).toEqual([]);
  });

  it('reports a user the roles want absent, with its uid', () => {
    expect(driftOf({ present: false }, users([pypi()]))).toStrictEqual([
      aboutPypi({
        kind: 'unexpected',
        expected: 'absent',
        actual: 990,
        message: 'user pypi exists (uid 990), desired absent',
      }),
    ]);
  });

  it('reports a missing user with the ids the roles ask for', () => {
    expect(driftOf({ present: true, uid: 990 }, users([]))).toStrictEqual([
      aboutPypi({
        kind: 'missing',
        expected: { uid: 990, gid: undefined },
        message: 'user pypi does not exist',
      }),
    ]);
  });

  const wrongId = (id: 'uid' | 'gid', wanted: number, actual: number) =>
    aboutPypi({
      kind: 'mismatch',
      aspect: id,
      expected: { [id]: wanted },
      actual: { [id]: actual },
      message: `user pypi has ${id} ${actual}, desired ${wanted}`,
    });

  it('reports a wrong uid and a wrong gid, each on its own', () => {
    expect(driftOf({ present: true, uid: 990, gid: 990 }, users([pypi(991, 33)]))).toStrictEqual([
      wrongId('uid', 990, 991),
      wrongId('gid', 990, 33),
    ]);
  });

  it('checks the root user’s id 0 like any other', () => {
    const root: UserEntry = { name: 'root', uid: 0, gid: 0, home: '/root', shell: '/bin/bash' };
    const rules = spec({ users: { root: { present: true, uid: 0, gid: 0 } } });
    expect(usersComparator.drift!(rules, users([root]))).toEqual([]);
    expect(usersComparator.drift!(rules, users([{ ...root, gid: 1 }])).map((f) => f.message)).toEqual([
      'user root has gid 1, desired 0',
    ]);
  });
});

describe('users: parity', () => {
  it('finds nothing between the same users and groups, members in any order', () => {
    const a = users([pypi()], [group('pypi', 990, ['www-data', 'pypi'])]);
    const b = users([pypi()], [group('pypi', 990, ['pypi', 'www-data'])]);
    expect(parityOf(a, b)).toEqual([]);
  });

  it('reports users then groups on one node only, recording their ids', () => {
    const a = users([pypi()], [group('pypi', 990)]);
    const b = users(
      [{ name: 'games', uid: 5, gid: 60, home: '/usr/games', shell: '/usr/sbin/nologin' }],
      [group('games', 60)],
    );
    expect(parityOf(a, b)).toStrictEqual([
      {
        category: 'users',
        key: 'games',
        kind: 'unexpected',
        side: 'only-second',
        severity: 'error',
        actual: 5,
        message: 'user games (uid 5) only on secondary (pypi-2)',
      },
      aboutPypi({
        kind: 'missing',
        side: 'only-first',
        expected: 990,
        message: 'user pypi (uid 990) only on primary (pypi-1)',
      }),
      {
        category: 'users',
        key: 'group:games',
        kind: 'unexpected',
        side: 'only-second',
        severity: 'error',
        actual: 60,
        message: 'group games (gid 60) only on secondary (pypi-2)',
      },
      {
        category: 'users',
        key: 'group:pypi',
        kind: 'missing',
        side: 'only-first',
        severity: 'error',
        expected: 990,
        message: 'group pypi (gid 990) only on primary (pypi-1)',
      },
    ]);
  });

  it('reports a user whose ids differ, with both entries', () => {
    expect(parityOf(users([pypi(990, 990)]), users([pypi(991, 33)]))).toStrictEqual([
      aboutPypi({
        kind: 'mismatch',
        side: 'different',
        expected: pypi(990, 990),
        actual: pypi(991, 33),
        message: 'user pypi differs: uid 990 vs 991; gid 990 vs 33',
      }),
    ]);
  });

  it.each([
    ['uid', pypi(991, 990), 'uid 990 vs 991'],
    ['gid', pypi(990, 33), 'gid 990 vs 33'],
  ])('reports a user whose %s alone differs', (_id, second, difference) => {
    expect(parityOf(users([pypi()]), users([second])).map((f) => f.message)).toEqual([
      `user pypi differs: ${difference}`,
    ]);
  });

  it('finds nothing when only the home or shell differ', () => {
    expect(parityOf(users([pypi()]), users([{ ...pypi(), home: '/home/pypi', shell: '/bin/sh' }]))).toEqual(
      [],
    );
  });

  it.each([
    ['gid', group('pypi', 990, ['www-data']), group('pypi', 991, ['www-data']), 'gid 990 vs 991'],
    [
      'members (one more)',
      group('pypi', 990, ['www-data']),
      group('pypi', 990, ['www-data', 'backup']),
      'members www-data vs www-data, backup',
    ],
    [
      'members (one fewer)',
      group('pypi', 990, ['www-data']),
      group('pypi', 990),
      'members www-data vs (none)',
    ],
    [
      'members (another)',
      group('pypi', 990, ['www-data']),
      group('pypi', 990, ['backup']),
      'members www-data vs backup',
    ],
  ])('reports a group whose %s differ, keyed group:NAME', (_what, a, b, difference) => {
    expect(parityOf(users([], [a]), users([], [b]))).toStrictEqual([
      {
        category: 'users',
        key: 'group:pypi',
        kind: 'mismatch',
        side: 'different',
        severity: 'error',
        expected: a,
        actual: b,
        message: `group pypi differs: ${difference}`,
      },
    ]);
  });

  it('skips users by name and groups by group:NAME, as the pair writes them', () => {
    const a = users([pypi()], [group('pypi', 990)]);
    const b = users([pypi(991)], [group('pypi', 991)]);
    expect(parityOf(a, b, ['pypi']).map((f) => f.key)).toEqual(['group:pypi']);
    expect(parityOf(a, b, ['group:*']).map((f) => f.key)).toEqual(['pypi']);
    expect(parityOf(a, users([], []), ['group:pypi']).map((f) => f.key)).toEqual(['pypi']);
  });
});
