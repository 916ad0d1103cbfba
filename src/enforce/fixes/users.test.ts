import { FLEET, fleetWith, plannedBy } from '../../../test/helpers/fixers';
import { state } from '../../../test/helpers/states';
import type { GroupEntry, NodeState, UserEntry, UsersState } from '../../model/state';
import type { FixDraft } from '../types';
import { usersFixer } from './users';

const withUsers = (table: string): string => fleetWith('users', table);

const REPORT_ONLY = 'report only: renumbering a uid or gid changes who owns files (DESIGN §9)';

/** Users as `name: [uid, gid]`, groups as `name: [gid, members]`. */
function users(
  list: Record<string, [uid: number, gid: number]>,
  groups: Record<string, [gid: number, members?: string[]]> = {},
): UsersState {
  const userEntries: Record<string, UserEntry> = {};
  for (const [name, [uid, gid]] of Object.entries(list))
    userEntries[name] = { name, uid, gid, home: `/home/${name}`, shell: '/bin/bash' };
  const groupEntries: Record<string, GroupEntry> = {};
  for (const [name, [gid, members = []]] of Object.entries(groups))
    groupEntries[name] = { name, gid, members };
  return { users: userEntries, groups: groupEntries };
}

const planned = (yaml: string, states: NodeState[], node = 'b'): FixDraft[] =>
  plannedBy(usersFixer, yaml, states, node);

