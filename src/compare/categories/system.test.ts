import type { CapacityInfo, OsInfo } from '../../model/state';
import { pairContext } from '../test-helpers';
import { capacityComparator, osComparator } from './system';

const ctx = pairContext();

/** /etc/os-release and the kernel of the PyPI primary. */
const bookworm: OsInfo = {
  id: 'debian',
  versionId: '12',
  prettyName: 'Debian GNU/Linux 12 (bookworm)',
  kernel: '6.1.0-26-amd64',
  arch: 'x86_64',
  hostname: 'pypi-1',
};

describe('os: parity', () => {
  it('finds nothing when only the pretty name and the host name differ', () => {
    expect(
      osComparator.parity!(bookworm, { ...bookworm, prettyName: 'Debian 12', hostname: 'pypi-2' }, ctx),
    ).toEqual([]);
  });

  it('reports each field that differs, in order, the kernel as a warning', () => {
    const bullseye: OsInfo = { id: 'ubuntu', versionId: '11', kernel: '5.10.0-32-amd64', arch: 'aarch64' };
    expect(osComparator.parity!(bookworm, bullseye, ctx)).toStrictEqual([
      {
        category: 'os',
        key: 'id',
        kind: 'mismatch',
        side: 'different',
        severity: 'error',
        expected: 'debian',
        actual: 'ubuntu',
        message: 'OS: debian on primary (pypi-1), ubuntu on secondary (pypi-2)',
      },
      {
        category: 'os',
        key: 'versionId',
        kind: 'mismatch',
        side: 'different',
        severity: 'error',
        expected: '12',
        actual: '11',
        message: 'OS version: 12 on primary (pypi-1), 11 on secondary (pypi-2)',
      },
      {
        category: 'os',
        key: 'arch',
        kind: 'mismatch',
        side: 'different',
        severity: 'error',
        expected: 'x86_64',
        actual: 'aarch64',
        message: 'architecture: x86_64 on primary (pypi-1), aarch64 on secondary (pypi-2)',
      },
      {
        category: 'os',
        key: 'kernel',
        kind: 'mismatch',
        side: 'different',
        severity: 'warning',
        expected: '6.1.0-26-amd64',
        actual: '5.10.0-32-amd64',
        message: 'kernel: 6.1.0-26-amd64 on primary (pypi-1), 5.10.0-32-amd64 on secondary (pypi-2)',
      },
    ]);
  });

  it('says (unknown) for a field one node did not report', () => {
    const noKernel: OsInfo = { id: 'debian', versionId: '12', arch: 'x86_64' };
    expect(osComparator.parity!(noKernel, bookworm, ctx)).toStrictEqual([
      {
        category: 'os',
        key: 'kernel',
        kind: 'mismatch',
        side: 'different',
        severity: 'warning',
        actual: '6.1.0-26-amd64',
        message: 'kernel: (unknown) on primary (pypi-1), 6.1.0-26-amd64 on secondary (pypi-2)',
      },
    ]);
  });
});

describe('capacity: parity', () => {
  const primary: CapacityInfo = { cpus: 8, memoryBytes: 33662795776 };

  it('finds nothing between machines of the same size', () => {
    expect(capacityComparator.parity!(primary, { ...primary }, ctx)).toEqual([]);
  });

  it('warns of fewer CPUs and less memory, memory in binary units (PyPI 2013: a smaller secondary)', () => {
    expect(capacityComparator.parity!(primary, { cpus: 4, memoryBytes: 8 * 1024 ** 3 }, ctx)).toStrictEqual([
      {
        category: 'capacity',
        key: 'cpus',
        kind: 'mismatch',
        side: 'different',
        severity: 'warning',
        expected: 8,
        actual: 4,
        message: 'CPUs: 8 on primary (pypi-1), 4 on secondary (pypi-2)',
      },
      {
        category: 'capacity',
        key: 'memoryBytes',
        kind: 'mismatch',
        side: 'different',
        severity: 'warning',
        expected: 33662795776,
        actual: 8589934592,
        message: 'memory: 31.4 GiB on primary (pypi-1), 8.0 GiB on secondary (pypi-2)',
      },
    ]);
  });
});
