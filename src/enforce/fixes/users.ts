/**
 * Users and groups: report only (DESIGN §9) — renumbering a uid changes who owns every file
 * with the old number, and a running process of the user makes usermod refuse. Only a user the
 * roles mark `renumber: true` gets `usermod --uid` / `groupmod --gid`; usermod re-owns the
 * home directory, the plan says what it does not re-own.
 */
import { checkUserName } from '../../desired/names';
import type { GroupEntry, UserEntry } from '../../model/state';
import type { CategoryFixer, FixDraft, NodeFixContext, SourcedFinding } from '../types';
import { advice, adviceIfAny, fingerprints, perKey, refusedName } from './common';

function wantedIds(
  name: string,
  findings: SourcedFinding[],
  ctx: NodeFixContext,
): { uid?: number; gid?: number } {
  const rule = ctx.spec.users[name];
  const parity = findings.find((f) => f.source === 'parity')?.expected as Partial<UserEntry> | undefined;
  return { uid: rule?.uid ?? parity?.uid, gid: rule?.gid ?? parity?.gid };
}

function planUser(key: string, findings: SourcedFinding[], ctx: NodeFixContext): FixDraft[] {
  const node = ctx.node;
  const isGroup = key.startsWith('group:');
  const name = isGroup ? key.slice('group:'.length) : key;
  const problem = checkUserName(name);
  if (problem) return [refusedName('users', key, isGroup ? 'group name' : 'user name', problem, findings)];
  // A group is renumbered when the user of the same name may be (the usual pypi:pypi).
  const rule = ctx.spec.users[name];
  const renumberable = findings.filter(
    (f) => f.kind === 'mismatch' && (f.aspect === 'uid' || f.aspect === 'gid' || f.side === 'different'),
  );
  const rest = findings.filter((f) => !renumberable.includes(f));
  const drafts = adviceIfAny(
    'users',
    key,
    `make ${isGroup ? 'group' : 'user'} ${name} on ${node} match (${rest.map((f) => f.message).join('; ')})`,
    'accounts are created and removed by packages or people',
    rest,
  );
  if (renumberable.length === 0) return drafts;

  if (isGroup) {
    const primary = findings.find((f) => f.source === 'parity')?.expected as Partial<GroupEntry> | undefined;
    const gid = primary?.gid;
    const current = ctx.state.users?.groups[name]?.gid;
    // The same gid on both: what differs is who is in the group, nothing to renumber.
    if (gid !== undefined && gid === current) {
      drafts.push(membersAdvice(key, name, ctx, renumberable, primary?.members ?? []));
      return drafts;
    }
    if (rule?.renumber !== true || gid === undefined) {
      drafts.push(reportOnly(key, `group ${name}`, node, renumberable, gid));
      return drafts;
    }
    drafts.push({
      category: 'users',
      key,
      action: 'change',
      description: `renumber group ${name} on ${node} to gid ${gid} (files owned by gid ${current} keep it)`,
      commands: [['groupmod', '--gid', String(gid), name]],
      addresses: fingerprints(renumberable),
    });
    return drafts;
  }
  const wanted = wantedIds(name, renumberable, ctx);
  const current = ctx.state.users?.users[name];
  const commands: string[][] = [];
  if (wanted.uid !== undefined && wanted.uid !== current?.uid)
    commands.push(['usermod', '--uid', String(wanted.uid), name]);
  if (wanted.gid !== undefined && wanted.gid !== current?.gid)
    commands.push(['usermod', '--gid', String(wanted.gid), name]);
  if (rule?.renumber !== true || commands.length === 0) {
    drafts.push(reportOnly(key, `user ${name}`, node, renumberable, wanted.uid));
    return drafts;
  }
  drafts.push({
    category: 'users',
    key,
    action: 'change',
    description: `renumber user ${name} on ${node} (${commands.map((c) => `${c[1]} ${c[2]}`).join(', ')}); usermod re-owns the home directory, other files owned by uid ${current?.uid} keep it`,
    commands,
    addresses: fingerprints(renumberable),
  });
  return drafts;
}

/** The members a group lacks and has beyond the primary's, with the gpasswd commands for a person. */
function membersAdvice(
  key: string,
  group: string,
  ctx: NodeFixContext,
  findings: SourcedFinding[],
  wanted: readonly string[],
): FixDraft {
  const have = ctx.state.users?.groups[group]?.members ?? [];
  const add = wanted.filter((member) => !have.includes(member));
  const remove = have.filter((member) => !wanted.includes(member));
  for (const member of [...add, ...remove]) {
    const problem = checkUserName(member);
    if (problem) return refusedName('users', key, 'a member of', `${member}: ${problem}`, findings);
  }
  const changes = [
    ...(add.length ? [`add ${add.join(', ')}`] : []),
    ...(remove.length ? [`remove ${remove.join(', ')}`] : []),
  ];
  return advice(
    'users',
    key,
    `make the members of group ${group} on ${ctx.node} the primary's: ${changes.join('; ')}`,
    'accounts and their groups are changed by packages or people',
    findings,
    [
      ...add.map((member) => ['gpasswd', '--add', member, group]),
      ...remove.map((member) => ['gpasswd', '--delete', member, group]),
    ],
  );
}

function reportOnly(
  key: string,
  what: string,
  node: string,
  findings: SourcedFinding[],
  id?: number,
): FixDraft {
  return advice(
    'users',
    key,
    `make ${what} on ${node} match${id !== undefined ? ` (id ${id})` : ''}: renumber it by hand, with the files it owns — or mark it \`renumber: true\` in the roles`,
    'report only: renumbering a uid or gid changes who owns files (DESIGN §9)',
    findings,
  );
}

export const usersFixer: CategoryFixer = {
  category: 'users',
  plan: (findings, ctx) => perKey(findings, (key, group) => planUser(key, group, ctx)),
};
