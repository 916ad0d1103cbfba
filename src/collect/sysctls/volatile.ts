/**
 * Keys whose values change by themselves from one read to the next: counters of the kernel's
 * own bookkeeping and values that are random on every read. They are not configuration, no
 * operator sets them, and recording them would change the sysctls hash on every collection —
 * an agent would then re-send ~1,300 keys every minute instead of a heartbeat. So they are not
 * collected at all.
 */
export const VOLATILE_KEYS: ReadonlySet<string> = new Set([
  'fs.aio-nr',
  'fs.dentry-state',
  'fs.file-nr',
  'fs.inode-nr',
  'fs.inode-state',
  'kernel.ns_last_pid',
  'kernel.pty.nr',
  'kernel.random.entropy_avail',
  'kernel.random.uuid',
  'net.netfilter.nf_conntrack_count',
]);

/** fs.quota.* are all counters (lookups, drops, reads, writes, cache hits …). */
export const VOLATILE_PREFIXES: readonly string[] = ['fs.quota.'];

export function isVolatileSysctl(key: string): boolean {
  return VOLATILE_KEYS.has(key) || VOLATILE_PREFIXES.some((prefix) => key.startsWith(prefix));
}
