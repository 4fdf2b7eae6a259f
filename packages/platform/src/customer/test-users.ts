import { MARKETS, PHONE_NUMBER_PATTERN, PIN_PATTERN, StringEnum } from '@betal/contract';
import { Type, type Static } from '@sinclair/typebox';
import { FieldError } from '../domain/errors.js';
import type { Market } from '../domain/sales-unit.js';
import type { TestUser } from '../domain/test-user.js';

/** A phone number as the API takes it: MSISDN, country code and number, 10-15 digits (contract 1). */
export const PhoneNumberSchema = Type.String({
  pattern: PHONE_NUMBER_PATTERN,
  description: 'MSISDN: country code and number, digits only, e.g. 4712345678.',
});

const AddressSchema = Type.Object(
  {
    streetAddress: Type.String({ minLength: 1, maxLength: 200 }),
    postalCode: Type.String({ minLength: 1, maxLength: 20 }),
    city: Type.String({ minLength: 1, maxLength: 100 }),
    country: Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2.' }),
  },
  { additionalProperties: false },
);

const fields = {
  name: Type.String({ minLength: 1, maxLength: 100, description: 'Full name, e.g. "Kari Nordmann".' }),
  givenName: Type.String({
    minLength: 1,
    maxLength: 100,
    description: 'Default: the name but its last word.',
  }),
  familyName: Type.String({ minLength: 1, maxLength: 100, description: "Default: the name's last word." }),
  email: Type.String({ format: 'email', maxLength: 200, description: 'Default: given.family@example.com.' }),
  address: AddressSchema,
  birthDate: Type.String({ format: 'date', description: 'YYYY-MM-DD.' }),
  nin: Type.String({
    pattern: '^[0-9]{6}[0-9A-Z+-][0-9A-Z]{3,4}$',
    description: 'National identity number (10-11 characters). Default: derived from birth date and phone.',
  }),
  market: StringEnum(MARKETS, {
    description: 'NO, SE, DK or FI. Default: from the country code of the phone number.',
  }),
  canPayBusinesses: Type.Boolean({ description: 'Whether the user may pay businesses. Default true.' }),
  appInstalled: Type.Boolean({
    description: "Whether the app is installed on the user's phone. Default true.",
  }),
  pin: Type.String({
    pattern: PIN_PATTERN,
    description:
      'The PIN to sign in to the app with outside dev mode: 4 to 8 digits. Kept hashed, never returned.',
  }),
};

/** A test user's fields besides the phone number, as a new user gives them: name and birth date are required. */
const userFields = {
  name: fields.name,
  birthDate: fields.birthDate,
  givenName: Type.Optional(fields.givenName),
  familyName: Type.Optional(fields.familyName),
  email: Type.Optional(fields.email),
  address: Type.Optional(fields.address),
  nin: Type.Optional(fields.nin),
  market: Type.Optional(fields.market),
  canPayBusinesses: Type.Optional(fields.canPayBusinesses),
  appInstalled: Type.Optional(fields.appInstalled),
  pin: Type.Optional(fields.pin),
};

/** The body of `POST /betal/users`: a new test user. Phone number, name and birth date are required. */
export const NewTestUserSchema = Type.Object(
  { phoneNumber: PhoneNumberSchema, ...userFields },
  { additionalProperties: false },
);
export type NewTestUser = Static<typeof NewTestUserSchema>;

/** The body of `PATCH /betal/users/{phoneNumber}`: the fields to change. The phone number is the user's identity. */
export const TestUserChangesSchema = Type.Partial(Type.Object(userFields), { additionalProperties: false });
export type TestUserChanges = Static<typeof TestUserChangesSchema>;

