// Placeholder until the sysctls collector lands (owned by its helper during issue 2).
import type { Collector } from '../types';

export const sysctlsCollector: Collector<'sysctls'> = {
  category: 'sysctls',
  collect() {
    return Promise.reject(new Error('sysctls collector not implemented yet'));
  },
};
