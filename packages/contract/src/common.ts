import { Type, type Static } from '@sinclair/typebox';
import { StringEnum } from './schema-helpers.js';

/** ISO 4217 currencies the ePayment API accepts. Source: contract 3.2 (`amount.currency`). */
export const CURRENCIES = ['NOK', 'DKK', 'EUR'] as const;
export type Currency = (typeof CURRENCIES)[number];
export const CurrencySchema = StringEnum(CURRENCIES, {
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
export const ExtraDetailSchema = Type.Object({ name: Type.String(), reason: Type.String() });
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

/** Merchant Serial Number: the sales unit's id, 4-7 digits. Source: contract 1 (headers). */
export const MsnSchema = Type.String({
  pattern: '^[0-9]{4,7}$',
  minLength: 4,
  maxLength: 7,
  examples: ['123456'],
});

/** The `Vipps-System-*` headers: optional, at most 30 characters each on ePayment. Source: contract 1. */
export const SystemHeaderNames = [
  'vipps-system-name',
  'vipps-system-version',
  'vipps-system-plugin-name',
  'vipps-system-plugin-version',
] as const;
