import { findOrderLineTaxError, PROFILE_SCOPES, type CreatePaymentRequest } from '@betal/contract';
import { DomainError, FieldError } from './errors.js';
import type { NewPaymentEvent, Payment } from './payment.js';
import { MINIMUM_AMOUNT, type SalesUnit } from './sales-unit.js';

/** How long a payment nobody acts on stays CREATED: 10 minutes (contract 3.11). */
export const DEFAULT_PAYMENT_TTL_MS = 10 * 60 * 1000;
const MIN_LONG_LIVING_MS = 10 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Everything the create rules need besides the request; ids and time are given, never read. */
export interface CreateContext {
  salesUnit: SalesUnit;
  now: number;
  /** pspReference of the CREATED event (a UUID). */
  pspReference: string;
  /** Token of the payment's customer-facing URLs. */
  token: string;
  /** Whether http:// and localhost URLs are accepted (dev mode), with a lint notice. */
  allowInsecureUrls: boolean;
  /**
   * For PUSH_MESSAGE: whether the customer can receive a payment request from this merchant (known user,
   * allowed to pay businesses, old enough). Undefined when no customer was given.
   */
  customerEligible?: boolean;
  /** The phone number a personalQr or customerToken resolved to, if any. */
  resolvedPhoneNumber?: string;
}

/** A created payment, its CREATED event and what the developer should fix before going live. */
export interface CreateResult {
  payment: Payment;
  event: NewPaymentEvent;
  notices: string[];
}

const CUSTOM_SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:/;
/** Schemes that are not an app's: a browser would run or read them instead of opening an app. */
const NOT_APP_SCHEMES = new Set(['javascript:', 'vbscript:', 'data:', 'file:', 'blob:', 'about:']);
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '0.0.0.0']);

/** What {@link checkMerchantUrl} checks: one URL field of a request, in dev mode or not. */
export interface MerchantUrlCheck {
  /** The field's name as the refusal and the notice say it (`merchantLegalLinks.termsOfSaleUrl`). */
  field: string;
  value: string;
  /** Dev mode: http:// and localhost URLs are accepted, with a notice pushed to `notices`. */
  allowInsecure: boolean;
  notices: string[];
  /** Only a web page will do (https, or http in dev mode): an app scheme is refused with 4090 too. */
  webOnly?: boolean;
}

/**
 * The URL rule of returnUrl and receiptUrl: https, or a custom app scheme (contract 3.2); script, data and file
 * URLs are no app scheme and are refused with 4090. With `webOnly` (the merchant's legal links, which the app
 * opens as web pages) only https is allowed: an app scheme is 4090 too. http:// and https://localhost are refused with 4090 unless
 * `allowInsecureUrls` (dev mode), when they are accepted with a notice (README, "Behaviour where the contract is
 * uncertain").
 */
export function checkMerchantUrl(check: MerchantUrlCheck): void {
  const { field, value, allowInsecure, notices } = check;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new DomainError(4090, `Invalid URL in ${field}: '${value}' is not an absolute URL.`);
  }
  if (!CUSTOM_SCHEME.test(value) || NOT_APP_SCHEMES.has(url.protocol)) {
    throw new DomainError(4090, `Invalid URL in ${field}: it must use https:// or an app scheme.`);
  }
  if (check.webOnly && url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new DomainError(4090, `Invalid URL in ${field}: it must be an absolute https:// URL.`);
  }
  if (url.protocol === 'http:') {
    if (!allowInsecure)
      throw new DomainError(4090, `Invalid URL in ${field}: it must use https:// or an app scheme.`);
    notices.push(`${field} uses http://, which the real API refuses (4090); use https:// before going live.`);
  } else if (url.protocol === 'https:' && !url.hostname) {
    throw new DomainError(4090, `Invalid URL in ${field}: no host.`);
  } else if (
    url.protocol === 'https:' &&
    (LOCAL_HOSTS.has(url.hostname) || url.hostname.endsWith('.localhost'))
  ) {
    if (!allowInsecure)
      throw new DomainError(
        4090,
        `Invalid URL in ${field}: ${url.hostname} is not reachable for the user's phone.`,
      );
    notices.push(
      `${field} points to ${url.hostname}, which the real API refuses (4090); use a public https:// URL before going live.`,
    );
  }
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;

