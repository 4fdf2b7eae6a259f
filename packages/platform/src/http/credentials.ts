import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';

/** The cookie that carries the admin token in a browser, once `?admin_token=` has been given (internal/admin-guard.ts). */
export const ADMIN_COOKIE = 'betal_admin';

/** The value of cookie `name` in the request's `Cookie` header, percent-decoded; undefined when absent or malformed. */
export function cookieValue(request: FastifyRequest, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** The token of an `Authorization: Bearer <token>` header (the scheme in any case), or undefined. */
export function bearerToken(request: FastifyRequest): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
}

/** Compares two secrets in constant time, whatever their lengths (both are hashed first). */
export function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * True when the request carries `adminToken` as `Authorization: Bearer <token>`, an `x-betal-admin-token` header
 * or the {@link ADMIN_COOKIE} cookie. False when no admin token is configured. The one check behind the admin guard
 * of `/betal` and the customer side's view of test users' secrets (README "Threat model").
 */
export function carriesAdminToken(request: FastifyRequest, adminToken: string | undefined): boolean {
  if (!adminToken) return false;
  const header = request.headers['x-betal-admin-token'];
  const given =
    bearerToken(request) ??
    (typeof header === 'string' ? header : undefined) ??
    cookieValue(request, ADMIN_COOKIE);
  return given !== undefined && sameSecret(given, adminToken);
}
