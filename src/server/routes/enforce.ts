/**
 * Enforcement over the API (admin token for anything that changes nodes): make a plan from the
 * stored states, approve it, run it (over SSH or through the agents), follow its progress as a
 * server-sent event stream, list runs and the audit log (read only: there is no route that
 * edits it), restore a run. A node's agent takes its work and answers here with its own token.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { PLAN_ID_PATTERN, RUN_ID_PATTERN } from '../../app/enforce/run-ids';
import { actorOf } from '../../app/enforce/service';
import type { AgentResult } from '../../model/agent-work';
import { changesOf } from '../../model/plan';
import type { RunEvent, RunStatus } from '../../model/run';
import { validateState } from '../../model/validate-state';
import { NotFoundError } from '../../shared/errors';
import { summaryOf } from '../../store/runs';
import type { ServerDeps } from '../app';
import { openEventStream } from '../event-stream';
import { NAME_PARAMS, readRoute, route } from './schemas';

const NODE_NAME = NAME_PARAMS.properties.name.pattern;

const idParams = (pattern: string) =>
  ({
    type: 'object',
    additionalProperties: false,
    required: ['id'],
    properties: { id: { type: 'string', pattern } },
  }) as const;

const PLAN_BODY = {
  type: 'object',
  additionalProperties: false,
  required: ['target'],
  properties: {
    target: { type: 'string', pattern: `^((pair|node|role):)?[A-Za-z0-9][A-Za-z0-9._-]{0,252}$` },
    via: { enum: ['ssh', 'agent'] },
    maxNodesPerWave: { type: 'integer', minimum: 1, maximum: 1000 },
  },
} as const;

const RUN_BODY = {
  type: 'object',
  additionalProperties: false,
  properties: { dryRun: { type: 'boolean' } },
} as const;

const RESTORE_BODY = {
  type: 'object',
  additionalProperties: false,
  properties: { node: { type: 'string', pattern: NODE_NAME }, dryRun: { type: 'boolean' } },
} as const;

const RESULT_BODY = {
  type: 'object',
  additionalProperties: false,
  required: ['runId', 'node'],
  properties: {
    runId: { type: 'string', pattern: RUN_ID_PATTERN },
    node: { type: 'string', pattern: NODE_NAME },
    refused: { type: 'string', maxLength: 4000 },
    outcome: { type: 'object' },
    state: { type: 'object' },
  },
} as const;

const LIST_QUERY = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'string', pattern: '^[0-9]{1,4}$' },
    status: { enum: ['running', 'succeeded', 'failed', 'refused', 'abandoned'] },
  },
} as const;

type Id = { Params: { id: string } };

function limitOf(text: string | undefined, fallback: number): number {
  return Math.max(1, Math.min(1000, text === undefined ? fallback : Number(text)));
}

/** Server-sent events of a run: what happened so far (after Last-Event-ID), then live until it ends. */
async function streamRun(deps: ServerDeps, request: FastifyRequest<Id>, reply: FastifyReply): Promise<void> {
  const runId = request.params.id;
  if (!(await deps.store.runs.get(runId))) throw new NotFoundError(`no run ${runId}`);
  const stream = openEventStream(request, reply);
  let last = Number(request.headers['last-event-id'] ?? 0) || 0;
  /** Sends what was not sent yet; true when the run is over. */
  const send = (event: RunEvent): boolean => {
    if (event.seq > last) {
      last = event.seq;
      stream.send(event.type, event, event.seq);
    }
    return event.type === 'run-finished';
  };
  // Subscribe before replaying, so nothing falls between the two; `send` drops what was sent.
  const unsubscribe = deps.enforcer?.events.subscribe(runId, (event) => {
    if (send(event)) stream.close();
  });
  if (unsubscribe) stream.onClose(unsubscribe);
  for (const event of await deps.store.runs.events(runId, last)) {
    if (send(event)) return stream.close();
  }
  if ((await deps.store.runs.get(runId))?.status !== 'running') stream.close();
}

