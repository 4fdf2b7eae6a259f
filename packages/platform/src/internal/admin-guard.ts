import { randomBytes } from 'node:crypto';
import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { PlatformConfig } from '../config.js';
import { ApiError } from '../kernel/errors.js';
import type { PlatformStore } from '../storage/ports.js';
import { ADMIN_COOKIE, carriesAdminToken, sameSecret } from '../http/credentials.js';

export { ADMIN_COOKIE };

/** The query parameter a person adds once to a dashboard URL to sign in with the admin token. */
export const ADMIN_QUERY = 'admin_token';
const SETTING = 'admin_token';

/**
 * True when the request may use the admin endpoints: always in dev mode; otherwise when it carries the admin token
 * (`config.adminToken`) as `Authorization: Bearer <token>` or in the `betal_admin` cookie. Compared in constant
 * time. False outside dev mode when no admin token is configured.
 */
export function isAdminRequest(request: FastifyRequest, config: PlatformConfig): boolean {
  return config.devMode || carriesAdminToken(request, config.adminToken);
}

/**
 * The admin token to use: `configured` when given (env `BETAL_ADMIN_TOKEN`, `--admin-token`), else the one kept
 * in the store's settings, else a new random one (32 bytes, base64url) that is saved there so that it survives
 * restarts. `generated` is true only when it was made now (the CLI prints it then).
 */
export async function resolveAdminToken(
  store: PlatformStore,
  configured: string | undefined,
): Promise<{ token: string; generated: boolean }> {
  if (configured) return { token: configured, generated: false };
  const kept = await store.getSetting(SETTING);
  if (kept) return { token: kept, generated: false };
  const token = randomBytes(32).toString('base64url');
  await store.setSetting(SETTING, token);
  return { token, generated: true };
}

function decoded(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** The refusal of an admin path without the admin token: 401 with `WWW-Authenticate: Bearer realm="betal-admin"`. */
function refusal(): ApiError {
  return new ApiError(
    401,
    'This endpoint needs the admin token outside dev mode: send it as "Authorization: Bearer <token>", or open ' +
      `the page once with ?${ADMIN_QUERY}=<token> in a browser. The token was printed at the platform's first ` +
      'start (or set with BETAL_ADMIN_TOKEN).',
    { headers: { 'www-authenticate': 'Bearer realm="betal-admin"' } },
  );
}

/**
 * The admin guard as an `onRequest` hook, for the one encapsulated context of internal/index.ts that holds the
 * admin routes (and for requests that matched no route under an admin section): outside dev mode a request
 * without the admin token gets 401 Problem with `WWW-Authenticate: Bearer realm="betal-admin"` (an ApiError,
 * rendered by the one error handler). A `GET` with a correct `?admin_token=` sets the token as an HttpOnly,
 * SameSite=Strict cookie for `/betal` (Secure when the public URL is https) and is redirected (303) to the same
 * URL without the parameter, so that a person can use the dashboard in a browser and the token leaves the address
 * bar. A wrong `?admin_token=` is 401 like a missing one. In dev mode everything passes.
 */
export function adminGuard(config: PlatformConfig): onRequestAsyncHookHandler {
  const secure = (config.publicBaseUrl ?? '').startsWith('https:');
  return async (request, reply) => {
    if (config.devMode) return;
    const [path = '', query = ''] = request.url.split('?', 2);
    const params = new URLSearchParams(query);
    const offered = params.get(ADMIN_QUERY);
    if (offered !== null && request.method === 'GET' && config.adminToken) {
      if (!sameSecret(offered, config.adminToken)) throw refusal();
      params.delete(ADMIN_QUERY);
      const rest = params.toString();
      return reply
        .header(
          'set-cookie',
          `${ADMIN_COOKIE}=${encodeURIComponent(offered)}; Path=/betal; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`,
        )
        .header('cache-control', 'no-store')
        .redirect(rest ? `${path}?${rest}` : path, 303);
    }
    if (!isAdminRequest(request, config)) throw refusal();
  };
}

/**
 * The section of a `/betal` path: its first segment after `/betal/` (decoded, so `%64ashboard` is `dashboard`),
 * e.g. `dashboard` for `/betal/dashboard/payments/1/r`; undefined for a path outside `/betal/`.
 */
export function betalSection(path: string): string | undefined {
  return /^\/betal\/([^/?]+)/.exec(decoded(path))?.[1];
}
