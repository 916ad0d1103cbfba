import type { FastifyPluginAsync } from 'fastify';
import { changesSince, listNodes, requireKnownNode, timed } from '../../app/queries';
import { watchPathsFor } from '../../desired';
import { NotFoundError } from '../../shared/errors';
import type { ServerDeps } from '../app';
import { NAME_PARAMS, NO_QUERY, SINCE_QUERY } from './schemas';

type Named = { Params: { name: string } };
type NamedSince = Named & { Querystring: { since: string } };

/** Nodes: the list, and each node's state, drift, history and timeline. */
export function nodeRoutes(deps: ServerDeps): FastifyPluginAsync {
  const read = { access: 'read' as const };
  return async (app) => {
    app.get(
      '/nodes',
      {
        config: read,
        schema: {
          summary: 'Every node, declared or reporting, with last-seen time and drift counts',
          tags: ['nodes'],
          querystring: NO_QUERY,
        },
      },
      async () => ({
        nodes: listNodes(deps.store, deps.desired.desired, deps.now()),
      }),
    );

    app.get<Named>(
      '/nodes/:name/state',
      {
        config: read,
        schema: {
          summary: "The node's latest state (driftguard/state@1)",
          tags: ['nodes'],
          params: NAME_PARAMS,
          querystring: NO_QUERY,
        },
      },
      async (request) => {
        const state = deps.store.states.latestState(request.params.name);
        if (!state) throw new NotFoundError(`node ${request.params.name} has never reported`);
        return state;
      },
    );

    app.get<Named>(
      '/nodes/:name/drift',
      {
        config: read,
        schema: {
          summary: 'Open drift findings of the node, with since when',
          tags: ['nodes'],
          params: NAME_PARAMS,
          querystring: NO_QUERY,
        },
      },
      async (request) => {
        requireKnownNode(deps.store, deps.desired.desired, request.params.name);
        return {
          node: request.params.name,
          findings: deps.store.findings.open(`node:${request.params.name}`, 'drift').map(timed),
        };
      },
    );

    app.get<Named>(
      '/nodes/:name/watch',
      {
        config: read,
        schema: {
          summary:
            "Paths the node's roles watch: what its agent records in `files` besides the built-in list",
          tags: ['nodes'],
          params: NAME_PARAMS,
          querystring: NO_QUERY,
        },
      },
      async (request) => {
        const desired = deps.desired.desired;
        const declared = desired?.nodes[request.params.name] !== undefined;
        return {
          node: request.params.name,
          declared,
          paths: declared && desired ? watchPathsFor(desired, request.params.name) : [],
        };
      },
    );

    app.get<NamedSince>(
      '/nodes/:name/history',
      {
        config: read,
        schema: {
          summary: 'Category versions collected since a time',
          tags: ['nodes'],
          params: NAME_PARAMS,
          querystring: SINCE_QUERY,
        },
      },
      async (request) => {
        requireKnownNode(deps.store, deps.desired.desired, request.params.name);
        return {
          node: request.params.name,
          since: request.query.since,
          versions: deps.store.states.versionsSince(request.params.name, request.query.since),
        };
      },
    );

    app.get<NamedSince>(
      '/nodes/:name/changes',
      {
        config: read,
        schema: {
          summary: 'What changed on the node since a time: versions and the differences then → now',
          tags: ['nodes'],
          params: NAME_PARAMS,
          querystring: SINCE_QUERY,
        },
      },
      async (request) => changesSince(deps.store, request.params.name, request.query.since),
    );

    app.get<NamedSince>(
      '/nodes/:name/timeline',
      {
        config: read,
        schema: {
          summary: 'Drift findings opened or resolved since a time',
          tags: ['nodes'],
          params: NAME_PARAMS,
          querystring: SINCE_QUERY,
        },
      },
      async (request) => {
        requireKnownNode(deps.store, deps.desired.desired, request.params.name);
        return {
          node: request.params.name,
          since: request.query.since,
          findings: deps.store.findings
            .changedSince(`node:${request.params.name}`, request.query.since)
            .map(timed),
        };
      },
    );
  };
}
