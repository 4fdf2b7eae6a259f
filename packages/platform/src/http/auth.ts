import { HEADERS, MSN_PATTERN } from '@betal/contract';
import type { FastifyRequest } from 'fastify';
import { checkSystemHeaders } from './headers.js';
import type { SalesUnit } from '../domain/sales-unit.js';
import { FieldError } from '../domain/errors.js';
import { AuthError, type AuthService } from '../apis/accesstoken/service.js';
import { headerValue as header } from './headers.js';

const MSN = new RegExp(MSN_PATTERN);
const MSN_HEADER = HEADERS.merchantSerialNumber;

/**
 * The `Authorization` header as the token service reads it: `Bearer <token>`. The scheme is case-insensitive
 * (RFC 9110 section 11.1), so `bearer …` or `BEARER …` is taken, with a lint notice, since the spec and every
 * official example write `Bearer`.
 */
function authorizationOf(request: FastifyRequest): string | undefined {
  const value = header(request, HEADERS.authorization);
  const match = value === undefined ? null : /^(bearer)(\s+\S.*)$/i.exec(value);
  if (!match || match[1] === 'Bearer') return value;
  request.lintNotices.push(
    `Authorization scheme '${(match[1] as string).slice(0, 10)}' was taken as 'Bearer'; the spec writes 'Bearer'.`,
  );
  return `Bearer${match[2] as string}`;
}

/**
 * Authenticates a merchant API call as APIM and the API do: the subscription key (APIM 401), the bearer token
 * (401), the token and the key of the same sales unit (401), and the `Merchant-Serial-Number` header, which
 * must name that sales unit (403) and is required where `msnRequired` (400). Where `subscriptionKey` is
 * `'optional'` (Userinfo: its live reference no longer lists the header), a request without the key is
 * authenticated by its token alone; a key that is sent must still be valid. Returns the sales unit; throws
 * AuthError. Source: contract 1 (standard request headers), 3.9 (401, 403), 5.
 */
export async function authenticate(
  auth: AuthService,
  request: FastifyRequest,
  msnRequired: boolean,
  subscriptionKey: 'required' | 'optional' = 'required',
): Promise<SalesUnit> {
  const key = header(request, HEADERS.subscriptionKey);
  const keyUnit =
    subscriptionKey === 'optional' && (key === undefined || key === '')
      ? undefined
      : auth.unitForSubscriptionKey(key);
  const msn = await auth.verify(authorizationOf(request));
  const unit = keyUnit ?? auth.unitForMsn(msn);
  if (!unit || msn !== unit.msn) {
    throw new AuthError({
      kind: 'subscription-key',
      detail:
        'Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription.',
    });
  }
  const headerMsn = header(request, MSN_HEADER);
  if (headerMsn === undefined || headerMsn === '') {
    if (msnRequired) throw new FieldError(MSN_HEADER, `The ${MSN_HEADER} header is required.`);
  } else if (!MSN.test(headerMsn)) {
    throw new FieldError(MSN_HEADER, `The ${MSN_HEADER} header must be 4 to 10 digits.`);
  } else if (headerMsn !== unit.msn) {
    throw new AuthError({
      kind: 'merchant',
      detail: `${MSN_HEADER} ${headerMsn.slice(0, 20)} does not belong to the client of this access token.`,
    });
  }
  request.salesUnit = unit;
  return unit;
}

/** How an API authenticates its calls (see {@link authenticate}). */
export interface AuthOptions {
  /** The `Merchant-Serial-Number` header is required (ePayment, Order Management). */
  msnRequired: boolean;
  /** Userinfo: a request without the subscription key is authenticated by its token alone. */
  subscriptionKey?: 'required' | 'optional';
  /** Check the `Vipps-System-*` headers too, at most this many characters each (http/headers.ts). */
  systemHeaders?: number;
}

/**
 * The authentication of an API plugin, as a `preValidation` hook (after the body is parsed, before anything reads
 * it): puts the caller's sales unit on `request.salesUnit`, or throws AuthError / FieldError.
 */
export function authHook(auth: AuthService, options: AuthOptions) {
  return async (request: FastifyRequest): Promise<void> => {
    await authenticate(auth, request, options.msnRequired, options.subscriptionKey);
    if (options.systemHeaders !== undefined) checkSystemHeaders(request, options.systemHeaders);
  };
}

/** The sales unit {@link authHook} put on the request; a route without the hook has none (a bug: 500). */
export function salesUnitOf(request: FastifyRequest): SalesUnit {
  if (!request.salesUnit) throw new Error(`${request.routeOptions.url ?? request.url} is not authenticated`);
  return request.salesUnit;
}
