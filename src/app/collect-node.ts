/**
 * `collect`: the state of the node whose `/` is `root` — this host, or a fixture tree.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { collectState } from '../collect';
import { commandRunnerFor } from '../collect/command-runner';
import { DiskRootFs } from '../collect/root-fs';
import type { RootFs } from '../collect/root-fs';
import type { WatchList } from '../collect/types';
import type { Category, NodeState } from '../model/state';

export interface CollectNodeOptions {
  root: string;
  /** Node name; default: the node's hostname. */
  node?: string;
  /**
   * The files the node's roles watch and those they mark `sensitive: true` (hash only), when the
   * caller has a desired state (`watchListFor`). Computed by the caller so that collection never
   * loads the YAML and schema machinery; called once, when the node's name is known.
   */
  watchList?: (node: string) => WatchList;
  now: Date;
  /** Only these categories (default: all). */
  categories?: readonly Category[];
}

export interface CollectedNode {
  state: NodeState;
  /** Things the operator should know that did not stop collection. */
  warnings: string[];
}

/** The node's own idea of its name: the kernel's hostname, else /etc/hostname. */
function hostnameOf(fs: RootFs, root: string): string {
  if (path.resolve(root) === '/') return os.hostname();
  const fromKernel = fs.readText('/proc/sys/kernel/hostname')?.trim();
  const fromFile = fs.readText('/etc/hostname')?.trim().split(/\s/)[0];
  return fromKernel || fromFile || path.basename(path.resolve(root));
}

export async function collectNode(options: CollectNodeOptions): Promise<CollectedNode> {
  const fs = new DiskRootFs(options.root);
  const node = options.node ?? hostnameOf(fs, options.root);
  const warnings: string[] = [];
  const watch = options.watchList?.(node);
  const state = await collectState(
    {
      fs,
      run: commandRunnerFor(options.root),
      watchPaths: watch?.paths ?? [],
      sensitivePaths: watch?.sensitive ?? [],
    },
    { node, now: options.now, ...(options.categories ? { categories: options.categories } : {}) },
  );
  for (const error of state.errors) warnings.push(`${error.collector}: ${error.message}`);
  return { state, warnings };
}