/** A test user as the users API answers it (the stored TestUser). */
export const TestUserSchema = Type.Object({
  phoneNumber: Type.String(),
  name: Type.String(),
  givenName: Type.String(),
  familyName: Type.String(),
  email: Type.String(),
  address: AddressSchema,
  birthDate: Type.String(),
  nin: Type.Optional(
    Type.String({ description: 'Only with the admin token (or in dev mode when none is configured).' }),
  ),
  market: fields.market,
  canPayBusinesses: Type.Boolean(),
  appInstalled: Type.Boolean(),
  customerToken: Type.Optional(
    Type.String({
      description:
        'What a QR check-in gives the merchant (customer.customerToken). Only with the admin token (or in dev mode when none is configured).',
    }),
  ),
});

/** The market of a phone number's country code: 47 Norway, 46 Sweden, 45 Denmark, 358 Finland (else Norway). */
export function marketOfPhone(phoneNumber: string): Market {
  if (phoneNumber.startsWith('358')) return 'FI';
  if (phoneNumber.startsWith('46')) return 'SE';
  if (phoneNumber.startsWith('45')) return 'DK';
  return 'NO';
}

const DEFAULT_CITY: Record<Market, { postalCode: string; city: string }> = {
  NO: { postalCode: '0150', city: 'Oslo' },
  SE: { postalCode: '111 20', city: 'Stockholm' },
  DK: { postalCode: '1050', city: 'København K' },
  FI: { postalCode: '00100', city: 'Helsinki' },
};

function splitName(name: string): { givenName: string; familyName: string } {
  const words = name.trim().split(/\s+/);
  if (words.length < 2) return { givenName: words[0] ?? name, familyName: words[0] ?? name };
  return { givenName: words.slice(0, -1).join(' '), familyName: words[words.length - 1] as string };
}

function checkBirthDate(birthDate: string, now: number): void {
  if (Date.parse(`${birthDate}T00:00:00Z`) > now) {
    throw new FieldError('birthDate', 'The field BirthDate must not be in the future.');
  }
}

/**
 * A new TestUser from the create body, with the documented defaults (names split from `name`, email,
 * address in the market's capital, a national id from birth date and phone number, may pay businesses, app
 * installed). Throws FieldError for a birth date in the future. `now` is epoch ms on the platform clock.
 */
export function newTestUser(input: NewTestUser, now: number): TestUser {
  checkBirthDate(input.birthDate, now);
  const names = splitName(input.name);
  const givenName = input.givenName ?? names.givenName;
  const familyName = input.familyName ?? names.familyName;
  const market = input.market ?? marketOfPhone(input.phoneNumber);
  const [y, m, d] = input.birthDate.split('-') as [string, string, string];
  const slug = (s: string) =>
    s
      .normalize('NFKD')
      .replace(/[^A-Za-z0-9]+/g, '')
      .toLowerCase() || 'user';
  return {
    phoneNumber: input.phoneNumber,
    name: input.name.trim(),
    givenName,
    familyName,
    email: input.email ?? `${slug(givenName)}.${slug(familyName)}@example.com`,
    address: input.address ?? {
      streetAddress: 'Testveien 1',
      ...DEFAULT_CITY[market],
      country: market,
    },
    birthDate: input.birthDate,
    nin: input.nin ?? `${d}${m}${y.slice(2)}${input.phoneNumber.slice(-5)}`,
    market,
    canPayBusinesses: input.canPayBusinesses ?? true,
    appInstalled: input.appInstalled ?? true,
    customerToken: `ct-${input.phoneNumber}`,
  };
}

/**
 * The user with `changes` applied. A new `name` without given or family name splits into both again.
 * Throws FieldError for a birth date in the future.
 */
export function changeTestUser(user: TestUser, changes: TestUserChanges, now: number): TestUser {
  if (changes.birthDate !== undefined) checkBirthDate(changes.birthDate, now);
  const names = changes.name !== undefined ? splitName(changes.name) : undefined;
  const next: TestUser = { ...user };
  for (const [key, value] of Object.entries(changes)) {
    if (value !== undefined) (next as unknown as Record<string, unknown>)[key] = value;
  }
  if (names) {
    next.name = changes.name!.trim();
    next.givenName = changes.givenName ?? names.givenName;
    next.familyName = changes.familyName ?? names.familyName;
  }
  return next;
}
