import * as path from 'node:path';
import { CollectError } from '../../shared/errors';
import { DiskRootFs } from '../root-fs';
import { removeTree, writeTree } from '../../../test/helpers/temp-tree';
import { collectUsers } from './collect';
import { FIXTURE_NODES_DIR as FIXTURES } from '../../../test/helpers/fixture-nodes';

describe('collectUsers', () => {
  it('finds the pypi user with a different uid on each node of the pair', () => {
    const primary = collectUsers(new DiskRootFs(path.join(FIXTURES, 'pypi-1')));
    const secondary = collectUsers(new DiskRootFs(path.join(FIXTURES, 'pypi-2')));
    expect(primary.users['pypi']).toMatchObject({ uid: 990, gid: 990 });
    expect(secondary.users['pypi']).toMatchObject({ uid: 991, gid: 991 });
    expect(primary.groups['pypi']?.gid).toBe(990);
    expect(primary.warnings).toBeUndefined();
  });

  it('reads a Rocky 9 account table', () => {
    const { users, groups } = collectUsers(new DiskRootFs(path.join(FIXTURES, 'rpm-el9')));
    expect(users['sshd']).toMatchObject({ uid: 74, home: '/usr/share/empty.sshd' });
    expect(groups['wheel']?.members).toEqual(['rocky']);
  });

  it('lists skipped lines as warnings with their file', () => {
    const root = writeTree({
      '/etc/passwd': 'root:x:0:0::/root:/bin/sh\n+::::::\n',
      '/etc/group': 'root:x:zero:\n',
    });
    try {
      expect(collectUsers(new DiskRootFs(root)).warnings).toEqual([
        { source: '/etc/passwd', line: 2, message: 'NIS compat entry (only nss_compat reads it)' },
        { source: '/etc/group', line: 1, message: 'gid "zero" is not a number' },
      ]);
    } finally {
      removeTree(root);
    }
  });

  it('fails when /etc/passwd is missing', () => {
    const root = writeTree({ '/etc/group': 'root:x:0:\n' });
    try {
      expect(() => collectUsers(new DiskRootFs(root))).toThrow(CollectError);
    } finally {
      removeTree(root);
    }
  });
});
