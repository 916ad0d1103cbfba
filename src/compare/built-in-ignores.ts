import type { IgnoreRules } from '../model/desired';

/**
 * What parity never compares, whatever the pair says — each entry differs between two healthy
 * nodes by construction, or is compared elsewhere in a better form:
 */
export const BUILT_IN_PARITY_IGNORE: IgnoreRules = {
  sysctls: [
    'kernel.hostname', // each node's own name
    'kernel.random.boot_id', // random per boot
  ],
  files: [
    '/etc/hostname', // each node's own name
    '/etc/machine-id', // unique per installation by definition
    '/etc/fstab', // compared entry by entry under mounts, where node-local disk UUIDs are understood
    // Compared value by value under sysctls (persisted, with file:line): two nodes that persist
    // the same values in differently named files — a hand-written one on the primary,
    // driftguard's 90-driftguard.conf on the secondary it fixed — are the same.
    '/etc/sysctl.conf',
    '/etc/sysctl.d/*',
    // driftguard's own unit drop-ins: their orderings are compared under units.
    '/etc/systemd/system/*.d/50-driftguard.conf',
  ],
};

/** The built-in ignores with a pair's own added. */
export function withBuiltInIgnores(rules: IgnoreRules | undefined): IgnoreRules {
  const merged: IgnoreRules = { ...BUILT_IN_PARITY_IGNORE };
  for (const [category, patterns] of Object.entries(rules ?? {}) as [keyof IgnoreRules, string[]][]) {
    merged[category] = [...(merged[category] ?? []), ...patterns];
  }
  return merged;
}
