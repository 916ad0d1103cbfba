import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { packageVersion } from '../../shared/package-info';

/** The OpenAPI description of every route, generated from the route schemas, at /api/v1/openapi.json. */
export async function openApiRoutes(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'driftguard',
        version: packageVersion(),
        description: 'Node states, drift, parity and readiness of high-availability pairs.',
      },
      components: {
        securitySchemes: {
          token: { type: 'http', scheme: 'bearer', description: 'dg_… token from `driftguard token create`' },
        },
      },
      security: [{ token: [] }],
    },
  });
  app.get('/api/v1/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () =>
    app.swagger(),
  );
}
