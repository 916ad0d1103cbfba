// Placeholder until the os collector lands (owned by its helper during issue 2).
import type { Collector } from '../types';

export const osCollector: Collector<'os'> = {
  category: 'os',
  collect() {
    return Promise.reject(new Error('os collector not implemented yet'));
  },
};
