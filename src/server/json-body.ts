/**
 * JSON request bodies. Fastify's parser (secure-json-parse) refuses a body that would poison a
 * prototype (`__proto__`, `constructor.prototype`, also written with \u escapes) — by scanning
 * every body with two regular expressions after parsing it. A full report is 250 KB: the scans
 * cost as much as a fifth of its parse. A body that holds neither word and no \u escape cannot
 * spell either key, so it is parsed by JSON.parse alone; any other body goes through Fastify's
 * parser, which answers exactly as before (400 for poison, for bad JSON, for an empty body).
 */
import type { FastifyInstance } from 'fastify';

/** Whether the text could name `__proto__` or `constructor` as a key, directly or escaped. */
export function mayPoisonPrototype(text: string): boolean {
  return text.includes('proto') || text.includes('constructor') || text.includes('\\u');
}

export function parseJsonBodies(app: FastifyInstance): void {
  const guarded = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    if (!mayPoisonPrototype(text)) {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        void guarded(request, text, done); // its error for malformed or empty JSON, in the one shape
        return;
      }
      done(null, value);
      return;
    }
    void guarded(request, text, done);
  });
}
