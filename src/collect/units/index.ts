/** The `units` category: every unit on the search path, plus the units systemd-fstab-generator would make. */
import type { Collector } from '../types';
import { collectUnits } from './collect';

export const unitsCollector: Collector<'units'> = {
  category: 'units',
  collect(ctx) {
    return collectUnits(ctx.fs, ctx.run);
  },
};
