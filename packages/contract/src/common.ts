import { Type, type Static } from '@sinclair/typebox';
import { StringEnum } from './schema-helpers.js';

/**
 * The markets of the two brands: Vipps in Norway and Sweden, MobilePay in Denmark and Finland (ISO 3166-1
 * alpha-2). A sales unit and a test user each belong to one; the currency must match it (contract 3.2, 5040).
 */
export const MARKETS = ['NO', 'SE', 'DK', 'FI'] as const;
export type Market = (typeof MARKETS)[number];

/** ISO 4217 currencies the ePayment API accepts. Source: contract 3.2 (`amount.currency`). */
export const CURRENCIES = ['NOK', 'DKK', 'EUR'] as const;
export type Currency = (typeof CURRENCIES)[number];
const CurrencySchema = StringEnum(CURRENCIES, {
  description: 'ISO 4217 currency code.',
  examples: ['NOK'],
});

/**
 * An amount of money: `value` in minor units (øre, cents), an integer from 0 to 65 000 000.
 * Source: contract 1 (Amounts) and 3.2 (`amount`).
 */
export const AmountSchema = Type.Object(
  {
    currency: CurrencySchema,
    value: Type.Integer({
      minimum: 0,
      maximum: 65_000_000,
      format: 'int64',
      description: 'Minor units.',
      examples: [49900],
    }),
  },
  { additionalProperties: false },
);
export type Amount = Static<typeof AmountSchema>;

/** One `{name, reason}` pair of a Problem's `extraDetails`. Source: contract 3.9. */
const ExtraDetailSchema = Type.Object({ name: Type.String(), reason: Type.String() });
export type ExtraDetail = Static<typeof ExtraDetailSchema>;

/**
 * RFC 7807 problem body of the ePayment API (`application/problem+json`). Domain errors carry their numeric
 * code as `extraDetails: [{name: 'ErrorCode', reason: '6080'}]`. Source: contract 1 (Error body) and 3.9.
 */
export const ProblemSchema = Type.Object(
  {
    type: Type.String({ format: 'uri' }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
    traceId: Type.String(),
    extraDetails: Type.Optional(Type.Union([Type.Array(ExtraDetailSchema), Type.Null()])),
  },
  {},
);
export type Problem = Static<typeof ProblemSchema>;

/**
 * Merchant Serial Number: the sales unit's id, 4 to 10 digits. The specs disagree (contract 1: ePayment `^[0-9]{4,7}$`,
 * Access Token `^[0-9]{4,6}$`, the events page `^[0-9]{4,10}$`); Betal takes the widest, so that no MSN a spec
 * allows is refused. The one pattern for the header and for `msn` in payloads.
 */
export const MSN_PATTERN = '^[0-9]{4,10}$';
export const MsnSchema = Type.String({
  pattern: MSN_PATTERN,
  minLength: 4,
  maxLength: 10,
  examples: ['123456'],
});

/** A customer's phone number as the APIs take it: MSISDN, country code and number, 10-15 digits. Contract 3.2. */
export const PHONE_NUMBER_PATTERN = '^\\d{10,15}$';
export const PhoneNumberSchema = Type.String({
  pattern: PHONE_NUMBER_PATTERN,
  minLength: 10,
  maxLength: 15,
  examples: ['4712345678'],
});

/** The longest `Idempotency-Key` the ePayment API takes. Contract 1 and 3.8. */
export const IDEMPOTENCY_KEY_MAX_LENGTH = 50;

/** The standard request headers of the merchant APIs, as the specs write them (contract 1). */
export const HEADERS = {
  authorization: 'Authorization',
  subscriptionKey: 'Ocp-Apim-Subscription-Key',
  merchantSerialNumber: 'Merchant-Serial-Number',
  idempotencyKey: 'Idempotency-Key',
  /** Access Token only: the client credentials travel as headers (contract 2). */
  clientId: 'client_id',
  clientSecret: 'client_secret',
} as const;

/** The `Vipps-System-*` headers: optional, at most 30 characters each on ePayment. Source: contract 1. */
export const SYSTEM_HEADERS = [
  'Vipps-System-Name',
  'Vipps-System-Version',
  'Vipps-System-Plugin-Name',
  'Vipps-System-Plugin-Version',
] as const;
