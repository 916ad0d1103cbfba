import { parityCheck } from './parity-check';

/** Enablement or ordering of units differs: the forgotten pypissh service of 2014. */
export const parityUnits = parityCheck('parity-units', 'units', { what: 'units', one: 'unit' });