export function enforceRoutes(deps: ServerDeps): FastifyPluginAsync {
  const enforcer = () => {
    if (!deps.enforcer) throw new NotFoundError('this server does not enforce');
    return deps.enforcer;
  };
  return async (app) => {
    app.post<{ Body: { target: string; via?: 'ssh' | 'agent'; maxNodesPerWave?: number } }>(
      '/plans',
      route('admin', 'Make a plan for a target from the stored states', 'enforcement', { body: PLAN_BODY }),
      async (request, reply) => {
        const stored = await enforcer().createPlan(request.body, actorOf(request.caller));
        deps.live.publish({ type: 'plan', planId: stored.id, at: deps.now().toISOString() });
        return reply.code(201).send(stored);
      },
    );

    app.get<{ Querystring: { limit?: string } }>(
      '/plans',
      readRoute('Plans, newest first', 'enforcement', { querystring: LIST_QUERY }),
      async (request) => ({
        plans: (await deps.store.plans.list(limitOf(request.query.limit, 50))).map(({ plan, ...rest }) => ({
          ...rest,
          changes: changesOf(plan).length,
          advice: plan.fixes.filter((f) => f.action === 'advice').length,
        })),
      }),
    );

    app.get<Id>(
      '/plans/:id',
      readRoute('One plan, with every fix and diff', 'enforcement', {
        params: idParams(PLAN_ID_PATTERN),
      }),
      async (request) => enforcer().plan(request.params.id),
    );

    app.post<Id>(
      '/plans/:id/approve',
      route('admin', 'Approve a plan', 'enforcement', { params: idParams(PLAN_ID_PATTERN) }),
      async (request) => {
        const approved = await enforcer().approve(request.params.id, actorOf(request.caller));
        deps.live.publish({ type: 'plan', planId: approved.id, at: deps.now().toISOString() });
        return approved;
      },
    );

    app.post<Id & { Body: { dryRun?: boolean } | undefined }>(
      '/plans/:id/run',
      route(
        'admin',
        'Run an approved plan (a dry run needs no approval); 409 when a node is being changed by another run',
        'enforcement',
        { params: idParams(PLAN_ID_PATTERN), body: RUN_BODY },
      ),
      async (request, reply) => {
        const started = await enforcer().runPlan(
          request.params.id,
          { dryRun: request.body?.dryRun ?? false },
          actorOf(request.caller),
        );
        return reply
          .code(202)
          .send({ run: summaryOf(started.record), events: `/api/v1/runs/${started.record.id}/events` });
      },
    );

    app.get<{ Querystring: { limit?: string; status?: RunStatus } }>(
      '/runs',
      readRoute('Runs — CLI, API, schedules, agents alike — newest first', 'enforcement', {
        querystring: LIST_QUERY,
      }),
      async (request) => ({
        runs: await deps.store.runs.list({
          limit: limitOf(request.query.limit, 50),
          ...(request.query.status ? { status: request.query.status } : {}),
        }),
      }),
    );

    app.get<Id>(
      '/runs/:id',
      readRoute('One run: every fix, its files before and after, its commands', 'enforcement', {
        params: idParams(RUN_ID_PATTERN),
      }),
      async (request) => {
        const run = await deps.store.runs.get(request.params.id);
        if (!run) throw new NotFoundError(`no run ${request.params.id}`);
        return run;
      },
    );

    app.get<Id>(
      '/runs/:id/events',
      readRoute('The progress of a run as server-sent events (replayed, then live)', 'enforcement', {
        params: idParams(RUN_ID_PATTERN),
      }),
      async (request, reply) => streamRun(deps, request, reply),
    );

    app.post<Id & { Body: { node?: string; dryRun?: boolean } | undefined }>(
      '/runs/:id/restore',
      route('admin', "Put a run's backups back (over SSH)", 'enforcement', {
        params: idParams(RUN_ID_PATTERN),
        body: RESTORE_BODY,
      }),
      async (request) => {
        const body = request.body ?? {};
        return enforcer().restore(
          request.params.id,
          { ...(body.node ? { node: body.node } : {}), dryRun: body.dryRun ?? false },
          actorOf(request.caller),
        );
      },
    );

    app.get<{ Querystring: { limit?: string } }>(
      '/audit',
      readRoute('The audit log, newest first (append-only: no route changes it)', 'enforcement', {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { limit: LIST_QUERY.properties.limit },
        },
      }),
      async (request) => ({
        events: await deps.store.audit.list({ limit: limitOf(request.query.limit, 200) }),
      }),
    );

    app.get('/locks', readRoute('Nodes being changed now, and by which run', 'enforcement'), async () => ({
      locks: await deps.store.runs.locks(),
    }));

    app.get<{ Params: { name: string } }>(
      '/nodes/:name/work',
      route(
        'report',
        'Whether work waits for the node (its agent starts its apply unit then)',
        'enforcement',
        {
          params: NAME_PARAMS,
        },
      ),
      async (request) => enforcer().pendingWork(request.params.name, request.caller!),
    );

    app.post<{ Params: { name: string } }>(
      '/nodes/:name/work/claim',
      route('report', "The node's agent takes its released work (its own node token)", 'enforcement', {
        params: NAME_PARAMS,
      }),
      async (request, reply) => {
        const work = await enforcer().claimWork(request.params.name, request.caller!);
        return work ? reply.send({ work }) : reply.code(204).send();
      },
    );

    app.post<{ Params: { id: string; name: string }; Body: AgentResult }>(
      '/runs/:id/nodes/:name/result',
      route('report', "The node's agent answers with what it did and a fresh state", 'enforcement', {
        params: {
          type: 'object',
          additionalProperties: false,
          required: ['id', 'name'],
          properties: { id: { type: 'string', pattern: RUN_ID_PATTERN }, name: NAME_PARAMS.properties.name },
        },
        body: RESULT_BODY,
      }),
      async (request) => {
        const result = request.body;
        if (result.state) validateState(result.state, `the state in the answer of ${request.params.name}`);
        await enforcer().takeAnswer(request.params.id, request.params.name, result, request.caller!);
        return { taken: true };
      },
    );
  };
}
