/**
 * The dashboard's static files (web/, built into dist/web by `npm run build`), served by the
 * server itself as Prometheus serves its UI: no CDN, no second process. The files are public —
 * they hold no data; every view reads the API with the caller's token.
 */
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';
import * as fs from 'node:fs';
import * as path from 'node:path';
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

const NOT_BUILT = `<!doctype html><html lang="en"><meta charset="utf-8"><title>driftguard</title>
<body style="font:16px system-ui,sans-serif;margin:2em"><h1>driftguard</h1>
<p>The dashboard has not been built: run <code>npm run build</code> and reload. The API answers at <a href="/api/v1/openapi.json">/api/v1</a>.</p>`;

export function dashboardRoutes(webRoot: string): FastifyPluginAsync {
  return async (app) => {
    // Routes of this plugin (static files only) are public, whatever the plugin registers.
    app.addHook('onRoute', (options) => {
      options.config = { ...(options.config ?? {}), access: 'public' };
      options.schema = { ...(options.schema ?? {}), hide: true };
    });
    if (!fs.existsSync(path.join(webRoot, 'index.html'))) {
      app.get('/', { schema: { querystring: NO_QUERY } }, async (_request, reply) =>
        reply.code(503).type('text/html; charset=utf-8').send(NOT_BUILT),
      );
      return;
    }
    await app.register(fastifyStatic, {
      root: webRoot,
      // Files are looked up at request time, so a rebuild (an upgrade in place) is served without a
      // restart; a path that is no file reaches the one 404 handler.
      wildcard: true,
      index: 'index.html',
      cacheControl: false,
      // The bundle's names change with its content (app-HASH.js): cache those for good, and
      // index.html never, so a new build is seen at the next load.
      setHeaders: (res, file) => {
        res.setHeader(
          'cache-control',
          /-[A-Z0-9]{8}\.(js|css)$/.test(file) ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    });
  };
}
