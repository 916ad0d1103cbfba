/**
 * Differential test: users and groups of this host against glibc's own reading of the `files`
 * NSS database, `getent -s files passwd|group` (Debian package libc-bin). Restricting getent to
 * `files` matters: this host's nsswitch.conf says `passwd: files systemd`, and driftguard reads
 * only the files (accounts from other sources are not node configuration).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { parseGroup, parsePasswd } from '../../src/collect/parsers/passwd';
import { DiskRootFs } from '../../src/collect/root-fs';
import { collectUsers } from '../../src/collect/users/collect';

const getent = (database: string) => execFileSync('getent', ['-s', 'files', database], { encoding: 'utf8' });

describe('users and groups of this host equal `getent -s files` (Debian package libc-bin)', () => {
  const state = collectUsers(new DiskRootFs('/'));

  it('reads every line glibc reads, and nothing else', () => {
    expect(state.warnings).toBeUndefined();
    // getent enumerates every entry glibc accepts, in file order, duplicates included: the names
    // there, taken from each line as is, are the names of the lines driftguard's parser accepts.
    const files: [string, string, typeof parsePasswd | typeof parseGroup][] = [
      ['passwd', '/etc/passwd', parsePasswd],
      ['group', '/etc/group', parseGroup],
    ];
    for (const [database, file, parse] of files) {
      const glibc = getent(database)
        .split('\n')
        .filter(Boolean)
        .map((line) => line.slice(0, line.indexOf(':')));
      expect(glibc.length).toBeGreaterThan(10);
      const ours = parse(fs.readFileSync(file, 'utf8')).entries.map((entry) => entry.name);
      expect({ database, names: ours }).toEqual({ database, names: glibc });
    }
  });

  it('has the same accounts, fields and order of first appearance', () => {
    const fromGlibc = parsePasswd(getent('passwd'));
    expect(fromGlibc.skipped).toEqual([]);
    const firstByName = new Map<string, unknown>();
    for (const entry of fromGlibc.entries)
      if (!firstByName.has(entry.name)) firstByName.set(entry.name, entry);
    expect(Object.keys(state.users)).toEqual([...firstByName.keys()]);
    expect(Object.values(state.users)).toEqual([...firstByName.values()]);
  });

  it('has the same groups with the same members', () => {
    const fromGlibc = parseGroup(getent('group'));
    const firstByName = new Map<string, unknown>();
    for (const entry of fromGlibc.entries)
      if (!firstByName.has(entry.name)) firstByName.set(entry.name, entry);
    expect(Object.values(state.groups)).toEqual([...firstByName.values()]);
  });

  it('agrees with getent for single lookups by name', () => {
    const line = execFileSync('getent', ['-s', 'files', 'passwd', 'root'], { encoding: 'utf8' });
    expect(parsePasswd(line).entries[0]).toEqual(state.users['root']);
  });
});
