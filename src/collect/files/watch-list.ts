/**
 * The HA-critical configuration every node records whatever its roles (DESIGN §5). Roles add
 * their own paths (`collect --desired` → `ctx.watchPaths`). A `*` is allowed in the last path
 * segment only. A listed path that does not exist is recorded as missing: on one node of a pair
 * that is itself a finding.
 */
export interface BuiltinWatch {
  path: string;
  /** Why a failover depends on it — shown next to findings about the file. */
  why: string;
}

export const BUILTIN_WATCHES: readonly BuiltinWatch[] = [
  {
    path: '/etc/fstab',
    why: 'boot-time mounts: a DRBD device mounted at boot without noauto/nofail hung the PyPI 2013 primary',
  },
  {
    path: '/etc/crypttab',
    why: 'boot-time block devices: a missing device here stalls boot like an fstab entry',
  },
  { path: '/etc/drbd.conf', why: 'DRBD top-level configuration (usually just includes drbd.d)' },
  {
    path: '/etc/drbd.d/*',
    why: 'DRBD global settings and resources: both nodes must describe the same resources',
  },
  {
    path: '/etc/corosync/corosync.conf',
    why: 'cluster membership, quorum and rings: must match on every node',
  },
  {
    path: '/etc/corosync/authkey',
    why: 'cluster authentication key (secret: hash only): must match on every node',
  },
  {
    path: '/etc/pacemaker/authkey',
    why: 'Pacemaker remote key (secret: hash only): must match on every node',
  },
  { path: '/etc/keepalived/keepalived.conf', why: 'VRRP failover of service addresses' },
  { path: '/etc/exports', why: 'NFS exports served from replicated storage (PythonAnywhere 2015)' },
  { path: '/etc/hosts', why: 'peer and service names that must resolve without DNS during a failover' },
  { path: '/etc/ssh/sshd_config', why: 'remote access to a node in trouble (PyPI 2013 could not get in)' },
  { path: '/etc/ssh/sshd_config.d/*', why: 'drop-ins that change sshd_config' },
  {
    path: '/etc/sysctl.conf',
    why: 'persisted kernel settings such as kernel.panic (auto-reboot after a panic)',
  },
  {
    path: '/etc/sysctl.d/*',
    why: 'persisted kernel settings such as kernel.panic (auto-reboot after a panic)',
  },
  {
    path: '/etc/default/grub',
    why: 'kernel command line, which can also set panic= and other boot behaviour',
  },
  { path: '/etc/multipath.conf', why: 'multipath devices, which appear late in boot like DRBD devices' },
];
