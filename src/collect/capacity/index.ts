// Placeholder until the capacity collector lands (owned by its helper during issue 2).
import type { Collector } from '../types';

export const capacityCollector: Collector<'capacity'> = {
  category: 'capacity',
  collect() {
    return Promise.reject(new Error('capacity collector not implemented yet'));
  },
};
