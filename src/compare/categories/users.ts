import type { UserRule } from '../../model/desired';
import type { Finding } from '../../model/finding';
import type { GroupEntry, UserEntry } from '../../model/state';
import { finding, formatList, keyedParity, listDifference } from '../findings';
import type { CategoryComparator } from '../types';

function driftOfUser(name: string, rule: UserRule, user: UserEntry | undefined): Finding[] {
  const base = { category: 'users' as const, key: name };
  if (!rule.present) {
    return user
      ? [
          finding({
            ...base,
            kind: 'unexpected',
            expected: 'absent',
            actual: user.uid,
            message: `user ${name} exists (uid ${user.uid}), desired absent`,
          }),
        ]
      : [];
  }
  if (!user)
    return [
      finding({
        ...base,
        kind: 'missing',
        expected: { uid: rule.uid, gid: rule.gid },
        message: `user ${name} does not exist`,
      }),
    ];
  const findings: Finding[] = [];
  for (const id of ['uid', 'gid'] as const) {
    const wanted = rule[id];
    if (wanted !== undefined && user[id] !== wanted) {
      findings.push(
        finding({
          ...base,
          kind: 'mismatch',
          aspect: id,
          expected: { [id]: wanted },
          actual: { [id]: user[id] },
          message: `user ${name} has ${id} ${user[id]}, desired ${wanted}`,
        }),
      );
    }
  }
  return findings;
}

function compareIds(
  kind: 'user' | 'group',
  name: string,
  a: UserEntry | GroupEntry,
  b: UserEntry | GroupEntry,
): Finding[] {
  const differences: string[] = [];
  if ('uid' in a && 'uid' in b && a.uid !== b.uid) differences.push(`uid ${a.uid} vs ${b.uid}`);
  if (a.gid !== b.gid) differences.push(`gid ${a.gid} vs ${b.gid}`);
  if ('members' in a && 'members' in b) {
    const { onlyA, onlyB } = listDifference(a.members, b.members);
    if (onlyA.length || onlyB.length)
      differences.push(`members ${formatList(a.members)} vs ${formatList(b.members)}`);
  }
  if (differences.length === 0) return [];
  return [
    finding({
      category: 'users',
      key: kind === 'user' ? name : `group:${name}`,
      kind: 'mismatch',
      side: 'different',
      expected: a,
      actual: b,
      message: `${kind} ${name} differs: ${differences.join('; ')}`,
    }),
  ];
}

export const usersComparator: CategoryComparator<'users'> = {
  category: 'users',
  hasRules: (spec) => Object.keys(spec.users).length > 0,

  drift(spec, users) {
    return Object.entries(spec.users).flatMap(([name, rule]) => driftOfUser(name, rule, users.users[name]));
  },

  parity(first, second, ctx) {
    const users = keyedParity('users', first.users, second.users, ctx, {
      describe: (name, user) => `user ${name} (uid ${user.uid})`,
      recorded: (user) => user.uid,
      compare: (name, a, b) => compareIds('user', name, a, b),
    });
    const groups = keyedParity(
      'users',
      first.groups,
      second.groups,
      { ...ctx, ignored: (name) => ctx.ignored(`group:${name}`) },
      {
        describe: (name, group) => `group ${name} (gid ${group.gid})`,
        recorded: (group) => group.gid,
        compare: (name, a, b) => compareIds('group', name, a, b),
      },
    ).map((result) => (result.key.startsWith('group:') ? result : { ...result, key: `group:${result.key}` }));
    return [...users, ...groups];
  },
};
