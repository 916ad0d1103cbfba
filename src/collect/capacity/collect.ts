/**
 * The capacity collector: online CPUs and total memory. The PyPI 2013 secondary "was
 * underpowered for the amount of traffic that is received once brought online"; the readiness
 * check compares these two numbers between the nodes of a pair.
 *
 * What the machine has, not what a process may use: cgroup CPU quotas, cpusets and memory
 * limits (a container's share) are out of scope — a failover target is a whole node.
 */
import type { CapacityInfo } from '../../model/state';
import { CollectError } from '../../shared/errors';
import type { RootFs } from '../root-fs';
import type { Collector } from '../types';
import { countCpuinfoProcessors, countCpuList, memTotalBytes } from './parse';

/**
 * Online CPUs: the kernel's own list in sysfs (what glibc's `getconf _NPROCESSORS_ONLN` reads),
 * else the processor stanzas of /proc/cpuinfo (which lists online CPUs only) for trees that
 * carry no sysfs.
 */
export function onlineCpus(fs: RootFs): number | undefined {
  const online = fs.readText('/sys/devices/system/cpu/online');
  const fromSysfs = online === undefined ? undefined : countCpuList(online);
  if (fromSysfs !== undefined && fromSysfs > 0) return fromSysfs;
  const cpuinfo = fs.readText('/proc/cpuinfo');
  const fromCpuinfo = cpuinfo === undefined ? 0 : countCpuinfoProcessors(cpuinfo);
  return fromCpuinfo > 0 ? fromCpuinfo : undefined;
}

export function collectCapacity(fs: RootFs): CapacityInfo {
  const cpus = onlineCpus(fs);
  if (cpus === undefined) {
    throw new CollectError(
      `cannot count CPUs under ${fs.description}: no readable /sys/devices/system/cpu/online or /proc/cpuinfo`,
    );
  }
  const meminfo = fs.readText('/proc/meminfo');
  const memoryBytes = meminfo === undefined ? undefined : memTotalBytes(meminfo);
  if (memoryBytes === undefined) {
    throw new CollectError(`cannot read MemTotal from /proc/meminfo under ${fs.description}`);
  }
  return { cpus, memoryBytes };
}

export const capacityCollector: Collector<'capacity'> = {
  category: 'capacity',
  collect(ctx) {
    return Promise.resolve().then(() => collectCapacity(ctx.fs));
  },
};
