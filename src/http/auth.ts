import type { FastifyRequest } from 'fastify';
import { DomainError } from '../domain/errors.ts';
import type { Scope } from '../domain/records.ts';
import type { AccountService, Principal } from '../domain/services/account-service.ts';

/** What a route needs: `manage` = 2fa:manage; `send` = 2fa:manage or 2fa:pin:send; `any` = any live key. */
export type RouteAccess = 'manage' | 'send' | 'any' | 'public';

declare module 'fastify' {
  interface FastifyContextConfig { access?: RouteAccess }
  interface FastifyRequest { principal?: Principal }
}

const ACCEPTS: Record<Exclude<RouteAccess, 'public'>, readonly Scope[]> = {
  manage: ['2fa:manage'],
  send: ['2fa:manage', '2fa:pin:send'],
  any: ['2fa:manage', '2fa:pin:send'],
};

/** `Authorization: App <key>` (Infobip's scheme) or `Bearer <key>` (the same key). */
export function createAuthHook(accounts: AccountService) {
  return async function authenticate(request: FastifyRequest): Promise<void> {
    const access = request.routeOptions.config.access ?? 'public';
    if (access === 'public') return;
    const header = request.headers.authorization;
    const match = header ? /^(App|Bearer)\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) {
      throw new DomainError('UNAUTHORIZED', header
        ? 'Unsupported Authorization header: use "Authorization: App <api key>" (or "Bearer <api key>")'
        : 'Missing credentials: send "Authorization: App <api key>"');
    }
    const principal = await accounts.authenticate(match[2] as string);
    if (!principal) throw new DomainError('UNAUTHORIZED', 'Invalid or revoked API key');
    if (!ACCEPTS[access].some((s) => principal.scopes.includes(s))) {
      throw new DomainError('FORBIDDEN', `This API key lacks the scope for this endpoint: it needs ${ACCEPTS[access].join(' or ')}`);
    }
    request.principal = principal;
  };
}

export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new DomainError('UNAUTHORIZED', 'Missing credentials: send "Authorization: App <api key>"');
  return request.principal;
}