describe('renumbering (report only unless the roles allow it)', () => {
  it("reports a user and group whose ids differ from the primary's, naming the primary's id", () => {
    const a = state('a', { users: users({ pypi: [990, 990] }, { pypi: [990] }) });
    const b = state('b', { users: users({ pypi: [991, 991] }, { pypi: [991] }) });
    expect(planned(FLEET, [a, b])).toEqual([
      {
        category: 'users',
        key: 'pypi',
        action: 'advice',
        description:
          'make user pypi on b match (id 990): renumber it by hand, with the files it owns — or mark it `renumber: true` in the roles',
        reason: REPORT_ONLY,
        commands: [],
        addresses: ['users|pypi|mismatch||different'],
      },
      {
        category: 'users',
        key: 'group:pypi',
        action: 'advice',
        description:
          'make group pypi on b match (id 990): renumber it by hand, with the files it owns — or mark it `renumber: true` in the roles',
        reason: REPORT_ONLY,
        commands: [],
        addresses: ['users|group:pypi|mismatch||different'],
      },
    ]);
  });

  it('stays report only when the roles say renumber: false', () => {
    const a = state('a', { users: users({ pypi: [990, 990] }) });
    const b = state('b', { users: users({ pypi: [991, 990] }) });
    expect(planned(withUsers('{ pypi: { uid: 990, renumber: false } }'), [a, b])).toEqual([
      {
        category: 'users',
        key: 'pypi',
        action: 'advice',
        description:
          'make user pypi on b match (id 990): renumber it by hand, with the files it owns — or mark it `renumber: true` in the roles',
        reason: REPORT_ONLY,
        commands: [],
        addresses: ['users|pypi|mismatch|uid|', 'users|pypi|mismatch||different'],
      },
    ]);
  });

  it("renumbers a user and its group when the roles allow it: the roles' uid, the primary's gid", () => {
    const a = state('a', { users: users({ pypi: [990, 990] }, { pypi: [990] }) });
    const b = state('b', { users: users({ pypi: [991, 991] }, { pypi: [991] }) });
    expect(planned(withUsers('{ pypi: { uid: 990, renumber: true } }'), [a, b])).toEqual([
      {
        category: 'users',
        key: 'pypi',
        action: 'change',
        description:
          'renumber user pypi on b (--uid 990, --gid 990); usermod re-owns the home directory, other files owned by uid 991 keep it',
        commands: [
          ['usermod', '--uid', '990', 'pypi'],
          ['usermod', '--gid', '990', 'pypi'],
        ],
        addresses: ['users|pypi|mismatch|uid|', 'users|pypi|mismatch||different'],
      },
      {
        category: 'users',
        key: 'group:pypi',
        action: 'change',
        description: 'renumber group pypi on b to gid 990 (files owned by gid 991 keep it)',
        commands: [['groupmod', '--gid', '990', 'pypi']],
        addresses: ['users|group:pypi|mismatch||different'],
      },
    ]);
  });

  it("follows the roles' uid and gid over the primary's, and changes only the id that differs", () => {
    const a = state('a', { users: users({ deploy: [2000, 2000] }) });
    const b = state('b', { users: users({ deploy: [1001, 1000] }) });
    expect(planned(withUsers('{ deploy: { uid: 1001, gid: 1001, renumber: true } }'), [a, b])).toEqual([
      {
        category: 'users',
        key: 'deploy',
        action: 'change',
        description:
          'renumber user deploy on b (--gid 1001); usermod re-owns the home directory, other files owned by uid 1001 keep it',
        commands: [['usermod', '--gid', '1001', 'deploy']],
        addresses: ['users|deploy|mismatch|gid|', 'users|deploy|mismatch||different'],
      },
    ]);
  });

  it('renumbers the uid alone on a node outside pairs', () => {
    const c = state('c', { users: users({ deploy: [1002, 1001] }) });
    expect(planned(withUsers('{ deploy: { uid: 1001, gid: 1001, renumber: true } }'), [c], 'c')).toEqual([
      {
        category: 'users',
        key: 'deploy',
        action: 'change',
        description:
          'renumber user deploy on c (--uid 1001); usermod re-owns the home directory, other files owned by uid 1002 keep it',
        commands: [['usermod', '--uid', '1001', 'deploy']],
        addresses: ['users|deploy|mismatch|uid|'],
      },
    ]);
  });

  it('changes only the id the roles name on a node outside pairs, the uid or the gid', () => {
    const c = state('c', { users: users({ deploy: [1002, 1000] }) });
    expect(planned(withUsers('{ deploy: { gid: 1001, renumber: true } }'), [c], 'c')).toEqual([
      {
        category: 'users',
        key: 'deploy',
        action: 'change',
        description:
          'renumber user deploy on c (--gid 1001); usermod re-owns the home directory, other files owned by uid 1002 keep it',
        commands: [['usermod', '--gid', '1001', 'deploy']],
        addresses: ['users|deploy|mismatch|gid|'],
      },
    ]);
    expect(planned(withUsers('{ deploy: { uid: 1001, renumber: true } }'), [c], 'c')).toEqual([
      {
        category: 'users',
        key: 'deploy',
        action: 'change',
        description:
          'renumber user deploy on c (--uid 1001); usermod re-owns the home directory, other files owned by uid 1002 keep it',
        commands: [['usermod', '--uid', '1001', 'deploy']],
        addresses: ['users|deploy|mismatch|uid|'],
      },
    ]);
  });

  it("reports, without a command, a user whose ids are the roles' while the primary's differ", () => {
    const a = state('a', { users: users({ deploy: [2000, 2000] }) });
    const b = state('b', { users: users({ deploy: [1001, 1001] }) });
    expect(planned(withUsers('{ deploy: { uid: 1001, gid: 1001, renumber: true } }'), [a, b])).toEqual([
      {
        category: 'users',
        key: 'deploy',
        action: 'advice',
        description:
          'make user deploy on b match (id 1001): renumber it by hand, with the files it owns — or mark it `renumber: true` in the roles',
        reason: REPORT_ONLY,
        commands: [],
        addresses: ['users|deploy|mismatch||different'],
      },
    ]);
  });

  it('advises on the members of a group whose gid is the same on both nodes, never a renumbering', () => {
    // The roles allow renumbering docker, but there is no gid to change: only its members differ.
    const a = state('a', { users: users({ docker: [998, 998] }, { docker: [998, ['deploy', 'ci']] }) });
    const b = state('b', { users: users({ docker: [998, 998] }, { docker: [998, ['ci', 'olduser']] }) });
    expect(planned(withUsers('{ docker: { renumber: true } }'), [a, b])).toEqual([
      {
        category: 'users',
        key: 'group:docker',
        action: 'advice',
        description: "make the members of group docker on b the primary's: add deploy; remove olduser",
        reason: 'accounts and their groups are changed by packages or people',
        commands: [
          ['gpasswd', '--add', 'deploy', 'docker'],
          ['gpasswd', '--delete', 'olduser', 'docker'],
        ],
        addresses: ['users|group:docker|mismatch||different'],
      },
    ]);
  });

  it('refuses to suggest a command with a member name from a state that is not well-formed', () => {
    const a = state('a', { users: users({}, { docker: [998, ['-rf']] }) });
    const b = state('b', { users: users({}, { docker: [998, []] }) });
    const [draft] = planned(FLEET, [a, b]);
    expect(draft).toMatchObject({
      action: 'advice',
      commands: [],
      reason: 'refused: a malformed name from a node state',
    });
    expect(draft?.description).toMatch(/^a member of "group:docker" is not well-formed \(-rf: /);
  });
});

describe('accounts that exist on one side only', () => {
  it('leaves creating a user to a person, with every finding about it in the description', () => {
    const a = state('a', { users: users({ deploy: [1001, 1001] }) });
    const b = state('b', { users: users({}) });
    expect(planned(withUsers('{ deploy: { uid: 1001 } }'), [a, b])).toEqual([
      {
        category: 'users',
        key: 'deploy',
        action: 'advice',
        description:
          'make user deploy on b match (user deploy does not exist; user deploy (uid 1001) only on primary (a))',
        reason: 'accounts are created and removed by packages or people',
        commands: [],
        addresses: ['users|deploy|missing||', 'users|deploy|missing||only-first'],
      },
    ]);
  });

  it('leaves a group only the secondary has to a person', () => {
    const a = state('a', { users: users({}) });
    const b = state('b', { users: users({}, { wheel: [10] }) });
    expect(planned(FLEET, [a, b])).toEqual([
      {
        category: 'users',
        key: 'group:wheel',
        action: 'advice',
        description: 'make group wheel on b match (group wheel (gid 10) only on secondary (b))',
        reason: 'accounts are created and removed by packages or people',
        commands: [],
        addresses: ['users|group:wheel|unexpected||only-second'],
      },
    ]);
  });
});

describe('what never reaches a command', () => {
  it('refuses malformed user and group names from a state', () => {
    const a = state('a', { users: users({ Admin: [1500, 1500] }, { 'domain users': [1500] }) });
    const b = state('b', { users: users({ Admin: [1501, 1500] }, { 'domain users': [1501] }) });
    expect(planned(FLEET, [a, b])).toEqual([
      {
        category: 'users',
        key: 'Admin',
        action: 'advice',
        description:
          'user name "Admin" is not well-formed (it must start with a lower-case letter or `_`): driftguard will not pass it to a command',
        reason: 'refused: a malformed name from a node state',
        commands: [],
        addresses: ['users|Admin|mismatch||different'],
      },
      {
        category: 'users',
        key: 'group:domain users',
        action: 'advice',
        description:
          'group name "group:domain users" is not well-formed (a space is not allowed (only lower-case letters, digits, `_`, `-` and a final `$`)): driftguard will not pass it to a command',
        reason: 'refused: a malformed name from a node state',
        commands: [],
        addresses: ['users|group:domain users|mismatch||different'],
      },
    ]);
  });
});
