import * as path from 'node:path';
import { DiskRootFs } from '../root-fs';
import { removeTree, writeTree } from '../../../test/helpers/temp-tree';
import { readLiveSysctls } from './live';

describe('readLiveSysctls on a tree of plain files', () => {
  let root = '';
  afterEach(() => removeTree(root));

  it('names keys like sysctl -a, normalises values and skips binfmt_misc and write-only keys', () => {
    root = writeTree({
      '/proc/sys/kernel/osrelease': '6.1.0-56-amd64\n',
      '/proc/sys/kernel/panic': '0\n',
      '/proc/sys/kernel/core_modes': 'file\npipe\n',
      '/proc/sys/net/ipv4/tcp_rmem': '4096\t131072\t6291456\n',
      '/proc/sys/net/ipv4/conf/eth0.100/rp_filter': '2\n',
      '/proc/sys/fs/binfmt_misc/status': 'enabled\n',
      '/proc/sys/fs/binfmt_misc/register': { content: '', mode: 0o200 },
      '/proc/sys/vm/drop_caches': { content: '0\n', mode: 0o200 },
      '/proc/sys/vm/swappiness': { content: '60\n', mode: 0o644 },
      '/proc/sys/vm/stat_refresh': { content: '', mode: 0o600 },
    });
    expect(readLiveSysctls(new DiskRootFs(root))).toEqual({
      'kernel.core_modes': 'file pipe',
      'kernel.osrelease': '6.1.0-56-amd64',
      'kernel.panic': '0',
      'net.ipv4.conf.eth0/100.rp_filter': '2',
      'net.ipv4.tcp_rmem': '4096 131072 6291456',
      'vm.stat_refresh': '',
      'vm.swappiness': '60',
    });
  });

  it('returns undefined when the node has no proc/sys', () => {
    root = writeTree({ '/etc/hostname': 'x\n' });
    expect(readLiveSysctls(new DiskRootFs(root))).toBeUndefined();
  });
});

describe('readLiveSysctls on a fixture node', () => {
  it('reads the pypi-1 keys, including the unset-and-zero kernel.panic', () => {
    const live = readLiveSysctls(
      new DiskRootFs(path.resolve(__dirname, '../../../test/fixtures/nodes/pypi-1')),
    );
    expect(live?.['kernel.panic']).toBe('0');
    expect(live?.['kernel.hostname']).toBe('pypi-1');
    expect(live?.['net.ipv4.conf.eth0/100.rp_filter']).toBeDefined();
    expect(Object.keys(live ?? {}).length).toBeGreaterThan(300);
  });
});
