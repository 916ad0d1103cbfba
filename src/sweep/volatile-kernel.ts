/**
 * Kernel values the sweep does not read: the sysctls collector skips them anyway
 * (src/collect/sysctls/volatile.ts — counters and per-read random values that change by
 * themselves), and leaving them out of the answer is what makes a node's answer the same bytes
 * from one sweep to the next, so that its digest can say "unchanged" (src/sweep/resweep.ts).
 *
 * As an extended regular expression over the lines `grep -r -H -Z` prints (`PATH\0VALUE`): the
 * path of a volatile key, then a byte that cannot be part of a proc/sys name (the NUL grep puts
 * after the path; `-a` in the C locale lets a bracket expression match it).
 */
import { VOLATILE_KEYS, VOLATILE_PREFIXES } from '../collect/sysctls/volatile';
import { appendKeySegment } from '../collect/sysctls/parse';
import { isVolatileSysctl } from '../collect/sysctls/volatile';

const PROC_SYS = '/proc/sys';

/** `kernel.random.uuid` → `kernel/random/uuid` (none of these keys has a dot inside a segment). */
const keyPath = (key: string): string => key.replaceAll('.', '/');

const escapeEre = (text: string): string => text.replace(/[.[\]\\()*+?{}|^$]/g, '\\$&');

export const VOLATILE_KERNEL_LINES =
  `^\\.${PROC_SYS}/(` +
  [
    ...[...VOLATILE_KEYS].map((key) => `${escapeEre(keyPath(key))}[^[:print:]]`),
    ...VOLATILE_PREFIXES.map((prefix) => escapeEre(keyPath(prefix))),
  ].join('|') +
  ')';

/** The sysctl key of a node path under /proc/sys (`/proc/sys/net/ipv4/conf/eth0.100/rp_filter`). */
export function sysctlKeyOf(nodePath: string): string | undefined {
  if (!nodePath.startsWith(`${PROC_SYS}/`)) return undefined;
  return nodePath
    .slice(PROC_SYS.length + 1)
    .split('/')
    .reduce(appendKeySegment, '');
}

/** Whether the script left this kernel file out of its answer (it changes by itself). */
export function isVolatileKernelPath(nodePath: string): boolean {
  const key = sysctlKeyOf(nodePath);
  return key !== undefined && isVolatileSysctl(key);
}
