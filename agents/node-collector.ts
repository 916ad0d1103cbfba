/**
 * The agent's default `collect()`: `collectNode` on the node's root, with the paths the node's
 * roles watch as the server tells them (`GET /api/v1/nodes/{node}/watch`). The list is fetched
 * at the first collection and again every `refreshEvery` collections, so an edited role reaches
 * its nodes without restarting agents. A server that cannot answer is not fatal: the agent keeps
 * the list it has (at first: none, only the built-in files) and asks again at the next refresh.
 */
import { collectNode } from '../src/app/collect-node';
import type { WatchList } from '../src/collect/types';
import type { NodeState } from '../src/model/state';
import { errorMessage } from '../src/shared/errors';
import type { AgentLog } from './log';

export interface NodeCollectorOptions {
  root: string;
  /** Node name; default: the node's hostname (learnt from the first collection). */
  node?: string;
  /** Asks the server for the node's watch list; omitted = only the built-in files. */
  fetchWatchList?: (node: string) => Promise<WatchList>;
  /** Ask again every this many collections. */
  refreshEvery: number;
  now: () => Date;
  log: AgentLog;
}

export function nodeCollector(options: NodeCollectorOptions): () => Promise<NodeState> {
  let list: WatchList = { paths: [], sensitive: [] };
  let collections = 0;
  let lastAsked: number | undefined;
  /** The warnings of the last collection (a JSON list); undefined before the first. */
  let lastWarnings: string | undefined;

  /** True when the list changed (so a collection made without it is worth redoing). */
  const refresh = async (node: string): Promise<boolean> => {
    lastAsked = collections;
    if (!options.fetchWatchList) return false;
    try {
      const fetched = await options.fetchWatchList(node);
      const changed = JSON.stringify(fetched) !== JSON.stringify(list);
      if (changed)
        options.log.info(
          { node, paths: fetched.paths, sensitive: fetched.sensitive },
          'watching the files the node’s roles name',
        );
      list = fetched;
      return changed;
    } catch (err) {
      options.log.warn(
        { node, err: errorMessage(err) },
        'cannot get the watch list from the server: keeping the one I have',
      );
      return false;
    }
  };
  const due = () => lastAsked === undefined || collections - lastAsked >= options.refreshEvery;

  const collectOnce = async (): Promise<NodeState> => {
    const collected = await collectNode({
      root: options.root,
      node: options.node,
      watchList: () => list,
      now: options.now(),
    });
    // Collector problems are logged when they change, not at every interval.
    const warnings = JSON.stringify(collected.warnings);
    if (warnings !== lastWarnings && collected.warnings.length > 0)
      options.log.warn({ warnings: collected.warnings }, 'collected with problems');
    lastWarnings = warnings;
    return collected.state;
  };

  return async () => {
    let state: NodeState;
    if (options.node !== undefined) {
      if (due()) await refresh(options.node);
      state = await collectOnce();
    } else {
      // Without --node the name is known only after a collection; the first is redone with the list.
      state = await collectOnce();
      if (due() && (await refresh(state.node))) state = await collectOnce();
    }
    collections++;
    return state;
  };
}
