// Placeholder until the users collector lands (owned by its helper during issue 2).
import type { Collector } from '../types';

export const usersCollector: Collector<'users'> = {
  category: 'users',
  collect() {
    return Promise.reject(new Error('users collector not implemented yet'));
  },
};
