import { parityCheck } from './parity-check';

/** Kernel settings differ, live or persisted. */
export const paritySysctls = parityCheck('parity-sysctls', 'sysctls', { what: 'sysctls', one: 'sysctl' });
