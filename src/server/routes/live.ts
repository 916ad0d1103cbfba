/**
 * What the dashboard needs besides the resources themselves: who the caller is (so it shows an
 * admin's buttons only to admins) and the live stream of what changed.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { WhoAmI } from '../../model/api';
import type { LiveEvent } from '../../model/live';
import type { ServerDeps } from '../app';
import { openEventStream } from '../event-stream';
import { readRoute } from './schemas';

export function liveRoutes(deps: ServerDeps): FastifyPluginAsync {
  return async (app) => {
    app.get('/whoami', readRoute('The caller: its role, and the server clock', 'server'), async (request) => {
      const caller = request.caller;
      const answer: WhoAmI = { role: caller?.role ?? 'anonymous', serverTime: deps.now().toISOString() };
      if (caller?.label) answer.label = caller.label;
      if (caller?.node) answer.node = caller.node;
      return answer;
    });

    app.get(
      '/events',
      readRoute(
        'What changes, live, as server-sent events: node-reported, node-evaluated, readiness, run, plan, desired (model/live.ts); each names what changed, the resources say what it is now',
        'server',
      ),
      async (request, reply) => {
        const stream = openEventStream(request, reply);
        stream.send('hello', { serverTime: deps.now().toISOString() });
        stream.onClose(deps.live.subscribe((event: LiveEvent) => stream.send(event.type, event)));
      },
    );
  };
}
