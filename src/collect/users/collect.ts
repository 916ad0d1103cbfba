/**
 * The users collector: accounts and groups from the node's own /etc/passwd and /etc/group
 * (the `files` NSS database). Parity matters because files on shared or replicated storage
 * (DRBD, NFS) carry numeric ids: `pypi` as uid 990 on one node and 991 on the other means the
 * secondary's service cannot read its data after a failover.
 *
 * Accounts from other NSS sources (LDAP, sssd, systemd's dynamic users) are not read: they are
 * not part of the node's configuration. Lines the parser cannot read are left out (see
 * parsers/passwd.ts) and listed in `warnings`, so a user missing for that reason can be explained.
 */
import type { UsersState } from '../../model/state';
import { CollectError } from '../../shared/errors';
import { byFirstName, parseGroup, parsePasswd } from '../parsers/passwd';
import type { RootFs } from '../root-fs';
import type { Collector } from '../types';

export function collectUsers(fs: RootFs): UsersState {
  const passwd = fs.readText('/etc/passwd');
  if (passwd === undefined) throw new CollectError(`no /etc/passwd under ${fs.description}`);
  const group = fs.readText('/etc/group');
  if (group === undefined) throw new CollectError(`no /etc/group under ${fs.description}`);
  const users = parsePasswd(passwd);
  const groups = parseGroup(group);
  const state: UsersState = { users: byFirstName(users.entries), groups: byFirstName(groups.entries) };
  const warnings = [
    ...users.skipped.map((skipped) => ({
      source: '/etc/passwd',
      line: skipped.line,
      message: skipped.reason,
    })),
    ...groups.skipped.map((skipped) => ({
      source: '/etc/group',
      line: skipped.line,
      message: skipped.reason,
    })),
  ];
  if (warnings.length > 0) state.warnings = warnings;
  return state;
}

export const usersCollector: Collector<'users'> = {
  category: 'users',
  collect(ctx) {
    return Promise.resolve().then(() => collectUsers(ctx.fs));
  },
};
