import { parityCheck } from './parity-check';

/** A user or group on one side only, or with another uid/gid. */
export const parityUsers = parityCheck('parity-users', 'users', {
  what: 'users and groups',
  one: 'user or group',
});
