/**
 * Differential test: capacity of this host against `getconf _NPROCESSORS_ONLN` (Debian package
 * libc-bin; glibc reads the same /sys/devices/system/cpu/online) and the total of `free -b`
 * (Debian package procps; MemTotal in bytes). Not `nproc`: it counts the CPUs this process may
 * run on (affinity, cpusets), and `nproc --all` counts configured CPUs, online or not —
 * driftguard reports the machine's online CPUs; cgroup limits are out of scope.
 */
import { execFileSync } from 'node:child_process';
import { collectCapacity } from '../../src/collect/capacity/collect';
import { DiskRootFs } from '../../src/collect/root-fs';

describe('capacity of this host (Debian packages libc-bin, procps)', () => {
  const capacity = collectCapacity(new DiskRootFs('/'));

  it('counts the CPUs `getconf _NPROCESSORS_ONLN` counts', () => {
    const online = Number(execFileSync('getconf', ['_NPROCESSORS_ONLN'], { encoding: 'utf8' }).trim());
    expect(capacity.cpus).toBe(online);
  });

  it('has the memory total `free -b` shows', () => {
    const free = execFileSync('free', ['-b'], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
    const memLine = free.split('\n').find((line) => line.startsWith('Mem:'));
    expect(memLine).toBeDefined();
    const total = Number((memLine as string).split(/\s+/)[1]);
    expect(capacity.memoryBytes).toBe(total);
  });
});
