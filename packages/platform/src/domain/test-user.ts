import type { UserDetails } from '@betal/contract';
import type { Market } from './sales-unit.js';

/** A postal address of a test user, in the parts UserInfo's `address` claim is built from. */
export interface TestUserAddress {
  streetAddress: string;
  postalCode: string;
  city: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
}

/**
 * A simulated customer of the test environment: who can be asked for money, who approves in the app.
 * Source: contract 3.10 (test users), 3.13 and 5 (the profile they share).
 */
export interface TestUser {
  /** MSISDN, digits only, e.g. `4712345678`. */
  phoneNumber: string;
  name: string;
  givenName: string;
  familyName: string;
  email: string;
  address: TestUserAddress;
  /** `YYYY-MM-DD`. */
  birthDate: string;
  /** National identity number, 11 digits. */
  nin: string;
  market: Market;
  /** Whether the user may pay businesses (users under 15 may not, contract 3.14). */
  canPayBusinesses: boolean;
  /** Whether the app is installed on the user's phone. */
  appInstalled: boolean;
  /** The token a merchant gets for this user from a QR check-in (`customer.customerToken`). */
  customerToken: string;
}

/** Age in whole years on the date `now` (epoch ms, UTC). */
export function ageOn(birthDate: string, now: number): number {
  const [y, m, d] = birthDate.split('-').map(Number) as [number, number, number];
  const today = new Date(now);
  let age = today.getUTCFullYear() - y;
  const month = today.getUTCMonth() + 1;
  if (month < m || (month === m && today.getUTCDate() < d)) age -= 1;
  return age;
}

/** The youngest age at which a user may pay businesses (contract 3.14). */
export const MINIMUM_AGE_TO_PAY_BUSINESSES = 15;

/**
 * Whether `user` may be asked to pay a payment with `minimumUserAge` (undefined: no limit) at `now`.
 * An unknown user, one who may not pay businesses, one under 15 or under the limit is not (7010, generic).
 */
export function isEligible(
  user: TestUser | undefined,
  minimumUserAge: number | undefined,
  now: number,
): boolean {
  if (!user || !user.canPayBusinesses) return false;
  const age = ageOn(user.birthDate, now);
  if (age < MINIMUM_AGE_TO_PAY_BUSINESSES) return false;
  return minimumUserAge === undefined || age >= minimumUserAge;
}

/** The phone number inside a personal QR's content (`https://qr.vipps.no/.../4712345678?v=1`), if any. */
export function phoneFromPersonalQr(content: string): string | undefined {
  const match = /(?:^|\/)(\d{10,15})(?:[?#/]|$)/.exec(content);
  return match?.[1];
}

/**
 * The `userDetails` a payment shows once `user` authorized it with profile sharing (ePayment v1.8.1): exactly the
 * fields of the consented `scopes`. name → `firstName`, `lastName`; email → `email`; phoneNumber →
 * `mobileNumber` (MSISDN string); birthDate → `birthDate` (`YYYY-MM-DD`); address → `addresses` (the user's one
 * address). `nin` releases nothing here (only the Userinfo API gives it). Undefined when no scope gives a field.
 */
export function userDetailsOf(user: TestUser, scopes: readonly string[]): UserDetails | undefined {
  const has = (scope: string) => scopes.includes(scope);
  const a = user.address;
  const details: UserDetails = {
    ...(has('name') ? { firstName: user.givenName, lastName: user.familyName } : {}),
    ...(has('email') ? { email: user.email } : {}),
    ...(has('phoneNumber') ? { mobileNumber: user.phoneNumber } : {}),
    ...(has('birthDate') ? { birthDate: user.birthDate } : {}),
    ...(has('address')
      ? {
          addresses: [
            { addressLine1: a.streetAddress, city: a.city, country: a.country, postCode: a.postalCode },
          ],
        }
      : {}),
  };
  return Object.keys(details).length > 0 ? details : undefined;
}
