/**
 * Pure parsers for /etc/passwd and /etc/group, following glibc's nss_files line parser
 * (nss/nss_files/files-parse.c, files-pwd.c, files-grp.c) so that what we read is what
 * `getent -s files` answers on the node:
 *   - leading white space is skipped; empty lines and lines starting with `#` are ignored;
 *   - fields are separated by `:`; missing trailing fields are empty (`name:x:1:1` is valid);
 *   - uid/gid must be numbers, otherwise glibc rejects the line;
 *   - passwd: the shell is the rest of the line, colons included;
 *   - group: members are split on `,`, leading blanks of each dropped, empty ones skipped.
 * Deliberate differences, each a line we skip and report rather than guess at:
 *   - NIS compat entries (`+name`, `-name`, `+`) — they only mean something to nss_compat;
 *   - an empty name, and ids with signs, spaces or beyond 32 bits (strtoul would accept or
 *     wrap them; an account table that relies on that is broken anyway).
 * Used by the users collector and, to name file owners, by the files collector.
 */
import type { GroupEntry, UserEntry } from '../../model/state';
import { isCSpace } from './ctype';

export interface SkippedLine {
  /** 1-based line number. */
  line: number;
  reason: string;
}

export interface AccountsParse<T> {
  /** In file order; a name may repeat (lookups by name take the first, as getpwnam does). */
  entries: T[];
  skipped: SkippedLine[];
}

const MAX_ID = 0xffffffff;

/** Parses /etc/passwd text. */
export function parsePasswd(text: string): AccountsParse<UserEntry> {
  return parseLines(
    text,
    4,
    (fields, rest) => {
      // name : password : uid : gid : gecos : home, then the shell as the rest of the line.
      const [name, , uidText, gidText, , home = ''] = fields;
      const uid = parseId(uidText);
      if (uid === undefined) return `uid "${uidText ?? ''}" is not a number`;
      const gid = parseId(gidText);
      if (gid === undefined) return `gid "${gidText ?? ''}" is not a number`;
      return { name: name as string, uid, gid, home, shell: rest };
    },
    6,
  );
}

/** Parses /etc/group text. */
export function parseGroup(text: string): AccountsParse<GroupEntry> {
  return parseLines(
    text,
    3,
    (fields, rest) => {
      // name : password : gid, then the member list as the rest of the line.
      const [name, , gidText] = fields;
      const gid = parseId(gidText);
      if (gid === undefined) return `gid "${gidText ?? ''}" is not a number`;
      return { name: name as string, gid, members: splitMembers(rest) };
    },
    3,
  );
}

/**
 * Splits each meaningful line into `split` leading fields plus the rest of the line, and hands
 * them to `build`, which returns an entry or the reason to skip the line.
 */
function parseLines<T>(
  text: string,
  required: number,
  build: (fields: (string | undefined)[], rest: string) => T | string,
  split: number,
): AccountsParse<T> {
  const entries: T[] = [];
  const skipped: SkippedLine[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const content = skipLeadingSpace(lines[index] as string);
    if (content === '' || content.startsWith('#')) continue;
    const line = index + 1;
    const { fields, rest } = splitFields(content, split);
    const name = fields[0] as string;
    if (name === '') {
      skipped.push({ line, reason: 'empty name' });
      continue;
    }
    if (name.startsWith('+') || name.startsWith('-')) {
      skipped.push({ line, reason: 'NIS compat entry (only nss_compat reads it)' });
      continue;
    }
    if (fields.length < required) {
      skipped.push({ line, reason: `fewer than ${required} fields` });
      continue;
    }
    const result = build(fields, rest);
    if (typeof result === 'string') skipped.push({ line, reason: result });
    else entries.push(result);
  }
  return { entries, skipped };
}

/** The first `count` `:`-separated fields (fewer if the line ends) and the rest after them. */
function splitFields(content: string, count: number): { fields: string[]; rest: string } {
  const fields: string[] = [];
  let start = 0;
  while (fields.length < count) {
    const colon = content.indexOf(':', start);
    if (colon === -1) {
      fields.push(content.slice(start));
      return { fields, rest: '' };
    }
    fields.push(content.slice(start, colon));
    start = colon + 1;
  }
  return { fields, rest: content.slice(start) };
}

/** glibc skips `isspace` characters before a line: space, \t, \n, \v, \f, \r. */
function skipLeadingSpace(line: string): string {
  let start = 0;
  while (start < line.length && isCSpace(line.charCodeAt(start))) start++;
  // The newline that ended the line was removed by split; a CR before it is kept by glibc.
  return start === 0 ? line : line.slice(start);
}

function parseId(text: string | undefined): number | undefined {
  if (text === undefined || text.length === 0 || text.length > 10) return undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch < 0x30 || ch > 0x39) return undefined;
  }
  const id = Number(text);
  return id <= MAX_ID ? id : undefined;
}

function splitMembers(list: string): string[] {
  const members: string[] = [];
  for (const part of list.split(',')) {
    const member = skipLeadingSpace(part);
    if (member !== '') members.push(member);
  }
  return members;
}

/** id → name, first entry wins (what getpwuid/getgrgid return for a duplicated id). */
export function namesById<T extends { name: string }>(
  entries: readonly T[],
  idOf: (entry: T) => number,
): Map<number, string> {
  const names = new Map<number, string>();
  for (const entry of entries) {
    const id = idOf(entry);
    if (!names.has(id)) names.set(id, entry.name);
  }
  return names;
}

/** name → entry, first entry wins (what getpwnam/getgrnam return for a duplicated name). */
export function byFirstName<T extends { name: string }>(entries: readonly T[]): Record<string, T> {
  const byName: Record<string, T> = {};
  for (const entry of entries) if (!Object.hasOwn(byName, entry.name)) byName[entry.name] = entry;
  return byName;
}
