import { Type, type Static } from '@sinclair/typebox';

/**
 * Schemas of the Userinfo API (contract 5, `specs/userinfo.yaml` 2.0.3): the claims a user consented to share
 * with one sales unit, by profile scope, and the API's error body.
 */

/** Which claims each profile scope releases. Contract 5 (scope table). `sub` is always present. */
export const USERINFO_CLAIMS_BY_SCOPE = {
  name: ['name', 'given_name', 'family_name'],
  email: ['email', 'email_verified'],
  phoneNumber: ['phone_number'],
  birthDate: ['birthdate'],
  address: ['address', 'other_addresses'],
  nin: ['nin'],
} as const;

/** How long after consent the merchant may fetch the claims, in hours (contract 3.13). */
export const USERINFO_RETENTION_HOURS = 168;

/**
 * A postal address claim: street, postal code, region (city), 2-letter country, the address formatted as
 * `street\npostcode city`, its kind (`home`, `work` or `other`) and whether it is the default. Contract 5.
 */
const UserinfoAddressSchema = Type.Object(
  {
    street_address: Type.String(),
    postal_code: Type.String(),
    region: Type.String(),
    country: Type.String({ pattern: '^[A-Z]{2}$' }),
    formatted: Type.String(),
    address_type: Type.Union([Type.Literal('home'), Type.Literal('work'), Type.Literal('other')]),
    default: Type.Boolean(),
  },
  {},
);
export type UserinfoAddress = Static<typeof UserinfoAddressSchema>;

/**
 * 200 answer of `GET /vipps-userinfo-api/userinfo/{sub}`: `sub` and exactly the claims of the consented scopes.
 * `phone_number` is an MSISDN string such as `"4791234567"`; `birthdate` is `YYYY-MM-DD`; `nin` 11 digits.
 * Contract 5.
 */
export const UserinfoSchema = Type.Object(
  {
    sub: Type.String(),
    name: Type.Optional(Type.String()),
    given_name: Type.Optional(Type.String()),
    family_name: Type.Optional(Type.String()),
    email: Type.Optional(Type.String()),
    email_verified: Type.Optional(Type.Boolean()),
    phone_number: Type.Optional(Type.String({ pattern: '^\\d{8,15}$' })),
    birthdate: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })),
    address: Type.Optional(UserinfoAddressSchema),
    other_addresses: Type.Optional(Type.Array(UserinfoAddressSchema)),
    nin: Type.Optional(Type.String({ pattern: '^\\d{11}$' })),
  },
  {},
);
export type Userinfo = Static<typeof UserinfoSchema>;

/**
 * The Userinfo API's error body: `{type, title, status, detail, instance, extraInfo?}`. `status` is a string
 * here (the spec types it so), unlike the ePayment Problem; `instance` is the request's trace id. Contract 5.
 */
export const UserinfoErrorSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.String(),
    detail: Type.String(),
    instance: Type.String(),
    extraInfo: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  {},
);
export type UserinfoError = Static<typeof UserinfoErrorSchema>;