/**
 * An RFC 3339 date-time (as `expiresAt` is given) in epoch ms, or undefined when it is not one or names a day or
 * time that does not exist (2026-02-30, 24:00). `Date.parse` alone would roll such values over to another day.
 */
export function parseDateTime(text: string): number | undefined {
  const m = DATE_TIME.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (
    calendar.getUTCFullYear() !== year ||
    calendar.getUTCMonth() !== month - 1 ||
    calendar.getUTCDate() !== day
  ) {
    return undefined;
  }
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : at;
}

/** Parses `profile.scope` into its scopes: 4080 for an unknown or empty one, 5030 for nin without approval. */
export function parseScope(scope: string, salesUnit: SalesUnit): string[] {
  const scopes = scope.split(' ').filter((s) => s.length > 0);
  if (scopes.length === 0) throw new DomainError(4080, 'profile.scope is empty.');
  for (const s of scopes) {
    if (!(PROFILE_SCOPES as readonly string[]).includes(s)) {
      throw new DomainError(4080, `Invalid scope '${s}'. Allowed: ${PROFILE_SCOPES.join(', ')}.`);
    }
  }
  if (scopes.includes('nin') && !salesUnit.capabilities.ninScope) {
    throw new DomainError(5030, 'The nin scope needs special approval for this sales unit.');
  }
  return [...new Set(scopes)];
}

function checkMetadata(metadata: Record<string, string>): void {
  const keys = Object.keys(metadata);
  if (keys.length > 5) throw new DomainError(4100, `Metadata holds at most 5 pairs; got ${keys.length}.`);
  const seen = new Set<string>();
  for (const key of keys) {
    const folded = key.toLowerCase();
    if (seen.has(folded)) throw new DomainError(4110, `Metadata key '${key}' is given twice.`);
    seen.add(folded);
    if (key.length > 100)
      throw new DomainError(4120, `Metadata key '${key.slice(0, 20)}…' is longer than 100 characters.`);
    const value = metadata[key] ?? '';
    if (value.length > 500)
      throw new DomainError(4130, `Metadata value of '${key}' is longer than 500 characters.`);
  }
}

/**
 * Applies every create rule of contract 3.2 and 3.12 that the schema cannot express, and builds the CREATED
 * payment. Throws DomainError (with its code) or FieldError (a named field, no code).
 */
