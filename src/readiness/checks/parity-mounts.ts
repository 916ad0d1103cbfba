import { parityCheck } from './parity-check';

/** fstab definitions; live mounts differ by design (a failover mount is mounted on the primary only). */
export const parityMounts = parityCheck('parity-mounts', 'mounts', { what: 'fstab mounts', one: 'fstab' });
