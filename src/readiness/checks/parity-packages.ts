import { parityCheck } from './parity-check';

/** The secondary lacks packages or has older versions: PyPI 2013. */
export const parityPackages = parityCheck('parity-packages', 'packages', {
  what: 'packages',
  one: 'package',
});
