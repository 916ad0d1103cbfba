// Placeholder until the packages collector lands (owned by its helper during issue 2).
import type { Collector } from '../types';

export const packagesCollector: Collector<'packages'> = {
  category: 'packages',
  collect() {
    return Promise.reject(new Error('packages collector not implemented yet'));
  },
};
