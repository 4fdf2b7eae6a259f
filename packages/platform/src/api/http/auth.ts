import type { FastifyRequest } from 'fastify';
import type { SalesUnit } from '../../domain/sales-unit.js';
import { FieldError } from '../../domain/errors.js';
import { AuthError, type AuthService } from '../../services/auth.js';

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Authenticates a merchant API call as APIM and the API do: the subscription key (APIM 401), the bearer token
 * (401), the token and the key of the same sales unit (401), and the `Merchant-Serial-Number` header, which
 * must name that sales unit (403) and is required where `msnRequired` (400). Returns the sales unit; throws AuthError.
 * Source: contract 1 (standard request headers), 3.9 (401, 403).
 */
export async function authenticate(
  auth: AuthService,
  request: FastifyRequest,
  msnRequired: boolean,
): Promise<SalesUnit> {
  const unit = auth.unitForSubscriptionKey(header(request, 'ocp-apim-subscription-key'));
  const msn = await auth.verify(header(request, 'authorization'));
  if (msn !== unit.msn) {
    throw new AuthError({
      kind: 'subscription-key',
      detail:
        'Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription.',
    });
  }
  const headerMsn = header(request, 'merchant-serial-number');
  if (headerMsn === undefined || headerMsn === '') {
    if (msnRequired)
      throw new FieldError('Merchant-Serial-Number', 'The Merchant-Serial-Number header is required.');
  } else if (!/^[0-9]{4,10}$/.test(headerMsn)) {
    throw new FieldError(
      'Merchant-Serial-Number',
      'The Merchant-Serial-Number header must be 4 to 10 digits.',
    );
  } else if (headerMsn !== unit.msn) {
    throw new AuthError({
      kind: 'merchant',
      detail: `Merchant-Serial-Number ${headerMsn.slice(0, 20)} does not belong to the client of this access token.`,
    });
  }
  request.salesUnit = unit;
  return unit;
}
