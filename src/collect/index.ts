/**
 * The table of collectors and the one function that runs them. Adding a category means adding
 * its folder and one line here (the shape Renovate uses for its managers).
 */
import { hashOf } from '../shared/canonical-json';
import { asDriftguardError } from '../shared/errors';
import type { Category, CategoryValues, CollectorErrorEntry, NodeState } from '../model/state';
import { CATEGORIES, STATE_SCHEMA_ID } from '../model/state';
import { capacityCollector } from './capacity';
import { filesCollector } from './files';
import { mountsCollector } from './mounts';
import { osCollector } from './os';
import { packagesCollector } from './packages';
import { replicationCollector } from './replication';
import { sysctlsCollector } from './sysctls';
import type { CollectContext, Collector } from './types';
import { unitsCollector } from './units';
import { usersCollector } from './users';

type CollectorTable = { [C in Category]: Collector<C> };

export const collectors: CollectorTable = {
  os: osCollector,
  capacity: capacityCollector,
  packages: packagesCollector,
  mounts: mountsCollector,
  units: unitsCollector,
  sysctls: sysctlsCollector,
  files: filesCollector,
  users: usersCollector,
  replication: replicationCollector,
};

export interface CollectOptions {
  node: string;
  /** When to stamp the state; injected so tests and fixtures are reproducible. */
  now: Date;
  /** Only these categories (default: all). */
  categories?: readonly Category[];
}

/**
 * Hashes of each category present, in CATEGORIES order; `known` are hashes already computed for
 * these very values (a re-sweep's cached categories), taken as they are.
 */
export function categoryHashes(
  state: Partial<CategoryValues>,
  known: Partial<Record<Category, string>> = {},
): Partial<Record<Category, string>> {
  const hashes: Partial<Record<Category, string>> = {};
  for (const category of CATEGORIES) {
    const value = state[category];
    if (value !== undefined) hashes[category] = known[category] ?? hashOf(value);
  }
  return hashes;
}

/** Runs every collector; one failing never stops the others — it becomes an entry in `errors`. */
export async function collectState(ctx: CollectContext, options: CollectOptions): Promise<NodeState> {
  const wanted = options.categories ?? CATEGORIES;
  const values: Partial<CategoryValues> = {};
  const errors: CollectorErrorEntry[] = [];

  await Promise.all(
    wanted.map(async (category) => {
      try {
        const value = await (collectors[category] as Collector).collect(ctx);
        (values as Record<Category, unknown>)[category] = value;
      } catch (err) {
        const error = asDriftguardError(err);
        errors.push({ collector: category, code: error.code, message: error.message });
      }
    }),
  );

  return assembleState(options, values, errors);
}

/**
 * A NodeState from categories' values and collectors' errors, in the one order every state
 * has: collectState's, and a re-sweep's that takes some categories from its cache.
 */
export function assembleState(
  options: Pick<CollectOptions, 'node' | 'now'>,
  values: Partial<CategoryValues>,
  errors: CollectorErrorEntry[],
  knownHashes: Partial<Record<Category, string>> = {},
): NodeState {
  errors.sort((a, b) => CATEGORIES.indexOf(a.collector) - CATEGORIES.indexOf(b.collector));
  const ordered: Partial<CategoryValues> = {};
  for (const category of CATEGORIES) {
    if (values[category] !== undefined) (ordered as Record<Category, unknown>)[category] = values[category];
  }
  return {
    schema: STATE_SCHEMA_ID,
    node: options.node,
    collectedAt: options.now.toISOString(),
    ...ordered,
    errors,
    hashes: categoryHashes(ordered, knownHashes),
  };
}
