/**
 * The dashboard's static files (web/, built into dist/web by `npm run build`), served by the
 * server itself as Prometheus serves its UI: no CDN, no second process. The files are public —
 * they hold no data; every view reads the API with the caller's token.
 */
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NotFoundError } from '../../shared/errors';
import { NO_QUERY } from './schemas';

/** dist/web of this package, wherever it is installed (the server runs from dist/src/server). */
export function defaultWebRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return path.join(dir, 'dist', 'web');
}

/** Names in the build's folder: no slashes, no dot files. */
const FILE_PARAMS = {
  type: 'object',
  additionalProperties: false,
  required: ['file'],
  properties: { file: { type: 'string', pattern: '^[A-Za-z0-9_-][A-Za-z0-9._-]{0,200}$' } },
} as const;

const HASHED = /-[A-Z0-9]{8}\.(js|css)$/;

/** The dashboard's files are public (they hold no data) and left out of the API's description. */
const fileRoute = (schema: object) => ({
  config: { access: 'public' as const },
  schema: { hide: true, ...schema },
});

const NOT_BUILT = `<!doctype html><html lang="en"><meta charset="utf-8"><title>driftguard</title>
<body style="font:16px system-ui,sans-serif;margin:2em"><h1>driftguard</h1>
<p>The dashboard has not been built: run <code>npm run build</code> and reload. The API answers at <a href="/api/v1/openapi.json">/api/v1</a>.</p>`;

export function dashboardRoutes(webRoot: string): FastifyPluginAsync {
  return async (app) => {
    if (!fs.existsSync(path.join(webRoot, 'index.html'))) {
      app.get('/', fileRoute({ querystring: NO_QUERY }), async (_request, reply) =>
        reply.code(503).type('text/html; charset=utf-8').send(NOT_BUILT),
      );
      return;
    }
    // @fastify/static only sends files (range, ETag, content type); the routes are ours: `/` and
    // one path segment (the bundle's files), looked up at request time so a rebuild (an upgrade
    // in place) is served without a restart. A catch-all route would also swallow every unknown
    // /api path — and the router's own answers, such as 414 for a path parameter too long.
    await app.register(fastifyStatic, { root: webRoot, serve: false });
    const send = (reply: FastifyReply, file: string) =>
      reply
        // The bundle's names change with its content (app-HASH.js): cache those for good, and
        // index.html never, so a new build is seen at the next load.
        .header('cache-control', HASHED.test(file) ? 'public, max-age=31536000, immutable' : 'no-cache')
        .sendFile(file, { cacheControl: false });
    app.get('/', fileRoute({ querystring: NO_QUERY }), async (_request, reply) => send(reply, 'index.html'));
    app.get<{ Params: { file: string } }>(
      '/:file',
      fileRoute({ params: FILE_PARAMS }),
      async (request, reply) => {
        const file = request.params.file;
        if (!fs.statSync(path.join(webRoot, file), { throwIfNoEntry: false })?.isFile())
          throw new NotFoundError(`no route GET ${request.url}`);
        return send(reply, file);
      },
    );
  };
}
