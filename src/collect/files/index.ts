// Placeholder until the files collector lands (owned by its helper during issue 2).
import type { Collector } from '../types';

export const filesCollector: Collector<'files'> = {
  category: 'files',
  collect() {
    return Promise.reject(new Error('files collector not implemented yet'));
  },
};
