import {
  USERINFO_CLAIMS_BY_SCOPE,
  USERINFO_RETENTION_HOURS,
  type Userinfo,
  type UserinfoAddress,
} from '@betal/contract';
import type { Clock } from '../../clock.js';
import { ApiError } from '../../kernel/errors.js';
import type { TestUser } from '../../domain/test-user.js';
import type { PlatformStore } from '../../storage/ports.js';

/** How long after the consent the claims can be fetched, in ms: 168 hours (contract 3.13). */
export const USERINFO_RETENTION_MS = USERINFO_RETENTION_HOURS * 3600 * 1000;

function addressOf(user: TestUser): UserinfoAddress {
  const a = user.address;
  return {
    street_address: a.streetAddress,
    postal_code: a.postalCode,
    region: a.city,
    country: a.country,
    formatted: `${a.streetAddress}\n${a.postalCode} ${a.city}`,
    address_type: 'home',
    default: true,
  };
}

/**
 * The claims of `user` that `scopes` release, with `sub`, by the contract's USERINFO_CLAIMS_BY_SCOPE: name → name, given_name,
 * family_name; email → email, email_verified; phoneNumber → phone_number (a string MSISDN); birthDate →
 * birthdate (`YYYY-MM-DD`); address → address (the default, `home`) and other_addresses (the test users have one
 * address, so it is empty); nin → nin. Unknown scopes release nothing.
 */
export function claimsFor(user: TestUser, sub: string, scopes: readonly string[]): Userinfo {
  const all: Required<Omit<Userinfo, 'sub'>> = {
    name: user.name,
    given_name: user.givenName,
    family_name: user.familyName,
    email: user.email,
    email_verified: true,
    phone_number: user.phoneNumber,
    birthdate: user.birthDate,
    address: addressOf(user),
    other_addresses: [],
    nin: user.nin,
  };
  const claims: Record<string, unknown> = { sub };
  for (const [scope, released] of Object.entries(USERINFO_CLAIMS_BY_SCOPE)) {
    if (scopes.includes(scope)) for (const claim of released) claims[claim] = all[claim];
  }
  return claims as Userinfo;
}

/**
 * The Userinfo API (contract 5): what a user consented to share with one sales unit, found by the `sub` that
 * GET payment showed. Consents are recorded per user and MSN when a payment with `profile.scope` is authorized
 * (in the app or by force approve; see PaymentService.approveAs).
 */
export class UserinfoService {
  constructor(
    private readonly store: PlatformStore,
    private readonly clock: Clock,
  ) {}

  /**
   * `GET /vipps-userinfo-api/userinfo/{sub}` for sales unit `msn`: exactly the consented claims. Throws
   * ApiError 404 when this MSN has no consent under `sub` (unknown, another MSN's, or the user is gone)
   * and 403 when the latest consent was given more than 168 hours ago on the platform clock.
   */
  async get(msn: string, sub: string): Promise<Userinfo> {
    const consent = await this.store.findConsentBySub(msn, sub);
    const user = consent && (await this.store.findUser(consent.phoneNumber));
    if (!consent || !user) {
      throw new ApiError(404, `No user has shared profile data with this merchant under sub '${sub}'.`);
    }
    const age = this.clock.now() - consent.grantedAt;
    if (age > USERINFO_RETENTION_MS) {
      throw new ApiError(
        403,
        `The user's consent under this sub was given ${Math.floor(age / 3_600_000)} hours ago; profile data can ` +
          `only be fetched within ${USERINFO_RETENTION_HOURS} hours of it. Ask for the scopes in a new payment.`,
      );
    }
    return claimsFor(user, consent.sub, consent.scopes);
  }
}
