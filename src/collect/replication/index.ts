// Placeholder until the replication collector lands (owned by its helper during issue 2).
import type { Collector } from '../types';

export const replicationCollector: Collector<'replication'> = {
  category: 'replication',
  collect() {
    return Promise.reject(new Error('replication collector not implemented yet'));
  },
};
