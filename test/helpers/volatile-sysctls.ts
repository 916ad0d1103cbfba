/**
 * The keys whose value the kernel changes by itself on every read (counters, random values),
 * written out from the kernel's documentation (Documentation/admin-guide/sysctl/) — the tests'
 * own list, never the collector's (src/collect/sysctls/volatile.ts), so a collector that left out
 * more keys than these fails the tests that use it.
 */
const CHANGE_BY_THEMSELVES = new Set([
  'fs.aio-nr', // AIO requests in flight
  'fs.dentry-state', // dentry cache counters
  'fs.file-nr', // file handles allocated
  'fs.inode-nr', // inodes allocated
  'fs.inode-state',
  'kernel.ns_last_pid', // the last pid handed out
  'kernel.pty.nr', // ptys in use
  'kernel.random.entropy_avail',
  'kernel.random.uuid', // a new UUID on every read
  'net.netfilter.nf_conntrack_count', // tracked connections
]);

/** True for a key the kernel changes by itself; fs.quota.* are all counters (lookups, drops …). */
export function changesByItself(key: string): boolean {
  return CHANGE_BY_THEMSELVES.has(key) || key.startsWith('fs.quota.');
}
