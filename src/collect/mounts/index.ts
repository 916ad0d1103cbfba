/** The `mounts` category: fstab entries with their options interpreted, and the live mount table. */
import type { Collector } from '../types';
import { collectMounts } from './collect';

export const mountsCollector: Collector<'mounts'> = {
  category: 'mounts',
  collect(ctx) {
    // Synchronous reads wrapped in a promise: a throw becomes a rejection for collectState().
    return new Promise((resolve) => resolve(collectMounts(ctx.fs)));
  },
};
