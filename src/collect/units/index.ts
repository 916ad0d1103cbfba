// Placeholder until the units collector lands (owned by its helper during issue 2).
import type { Collector } from '../types';

export const unitsCollector: Collector<'units'> = {
  category: 'units',
  collect() {
    return Promise.reject(new Error('units collector not implemented yet'));
  },
};