export function createPayment(req: CreatePaymentRequest, ctx: CreateContext): CreateResult {
  const { salesUnit, now } = ctx;
  const notices: string[] = [];
  const flow = req.userFlow;
  const method = req.paymentMethod.type;

  if (req.shipping !== undefined) {
    throw new DomainError(
      5020,
      'Express is not supported by this platform yet: the field shipping (Express checkout) cannot be used; create the payment without shipping.',
      undefined,
      'shipping',
    );
  }
  if (req.amount.currency !== salesUnit.currency) {
    throw new DomainError(
      5040,
      `The sales unit ${salesUnit.msn} takes ${salesUnit.currency}, not ${req.amount.currency}.`,
    );
  }
  const minimum = MINIMUM_AMOUNT[req.amount.currency];
  if (req.amount.value < minimum) {
    throw new DomainError(
      6010,
      `The amount must be at least ${minimum} minor units of ${req.amount.currency}.`,
    );
  }
  if (method === 'CARD') {
    if (flow !== 'WEB_REDIRECT')
      throw new DomainError(4160, 'paymentMethod CARD works only with userFlow WEB_REDIRECT.');
    throw new DomainError(4160, 'paymentMethod CARD cannot be used in the test environment; use WALLET.');
  }
  if (req.paymentMethod.blockedSources?.length && salesUnit.market !== 'DK' && salesUnit.market !== 'FI') {
    throw new DomainError(5010, 'blockedSources applies to Danish and Finnish sales units only.');
  }

  const customer = req.customer;
  if (customer) {
    const given = [customer.phoneNumber, customer.personalQr, customer.customerToken].filter(
      (v) => v !== undefined,
    );
    if (given.length !== 1) {
      throw new FieldError('customer', 'Specify exactly one of phoneNumber, personalQr and customerToken.');
    }
    if (customer.personalQr !== undefined && ctx.resolvedPhoneNumber === undefined) {
      throw new DomainError(4060, 'The personalQr is not a personal QR of any user.');
    }
    if (customer.customerToken !== undefined && ctx.resolvedPhoneNumber === undefined) {
      throw new DomainError(4050, 'The customerToken is not known.');
    }
  }

  if (flow === 'PUSH_MESSAGE') {
    if (!customer) throw new DomainError(4140, 'userFlow PUSH_MESSAGE needs a customer.');
    if (!salesUnit.capabilities.pushMessage) {
      throw new DomainError(5080, 'This sales unit is not approved for PUSH_MESSAGE (skip landing page).');
    }
    if (ctx.customerEligible === false) throw new DomainError(7010, 'Customer not found.');
  }
  if (flow === 'WEB_REDIRECT' && req.returnUrl === undefined) {
    throw new DomainError(4140, 'userFlow WEB_REDIRECT needs a returnUrl.');
  }
  const checkUrl = (field: string, value: string, webOnly = false) =>
    checkMerchantUrl({ field, value, allowInsecure: ctx.allowInsecureUrls, notices, webOnly });
  if (req.returnUrl !== undefined) checkUrl('returnUrl', req.returnUrl);
  if (req.receiptUrl !== undefined && req.receiptUrl !== null) checkUrl('receiptUrl', req.receiptUrl);
  if (req.merchantLegalLinks) {
    const links = req.merchantLegalLinks;
    checkUrl('merchantLegalLinks.termsOfSaleUrl', links.termsOfSaleUrl, true);
    checkUrl('merchantLegalLinks.privacyPolicyUrl', links.privacyPolicyUrl, true);
  }
  if (req.qrFormat && flow !== 'QR')
    notices.push(`qrFormat is only used with userFlow QR and was ignored for ${flow}.`);

  let expiresAt = now + DEFAULT_PAYMENT_TTL_MS;
  const longLiving = req.expiresAt !== undefined && req.expiresAt !== null;
  if (longLiving) {
    if (!salesUnit.capabilities.longLiving) {
      throw new DomainError(5050, 'This sales unit is not approved for long-living payments (expiresAt).');
    }
    if (flow !== 'PUSH_MESSAGE' && flow !== 'QR') {
      throw new FieldError('expiresAt', `ExpiresAt not allowed: cannot set ExpiresAt for flow ${flow}.`);
    }
    if (!req.receipt) throw new DomainError(6130, 'A long-living payment (expiresAt) needs a receipt.');
    const at = parseDateTime(req.expiresAt as string);
    if (at === undefined)
      throw new FieldError('expiresAt', 'The field ExpiresAt is not a valid RFC 3339 date-time.');
    if (at <= now + MIN_LONG_LIVING_MS)
      throw new DomainError(6120, 'expiresAt must be more than 10 minutes ahead.');
    const maxDays = salesUnit.capabilities.maxLongLivingDays;
    if (at >= now + maxDays * DAY_MS)
      throw new DomainError(6110, `expiresAt must be less than ${maxDays} days ahead.`);
    expiresAt = at;
  }

  const profileScope =
    req.profile?.scope !== undefined ? parseScope(req.profile.scope, salesUnit) : undefined;
  if (req.metadata) checkMetadata(req.metadata);
  if (req.receipt) {
    const taxError = findOrderLineTaxError(req.receipt);
    if (taxError) throw new FieldError(`receipt.orderLines[${taxError.index}]`, taxError.reason);
    if (req.receipt.bottomLine.currency !== req.amount.currency) {
      throw new FieldError(
        'receipt.bottomLine.currency',
        'The receipt currency must be the payment currency.',
      );
    }
  }
  if (req.customerInteraction === undefined && flow === 'QR') {
    notices.push('customerInteraction is recommended as CUSTOMER_PRESENT with userFlow QR.');
  }

  const payment: Payment = {
    msn: salesUnit.msn,
    reference: req.reference,
    pspReference: ctx.pspReference,
    state: 'CREATED',
    currency: req.amount.currency,
    value: req.amount.value,
    aggregate: { authorized: 0, captured: 0, refunded: 0, cancelled: 0 },
    userFlow: flow,
    paymentMethod: method,
    token: ctx.token,
    createdAt: now,
    expiresAt,
    details: {
      ...(customer ? { customer } : {}),
      ...(req.returnUrl !== undefined ? { returnUrl: req.returnUrl } : {}),
      ...(req.paymentDescription !== undefined ? { paymentDescription: req.paymentDescription } : {}),
      ...(req.paymentMethod.blockedSources ? { blockedSources: req.paymentMethod.blockedSources } : {}),
      ...(req.qrFormat && flow === 'QR'
        ? {
            qrFormat: {
              format: req.qrFormat.format,
              ...(req.qrFormat.size ? { size: req.qrFormat.size } : {}),
            },
          }
        : {}),
      ...(profileScope ? { profileScope } : {}),
      ...(req.minimumUserAge !== undefined && req.minimumUserAge !== null
        ? { minimumUserAge: req.minimumUserAge }
        : {}),
      customerInteraction: req.customerInteraction ?? 'CUSTOMER_NOT_PRESENT',
      ...(req.receipt ? { receipt: req.receipt } : {}),
      ...(req.receiptUrl ? { receiptUrl: req.receiptUrl } : {}),
      ...(req.merchantLegalLinks
        ? {
            merchantLegalLinks: {
              termsOfSaleUrl: req.merchantLegalLinks.termsOfSaleUrl,
              privacyPolicyUrl: req.merchantLegalLinks.privacyPolicyUrl,
            },
          }
        : {}),
      ...(req.metadata ? { metadata: req.metadata } : {}),
      ...(req.industryData ? { industryData: req.industryData } : {}),
      longLiving,
    },
  };
  const event: NewPaymentEvent = {
    name: 'CREATED',
    pspReference: ctx.pspReference,
    amount: req.amount.value,
    timestamp: now,
    idempotencyKey: null,
    success: true,
  };
  return { payment, event, notices };
}

