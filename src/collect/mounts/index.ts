// Placeholder until the mounts collector lands (owned by its helper during issue 2).
import type { Collector } from '../types';

export const mountsCollector: Collector<'mounts'> = {
  category: 'mounts',
  collect() {
    return Promise.reject(new Error('mounts collector not implemented yet'));
  },
};
