import type { FastifyPluginAsync } from 'fastify';
import { changesSince, listNodes, requireKnownNode, timed } from '../../app/queries';
import { watchListFor } from '../../desired';
import { NotFoundError } from '../../shared/errors';
import type { ServerDeps } from '../app';
import { NAME_PARAMS, SINCE_QUERY, readRoute, sinceInstant } from './schemas';

type Named = { Params: { name: string } };
type NamedSince = Named & { Querystring: { since: string } };

const named = { params: NAME_PARAMS };
const namedSince = { params: NAME_PARAMS, querystring: SINCE_QUERY };

/** Nodes: the list, and each node's state, drift, watch list, history, changes and timeline. */
export function nodeRoutes(deps: ServerDeps): FastifyPluginAsync {
  const known = (node: string) => requireKnownNode(deps.store, deps.desired.desired, node);
  return async (app) => {
    app.get(
      '/nodes',
      readRoute('Every node, declared or reporting, with last-seen time and drift counts', 'nodes'),
      async () => ({
        nodes: await listNodes(deps.store, deps.desired.desired, deps.now()),
      }),
    );

    app.get<Named>(
      '/nodes/:name',
      readRoute('One node as the list shows it: times, staleness, drift counts', 'nodes', named),
      async (request) => {
        const [summary] = await listNodes(deps.store, deps.desired.desired, deps.now(), request.params.name);
        if (!summary)
          throw new NotFoundError(
            `no node ${request.params.name}: it is not declared and has never reported`,
          );
        return summary;
      },
    );

    app.get<Named>(
      '/nodes/:name/state',
      readRoute("The node's latest state (driftguard/state@1)", 'nodes', named),
      async (request) => {
        const state = await deps.store.states.latestState(request.params.name);
        if (!state) throw new NotFoundError(`node ${request.params.name} has never reported`);
        return state;
      },
    );

    app.get<Named>(
      '/nodes/:name/drift',
      readRoute('Open drift findings of the node, with since when', 'nodes', named),
      async (request) => {
        await known(request.params.name);
        return {
          node: request.params.name,
          findings: (await deps.store.findings.open(`node:${request.params.name}`, 'drift')).map(timed),
        };
      },
    );

    app.get<Named>(
      '/nodes/:name/watch',
      readRoute(
        "Paths the node's roles watch: what its agent records in `files` besides the built-in list; `sensitive` ones by hash only",
        'nodes',
        named,
      ),
      async (request) => {
        const desired = deps.desired.desired;
        const declared = desired?.nodes[request.params.name] !== undefined;
        const list = desired ? watchListFor(desired, request.params.name) : { paths: [], sensitive: [] };
        return { node: request.params.name, declared, ...list };
      },
    );

    app.get<NamedSince>(
      '/nodes/:name/history',
      readRoute('Category versions collected since a time', 'nodes', namedSince),
      async (request) => {
        await known(request.params.name);
        const since = sinceInstant(request.query.since);
        return {
          node: request.params.name,
          since,
          versions: await deps.store.states.versionsSince(request.params.name, since),
        };
      },
    );

    app.get<NamedSince>(
      '/nodes/:name/changes',
      readRoute(
        'What changed on the node since a time: versions and the differences then → now',
        'nodes',
        namedSince,
      ),
      async (request) => changesSince(deps.store, request.params.name, sinceInstant(request.query.since)),
    );

    app.get<NamedSince>(
      '/nodes/:name/timeline',
      readRoute('Drift findings opened or resolved since a time', 'nodes', namedSince),
      async (request) => {
        await known(request.params.name);
        const since = sinceInstant(request.query.since);
        return {
          node: request.params.name,
          since,
          findings: (await deps.store.findings.changedSince(`node:${request.params.name}`, since)).map(timed),
        };
      },
    );
  };
}
