import type { FastifyPluginAsync } from 'fastify';
import { NotFoundError, RequestError } from '../../shared/errors';
import type { TokenRole } from '../../store';
import type { ServerDeps } from '../app';
import { NO_QUERY } from './schemas';

const TOKEN_BODY = {
  type: 'object',
  additionalProperties: false,
  required: ['role'],
  properties: {
    role: { enum: ['node', 'admin', 'reader'] },
    node: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$' },
    label: { type: 'string', maxLength: 200 },
  },
} as const;

const ID_PARAMS = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id: { type: 'string', pattern: '^[0-9]{1,12}$' } },
} as const;

/** The desired state's status and reload; token management. */
export function adminRoutes(deps: ServerDeps): FastifyPluginAsync {
  return async (app) => {
    app.get(
      '/desired',
      {
        config: { access: 'read' },
        schema: {
          summary: 'The desired state in use, and the last refused edit',
          tags: ['desired'],
          querystring: NO_QUERY,
        },
      },
      async () => deps.desired.statusReport,
    );

    app.post(
      '/desired/reload',
      {
        config: { access: 'admin' },
        schema: { summary: 'Load the desired-state folder again', tags: ['desired'], querystring: NO_QUERY },
      },
      async (_request, reply) => {
        // A changed desired state is evaluated by the holder's onChange listener (serve.ts).
        const result = await deps.desired.reloadInBackground();
        return reply
          .code(result.ok ? 200 : 422)
          .send(
            result.ok
              ? { reloaded: true, changed: result.changed, status: deps.desired.statusReport }
              : { error: result.error.toJSON() },
          );
      },
    );

    app.post<{ Body: { role: TokenRole; node?: string; label?: string } }>(
      '/tokens',
      {
        config: { access: 'admin' },
        schema: {
          summary: 'Create a token; the answer is the only time its secret is shown',
          tags: ['tokens'],
          body: TOKEN_BODY,
        },
      },
      async (request, reply) => {
        const { role, node, label } = request.body;
        if ((role === 'node') !== (node !== undefined))
          throw new RequestError('a node token names its node, and only a node token does');
        const created = await deps.store.tokens.create({ role, node, label }, deps.now().toISOString());
        return reply.code(201).send({ token: created.token, ...created.info });
      },
    );

    app.get(
      '/tokens',
      {
        config: { access: 'admin' },
        schema: { summary: 'Every token (never the secrets)', tags: ['tokens'], querystring: NO_QUERY },
      },
      async () => ({
        tokens: await deps.store.tokens.list(),
      }),
    );

    app.delete<{ Params: { id: string } }>(
      '/tokens/:id',
      {
        config: { access: 'admin' },
        schema: { summary: 'Revoke a token', tags: ['tokens'], params: ID_PARAMS },
      },
      async (request) => {
        if (!(await deps.store.tokens.revoke(Number(request.params.id), deps.now().toISOString()))) {
          throw new NotFoundError(`no live token ${request.params.id}`);
        }
        return { revoked: Number(request.params.id) };
      },
    );
  };
}