/**
 * The redirectUrl a userFlow gets (contract 3.3), built on the platform's public base URL: the landing page for
 * WEB_REDIRECT; a universal app link (standing in for `vipps://`) for NATIVE_REDIRECT; for QR the image URL, or
 * with TEXT/TARGETURL the landing URL the QR encodes; none for PUSH_MESSAGE.
 */
export function redirectUrlFor(
  baseUrl: string,
  payment: Pick<Payment, 'userFlow' | 'token' | 'details'>,
): string | undefined {
  const token = encodeURIComponent(payment.token);
  switch (payment.userFlow) {
    case 'WEB_REDIRECT':
      return `${baseUrl}/landing?token=${token}`;
    case 'NATIVE_REDIRECT':
      return `${baseUrl}/app/open?token=${token}`;
    case 'QR': {
      const format = payment.details.qrFormat?.format ?? 'IMAGE/SVG+XML';
      if (format === 'TEXT/TARGETURL') return `${baseUrl}/landing?token=${token}`;
      if (format === 'IMAGE/PNG')
        return `${baseUrl}/qr/v1?token=${token}&format=png&size=${payment.details.qrFormat?.size ?? 1024}`;
      return `${baseUrl}/qr/v1?token=${token}&format=svg`;
    }
    case 'PUSH_MESSAGE':
      return undefined;
  }
}
