/**
 * Reading what people type into the merchant's forms: amounts, phone numbers, quantities, dates and short texts.
 * Each reader answers the value or a sentence that says what is wrong and how to fix it, never throws. Pure.
 * Source: contract 1 (amounts in minor units, MSISDN phone numbers), 3.2 (limits of create), 3.12 (expiresAt).
 */

import { PHONE_NUMBER_PATTERN, formatMoney } from '@betal/contract';

/** What a reader answers: the value, or a message for the person who typed it. */
export type Read<T> = { ok: true; value: T } | { ok: false; message: string };

const ok = <T>(value: T): Read<T> => ({ ok: true, value });
const fail = <T>(message: string): Read<T> => ({ ok: false, message });

/** The largest amount of a payment, in minor units (contract 3.2: 65 000 000). */
export const MAX_AMOUNT_MINOR = 65_000_000;

/** The smallest amount of a payment per currency, in minor units (contract 3.2, error 6010). */
export const MIN_AMOUNT_MINOR: Readonly<Record<string, number>> = { NOK: 100, DKK: 1, EUR: 1 };

/**
 * Formats minor units for people in the merchant's language (English): `12345, 'NOK'` → `NOK 123.45`,
 * `123450, 'NOK'` → `NOK 1,234.50`. The one amount format of Betal's pages (`formatMoney` of the contract
 * package, Intl.NumberFormat with `en-GB`); negative values get a minus sign.
 */
export function formatAmount(minor: number, currency: string): string {
  return formatMoney(Math.trunc(minor), currency, MERCHANT_LOCALE);
}

/** The locale of the merchant's pages (they are in English): amounts and dates follow it. */
export const MERCHANT_LOCALE = 'en-GB';

/** Formats minor units for an input field: `12345` → `123.45`. */
export function amountInputValue(minor: number): string {
  return `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}`;
}

/**
 * Reads an amount in major units as people type it (`249`, `249.50`, `249,5`, `1 249.00`) into minor units of
 * `currency`. Refused: empty, not a number, more than 2 decimals, zero or negative, below the currency's minimum
 * (NOK 1.00; contract 3.2, 6010), above `max` minor units (default 65 000 000).
 */
export function readAmount(
  input: string | undefined,
  currency: string,
  options: { max?: number; min?: number; field?: string } = {},
): Read<number> {
  const field = options.field ?? 'The amount';
  const text = (input ?? '').trim().replace(/[\s\u00a0]/g, '');
  if (text === '') return fail(`${field} is missing: type an amount such as 249.50.`);
  if (text.startsWith('-')) return fail(`${field} must be more than zero.`);
  const m = /^(\d+)(?:[.,](\d*))?$/.exec(text);
  if (!m) return fail(`${field} "${input?.trim()}" is not a number: type digits, e.g. 249.50.`);
  const decimals = m[2] ?? '';
  if (decimals.length > 2)
    return fail(`${field} can have at most 2 decimals (${currency} 0.01 is the smallest unit).`);
  const whole = m[1]!.replace(/^0+(?=\d)/, '');
  if (whole.length > 12) return fail(`${field} is far too large.`);
  const minor = Number(whole) * 100 + Number(decimals.padEnd(2, '0'));
  if (minor <= 0) return fail(`${field} must be more than zero.`);
  const min = options.min ?? MIN_AMOUNT_MINOR[currency] ?? 1;
  if (minor < min) return fail(`${field} must be at least ${formatAmount(min, currency)}.`);
  const max = options.max ?? MAX_AMOUNT_MINOR;
  if (minor > max) return fail(`${field} can be at most ${formatAmount(max, currency)}.`);
  return ok(minor);
}

/** The country code of a market's own phone numbers, for 8-digit numbers typed without it. */
const COUNTRY_CODE_BY_CURRENCY: Readonly<Record<string, string>> = { NOK: '47', DKK: '45' };

const PHONE_NUMBER = new RegExp(PHONE_NUMBER_PATTERN);

/**
 * Reads a phone number into an MSISDN (contract 1: country code and number, digits only): spaces, dashes, dots
 * and parentheses are dropped, and a leading `+` or `00`. An 8-digit number gets the country code of the
 * merchant's market (47 for NOK, 45 for DKK). The result must have 10 to 15 digits (contract 3.2).
 */
