/**
 * Who is calling: a bearer token looked up in the store. Each route declares the access it
 * needs in its `config.access`; reads may be anonymous when the server allows it (by default
 * only when it listens on loopback).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthError } from '../shared/errors';
import type { Store, TokenInfo } from '../store';

export type Access = 'public' | 'read' | 'report' | 'admin';

declare module 'fastify' {
  interface FastifyRequest {
    caller?: TokenInfo;
  }
  interface FastifyContextConfig {
    access?: Access;
  }
}

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new AuthError('E_UNAUTHENTICATED', 'the Authorization header must be "Bearer <token>"');
  return match[1];
}

export function authHook(store: Store, options: { anonymousRead: boolean }) {
  return async function authenticate(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    if (request.routeOptions.url === undefined) return; // no such route: the 404 handler answers
    const access = request.routeOptions.config.access ?? 'admin';
    if (access === 'public') return;
    const token = bearerToken(request);
    if (token !== undefined) {
      const caller = await store.tokens.verify(token);
      if (!caller) throw new AuthError('E_UNAUTHENTICATED', 'unknown or revoked token');
      request.caller = caller;
    }
    const caller = request.caller;
    switch (access) {
      case 'read':
        if (caller || options.anonymousRead) return;
        throw new AuthError('E_UNAUTHENTICATED', 'a token is needed to read from this server');
      case 'report':
        if (!caller) throw new AuthError('E_UNAUTHENTICATED', 'a node token is needed to send reports');
        return; // which node it may report as is checked against the report itself
      case 'admin':
        if (!caller) throw new AuthError('E_UNAUTHENTICATED', 'an admin token is needed');
        if (caller.role !== 'admin')
          throw new AuthError(
            'E_FORBIDDEN',
            `a ${caller.role} token cannot do this: an admin token is needed`,
          );
        return;
    }
  };
}
