import type { Category, CategoryValues } from '../model/state';
import type { CommandRunner } from './command-runner';
import type { RootFs } from './root-fs';

/** What a node's roles ask the files collector for: paths to record, and those to record by hash only. */
export interface WatchList {
  paths: string[];
  sensitive: string[];
}

/** What every collector gets: the node's file system, a way to run commands there, and options. */
export interface CollectContext {
  fs: RootFs;
  run: CommandRunner;
  /** Extra paths to record in `files` (from the node's roles), on top of the built-in list. */
  watchPaths: readonly string[];
  /**
   * Paths the roles mark `sensitive: true`: only their hash is recorded, never their text.
   * Exact and normalised, as the desired state must name them (no globs); watched or built-in
   * paths, the others are not recorded anyway.
   */
  sensitivePaths?: readonly string[];
}

/**
 * One collector per category (DESIGN §5). A collector reads only through its context, returns
 * its category's value, and throws when it cannot: the caller records the error and goes on
 * with the other collectors.
 */
export interface Collector<C extends Category = Category> {
  category: C;
  collect(ctx: CollectContext): Promise<CategoryValues[C]>;
}