export function readPhoneNumber(input: string | undefined, currency = 'NOK'): Read<string> {
  const raw = (input ?? '').trim();
  if (raw === '') return fail('The phone number is missing: type it with the country code, e.g. 4791234567.');
  let digits = raw.replace(/[\s\u00a0\-.()]/g, '');
  if (digits.startsWith('+')) digits = digits.slice(1);
  else if (digits.startsWith('00')) digits = digits.slice(2);
  if (!/^\d+$/.test(digits)) {
    return fail(`The phone number "${raw}" may only hold digits (and a leading +), e.g. 4791234567.`);
  }
  const cc = COUNTRY_CODE_BY_CURRENCY[currency];
  if (digits.length === 8 && cc) digits = cc + digits;
  if (!PHONE_NUMBER.test(digits)) {
    return fail(
      `The phone number "${raw}" must have 10 to 15 digits with the country code, e.g. 4791234567.`,
    );
  }
  return ok(digits);
}

/** Reads a whole quantity from 1 to `max` (default 99). */
export function readQuantity(input: string | undefined, max = 99): Read<number> {
  const text = (input ?? '').trim();
  if (!/^\d+$/.test(text)) return fail(`The quantity "${text}" must be a whole number from 1 to ${max}.`);
  const n = Number(text);
  if (n < 1 || n > max) return fail(`The quantity must be from 1 to ${max}.`);
  return ok(n);
}

/**
 * Reads a short text (a description) of `min` to `max` characters after trimming. The payment description of
 * create must have 3 to 100 characters (contract 3.2).
 */
export function readText(
  input: string | undefined,
  field: string,
  options: { min?: number; max?: number } = {},
): Read<string> {
  const text = (input ?? '').trim().replace(/\s+/g, ' ');
  const min = options.min ?? 1;
  const max = options.max ?? 100;
  if (text.length < min) {
    return fail(text === '' ? `${field} is missing.` : `${field} must have at least ${min} characters.`);
  }
  if (text.length > max) return fail(`${field} can have at most ${max} characters (it has ${text.length}).`);
  return ok(text);
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The calendar date (UTC) of an instant: epoch ms → `YYYY-MM-DD`. */
export function dateOf(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

/** The longest a long-living payment may live, in days (contract 3.12: less than 60). */
export const MAX_DUE_DAYS = 59;
/** The shortest a long-living payment may live (contract 3.12: more than 10 minutes), with a minute to spare. */
export const MIN_LONG_LIVING_MS = 11 * 60 * 1000;

/**
 * Reads an invoice's due date (`YYYY-MM-DD`, as a date input sends it) at `now` (epoch ms). The invoice's
 * payment request lives until the end of that day (23:59:59 UTC), which must be more than 10 minutes and less
 * than 60 days ahead (contract 3.12, errors 6120 and 6110): so the date is today at the earliest (before
 * 23:48 UTC) and at most {@link MAX_DUE_DAYS} days ahead. Answers the date and the `expiresAt` (RFC 3339).
 */
export function readDueDate(
  input: string | undefined,
  now: number,
): Read<{ dueDate: string; expiresAt: string }> {
  const text = (input ?? '').trim();
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return fail('The due date is missing or not a date: pick one, e.g. 2026-12-31.');
  const at = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (Number.isNaN(at) || dateOf(at) !== text) return fail(`The due date ${text} does not exist.`);
  const end = at + DAY_MS - 1000;
  const today = dateOf(now);
  if (text < today) return fail(`The due date ${text} is in the past (today is ${today}).`);
  if (end - now < MIN_LONG_LIVING_MS) {
    return fail(`The due date ${text} is too close: the request must stay open more than 10 minutes.`);
  }
  const last = dateOf(now + MAX_DUE_DAYS * DAY_MS);
  if (text > last) return fail(`The due date can be at most ${MAX_DUE_DAYS} days ahead (${last}).`);
  return ok({ dueDate: text, expiresAt: new Date(end).toISOString().replace('.000Z', 'Z') });
}
