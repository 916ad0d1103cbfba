import * as fs from 'node:fs';
import * as path from 'node:path';
import { CollectError } from '../../shared/errors';
import { DiskRootFs } from '../root-fs';
import { removeTree, writeTree } from '../../../test/helpers/temp-tree';
import { collectCapacity } from './collect';
import { memTotalBytes } from './parse';
import { FIXTURE_NODES_DIR as FIXTURES } from '../../../test/helpers/fixture-nodes';

const capacityOf = (name: string) => collectCapacity(new DiskRootFs(path.join(FIXTURES, name)));

describe('collectCapacity on fixtures', () => {
  it('gives the PyPI secondary half the CPUs and about half the memory of the primary', () => {
    const primary = capacityOf('pypi-1');
    const secondary = capacityOf('pypi-2');
    expect(primary.cpus).toBe(8);
    expect(secondary.cpus).toBe(4);
    expect(secondary.memoryBytes / primary.memoryBytes).toBeCloseTo(0.5, 1);
  });

  it("reads memory as MemTotal of the node's own meminfo", () => {
    const meminfo = fs.readFileSync(path.join(FIXTURES, 'debian12-clean/proc/meminfo'), 'utf8');
    expect(capacityOf('debian12-clean')).toEqual({ cpus: 4, memoryBytes: memTotalBytes(meminfo) });
  });
});

describe('collectCapacity on generated trees', () => {
  let root = '';
  afterEach(() => removeTree(root));

  it('falls back to /proc/cpuinfo when sysfs is absent', () => {
    root = writeTree({
      '/proc/cpuinfo': 'processor\t: 0\n\nprocessor\t: 1\n\nprocessor\t: 2\n',
      '/proc/meminfo': 'MemTotal:        2048 kB\n',
    });
    expect(collectCapacity(new DiskRootFs(root))).toEqual({ cpus: 3, memoryBytes: 2048 * 1024 });
  });

  it('fails when no CPU source is readable', () => {
    root = writeTree({ '/proc/meminfo': 'MemTotal:        2048 kB\n' });
    expect(() => collectCapacity(new DiskRootFs(root))).toThrow(CollectError);
  });

  it('fails when MemTotal is missing', () => {
    root = writeTree({ '/sys/devices/system/cpu/online': '0-1\n', '/proc/meminfo': 'MemFree: 1 kB\n' });
    expect(() => collectCapacity(new DiskRootFs(root))).toThrow(/MemTotal/);
  });
});
