import type {
  Currency,
  Customer,
  MerchantLegalLinks,
  PaymentEventName,
  PaymentMethodType,
  PaymentState,
  QrFormat,
  Receipt,
  UserDetails,
  UserFlow,
} from '@betal/contract';
import { standardDetail } from '@betal/contract';
import type { CustomerSide } from './customer-flow.js';
import { DomainError } from './errors.js';

/** Running sums of a payment in minor units of its currency (contract 3.6). */
export interface AggregateAmounts {
  authorized: number;
  captured: number;
  refunded: number;
  cancelled: number;
}

/**
 * What a merchant sent on create that is kept with the payment but does not take part in the state machine.
 * Amount fields are minor units.
 */
export interface PaymentDetails {
  customer?: Customer;
  /** The phone number of the test user `customer` resolved to (phoneNumber, personalQr or customerToken). */
  customerPhoneNumber?: string;
  returnUrl?: string;
  paymentDescription?: string;
  blockedSources?: string[];
  qrFormat?: { format: QrFormat; size?: number };
  profileScope?: string[];
  minimumUserAge?: number;
  customerInteraction: 'CUSTOMER_PRESENT' | 'CUSTOMER_NOT_PRESENT';
  receipt?: Receipt;
  receiptUrl?: string;
  /**
   * The merchant's terms of sale and privacy policy URLs (absolute https, or http in dev mode), which the user
   * accepts in the app before paying. October 2026 "Merchant terms"; the customer side reads them from here.
   */
  merchantLegalLinks?: MerchantLegalLinks;
  metadata?: Record<string, string>;
  industryData?: unknown;
  /** Set when the merchant gave `expiresAt` (a long-living payment). */
  longLiving: boolean;
  /** When the user authorized (epoch ms): the capture, cancel and refund windows count from it. */
  authorizedAt?: number;
  /** What the user shared with profile sharing, fixed at authorization (v1.8.1; domain/test-user.ts). */
  userDetails?: UserDetails;
  /**
   * Idempotency keys whose capture failed with 6280 (test amount 128): a retry under one of them succeeds, and
   * the key is then removed.
   */
  retryableCaptureKeys?: string[];
  /**
   * An approval whose result is unknown (test amount 201): the payment stays CREATED until `resolvesAt` (epoch
   * ms, one hour after the approval), then becomes AUTHORIZED as by this user (see {@link expire}).
   */
  pendingAuthorization?: PendingAuthorization;
  /** The customer's side: landing step, pay later, how the user ended it (domain/customer-flow.ts). */
  customerSide?: CustomerSide;
}

/**
 * A payment as the platform keeps it. Times are epoch milliseconds on the platform clock; money is minor units.
 * Source: contract 3.4 and 3.6.
 */
export interface Payment {
  msn: string;
  reference: string;
  /** The pspReference of the CREATED event; the payment's own id at Vipps MobilePay. */
  pspReference: string;
  state: PaymentState;
  currency: Currency;
  /** The amount asked for, in minor units. */
  value: number;
  aggregate: AggregateAmounts;
  userFlow: UserFlow;
  paymentMethod: PaymentMethodType;
  /** The token of the payment's landing page, app link and QR URLs. */
  token: string;
  redirectUrl?: string;
  /** The user's `sub` for this MSN once a profile scope was consented (contract 3.13). */
  sub?: string;
  /** Phone number of the user who authorized. */
  authorizedBy?: string;
  createdAt: number;
  /** When a CREATED payment nobody acts on becomes EXPIRED (contract 3.11, 3.12). */
  expiresAt: number;
  details: PaymentDetails;
}

/** One entry of the event log before it is stored. `timestamp` is epoch ms. Contract 3.7. */
export interface NewPaymentEvent {
  name: PaymentEventName;
  pspReference: string;
  amount: number;
  timestamp: number;
  idempotencyKey: string | null;
  success: boolean;
}

/** Makes the pspReferences of events after CREATED: numeric strings, as the real service's are. */
export interface PspReferenceSource {
  next(): string;
}

/** A transition's result: the payment after it and the events it caused, in order. */
export interface Transition {
  payment: Payment;
  events: NewPaymentEvent[];
}

function event(
  name: PaymentEventName,
  amount: number,
  now: number,
  ids: PspReferenceSource,
  idempotencyKey: string | null,
  success = true,
): NewPaymentEvent {
  return { name, pspReference: ids.next(), amount, timestamp: now, idempotencyKey, success };
}

/** An approval waiting for its result (test amount 201): who approved, what they shared, when it resolves. */
export interface PendingAuthorization {
  phoneNumber: string;
  sub?: string;
  userDetails?: UserDetails;
  /** Epoch ms on the platform clock: one hour after the approval. */
  resolvesAt: number;
}

/** The test amount whose approval has an unknown result for an hour (contract 3.10). */
export const UNKNOWN_RESULT_AMOUNT = 201;
/** How long the result of test amount 201 stays unknown: 1 hour of platform time. */
export const UNKNOWN_RESULT_MS = 60 * 60 * 1000;
/** The test amount that needs strong customer authentication, in Norway only (NOK payments; contract 3.10). */
export const SCA_REQUIRED_AMOUNT = 202;

/** True while the payment waits for the user and its time has run out. */
export function isOverdue(payment: Payment, now: number): boolean {
  return payment.state === 'CREATED' && now >= payment.expiresAt;
}

/**
 * An overdue CREATED payment ends (contract 3.11): EXPIRED with its event, or, when an approval is pending
 * (test amount 201), AUTHORIZED as by the user who approved, with the AUTHORIZED event at `resolvesAt`: the
 * unknown result turns out a success once its hour is over.
 */
export function expire(payment: Payment, now: number, ids: PspReferenceSource): Transition {
  if (payment.state !== 'CREATED') throw new Error(`cannot expire a ${payment.state} payment`);
  const pending = payment.details.pendingAuthorization;
  if (pending) {
    const { pendingAuthorization: _resolved, ...details } = payment.details;
    return authorized({ ...payment, details }, pending.resolvesAt, ids, pending);
  }
  return {
    payment: { ...payment, state: 'EXPIRED' },
    events: [event('EXPIRED', payment.value, now, ids, null)],
  };
}

/**
 * The amounts that make an authorization fail in the test environment, with the reason the user is shown.
 * Source: contract 3.10 (TK test-and-go-live).
 */
export const AUTHORIZATION_TEST_AMOUNTS: Readonly<Record<number, string>> = {
  151: 'Insufficient funds',
  182: 'Refused by issuer',
  183: 'Suspected fraud',
  184: 'Withdrawal limit exceeded',
  186: 'Expired card',
  187: 'Invalid card',
  197: '3-D Secure denied',
};

/** The refund amounts that fail in the test environment (contract 3.10). */
export const REFUND_TEST_AMOUNTS: Readonly<Record<number, string>> = {
  123: 'Cannot refund: the user is deleted or has no account to receive the refund',
  124: 'Refund period expired',
};

/**
 * The capture amounts that fail in the test environment, with the code and the reason (issue #9; the codes are
 * the August 2026 ones). 126 fails with 6260 (funds unavailable: the bank released the reservation early) on
 * every try; 128 fails with 6280 (capture failed, try again later) on the first try under an Idempotency-Key,
 * and a retry with the same key succeeds. Each failure leaves a CAPTURED event with `success: false`.
 */
export const CAPTURE_TEST_AMOUNTS: Readonly<Record<number, { code: 6260 | 6280; reason: string }>> = {
  126: { code: 6260, reason: 'the bank released the reservation early' },
  128: { code: 6280, reason: 'a passing failure; retry with the same Idempotency-Key' },
};

/**
 * How long after authorization a capture is guaranteed to succeed, in days: 7, the guarantee of a Visa card and
 * of BankAxept, the shortest of the payment sources (the test users' cards have no network here, so the platform
 * assumes the shortest). It never passes the capture deadline. August 2026 `captureGuaranteedUntil`.
 */
export const CAPTURE_GUARANTEE_DAYS = 7;

/**
 * `captureGuaranteedUntil` of a payment authorized at `authorizedAt` (epoch ms): `CAPTURE_GUARANTEE_DAYS` later,
 * or at the capture deadline (`captureWindowDays`) if that comes first. Epoch ms.
 */
export function captureGuaranteedUntil(authorizedAt: number, captureWindowDays = 180): number {
  return authorizedAt + Math.min(CAPTURE_GUARANTEE_DAYS, captureWindowDays) * 24 * 60 * 60 * 1000;
}

/**
 * The user approves: CREATED → AUTHORIZED, authorized = amount. A test amount (151, 182, ...) refuses with
 * 10010 and leaves the payment CREATED, as a declined card in the app does; 202 in NOK (Norway) refuses with
 * 10030, strong customer authentication required. 201 is accepted with an unknown result: the payment stays
 * CREATED with no event for one hour (its expiry moves to then), and {@link expire} makes it AUTHORIZED then;
 * approving it again meanwhile is 10020. Other states refuse: AUTHORIZED with 6230, final states with 10020.
 * Contract 3.6, 3.10.
 */
export function authorize(
  payment: Payment,
  now: number,
  ids: PspReferenceSource,
  by: { phoneNumber: string; sub?: string; userDetails?: UserDetails },
): Transition {
  if (payment.state === 'AUTHORIZED') throw new DomainError(6230, 'The payment is already reserved.');
  if (payment.state !== 'CREATED') {
    throw new DomainError(10020, `The payment is ${payment.state} and can no longer be approved.`);
  }
  if (payment.details.pendingAuthorization) {
    throw new DomainError(
      10020,
      `The payment is being processed: the result of the approval is unknown until ${new Date(payment.details.pendingAuthorization.resolvesAt).toISOString()} (test amount ${UNKNOWN_RESULT_AMOUNT}).`,
    );
  }
  const testFailure = AUTHORIZATION_TEST_AMOUNTS[payment.value];
  if (testFailure)
    throw new DomainError(10010, `Approve failed: ${testFailure} (test amount ${payment.value}).`);
  if (payment.value === SCA_REQUIRED_AMOUNT && payment.currency === 'NOK') {
    throw new DomainError(
      10030,
      `Identification required: strong customer authentication is needed (test amount ${SCA_REQUIRED_AMOUNT}, Norway).`,
    );
  }
  if (payment.value === UNKNOWN_RESULT_AMOUNT) {
    const resolvesAt = now + UNKNOWN_RESULT_MS;
    return {
      payment: {
        ...payment,
        expiresAt: resolvesAt,
        details: { ...payment.details, pendingAuthorization: { ...by, resolvesAt } },
      },
      events: [],
    };
  }
  return authorized(payment, now, ids, by);
}

/** CREATED → AUTHORIZED at `now`, as by `by`: authorized = amount, with one AUTHORIZED event. */
function authorized(
  payment: Payment,
  now: number,
  ids: PspReferenceSource,
  by: { phoneNumber: string; sub?: string; userDetails?: UserDetails },
): Transition {
  return {
    payment: {
      ...payment,
      state: 'AUTHORIZED',
      aggregate: { ...payment.aggregate, authorized: payment.value },
      authorizedBy: by.phoneNumber,
      details: {
        ...payment.details,
        authorizedAt: now,
        ...(by.userDetails ? { userDetails: by.userDetails } : {}),
      },
      ...(by.sub ? { sub: by.sub } : {}),
    },
    events: [event('AUTHORIZED', payment.value, now, ids, null)],
  };
}

/**
 * The user rejects in the app or on the landing page: CREATED → ABORTED. Refused with 10020 once the user has
 * approved and the result is pending (test amount 201). Contract 3.6.
 */
export function abort(payment: Payment, now: number, ids: PspReferenceSource): Transition {
  if (payment.state !== 'CREATED') {
    throw new DomainError(10020, `The payment is ${payment.state} and can no longer be rejected.`);
  }
  if (payment.details.pendingAuthorization) {
    throw new DomainError(
      10020,
      'The payment was approved and is being processed; it can no longer be rejected.',
    );
  }
  return {
    payment: { ...payment, state: 'ABORTED' },
    events: [event('ABORTED', payment.value, now, ids, null)],
  };
}

function checkAmount(payment: Payment, currency: Currency, value: number, what: string): void {
  if (currency !== payment.currency) {
    throw new DomainError(
      4040,
      `The ${what} currency ${currency} differs from the payment currency ${payment.currency}.`,
    );
  }
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new DomainError(4040, `The ${what} amount must be a positive integer in minor units.`);
  }
}

/**
 * Capture `value` minor units of an AUTHORIZED payment. Partial and repeated captures are allowed up to
 * authorized − cancelled; `fullCaptureOnly` sales units must capture all at once (6140). Refusals follow the
 * matrix of contract 3.6: 6080 before authorization, 6200 in a final state, 6070 after a cancel, 6090 over the
 * remainder (6170 when nothing remains). The test amounts of {@link CAPTURE_TEST_AMOUNTS} (126: 6260, 128: 6280
 * once per key) fail after those checks with a CAPTURED event of `success: false` and nothing captured.
 */
export function capture(
  payment: Payment,
  currency: Currency,
  value: number,
  now: number,
  ids: PspReferenceSource,
  idempotencyKey: string | null,
  options: { fullCaptureOnly?: boolean; captureWindowDays?: number } = {},
): Transition & { failure?: DomainError } {
  if (payment.state === 'CREATED') throw new DomainError(6080, 'The payment has not been authorized yet.');
  if (payment.state !== 'AUTHORIZED')
    throw new DomainError(6200, `A ${payment.state} payment cannot be captured.`);
  const captureDays = options.captureWindowDays ?? 180;
  if (windowClosed(payment, now, captureDays)) {
    throw new DomainError(6100, `The capture period of ${captureDays} days after authorization has expired.`);
  }
  checkAmount(payment, currency, value, 'capture');
  const a = payment.aggregate;
  if (a.cancelled > 0) throw new DomainError(6070, 'The payment has been cancelled.');
  const capturable = a.authorized - a.cancelled - a.captured;
  if (capturable === 0) throw new DomainError(6170, 'The payment is already fully captured.');
  if (value > capturable) {
    throw new DomainError(6090, `Capture amount too high: at most ${capturable} can be captured.`);
  }
  if (options.fullCaptureOnly && (a.captured > 0 || value !== capturable)) {
    throw new DomainError(6140, `This sales unit only allows a full capture of ${capturable}.`);
  }
  const retryable = payment.details.retryableCaptureKeys ?? [];
  const testFailure = CAPTURE_TEST_AMOUNTS[value];
  if (testFailure && !(testFailure.code === 6280 && idempotencyKey && retryable.includes(idempotencyKey))) {
    const title = testFailure.code === 6260 ? 'Funds unavailable' : 'Capture failed, please try again later';
    const keys = testFailure.code === 6280 && idempotencyKey ? [...retryable, idempotencyKey] : retryable;
    return {
      payment:
        keys === retryable
          ? payment
          : { ...payment, details: { ...payment.details, retryableCaptureKeys: keys } },
      events: [event('CAPTURED', value, now, ids, idempotencyKey, false)],
      failure: new DomainError(testFailure.code, `${title}: ${testFailure.reason} (test amount ${value}).`),
    };
  }
  const rest = retryable.filter((k) => k !== idempotencyKey);
  const details =
    rest.length === retryable.length
      ? payment.details
      : {
          ...payment.details,
          ...(rest.length ? { retryableCaptureKeys: rest } : { retryableCaptureKeys: undefined }),
        };
  return {
    payment: { ...payment, details, aggregate: { ...a, captured: a.captured + value } },
    events: [event('CAPTURED', value, now, ids, idempotencyKey)],
  };
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** How long after authorization a payment can be cancelled (6030) and refunded (6220), in days (contract 3.6). */
export const CANCEL_WINDOW_DAYS = 180;
export const REFUND_WINDOW_DAYS = 365;

function windowClosed(payment: Payment, now: number, days: number): boolean {
  const at = payment.details.authorizedAt;
  return at !== undefined && now > at + days * DAY_MS;
}

/** Outcome of a refund: a transition, or a test-amount failure that is logged as an unsuccessful event. */
export type RefundResult = Transition & { failure?: DomainError };

/**
 * Refund `value` minor units of what was captured: refunded may never pass captured (6150). Before
 * authorization 6020; in another final state 6210. The test amounts 123 and 124 fail with 5100 and 6220 and
 * leave a REFUNDED event with `success: false`. Contract 3.6, 3.10.
 */
export function refund(
  payment: Payment,
  currency: Currency,
  value: number,
  now: number,
  ids: PspReferenceSource,
  idempotencyKey: string | null,
): RefundResult {
  if (payment.state === 'CREATED') throw new DomainError(6020, 'The payment has not been authorized yet.');
  if (payment.state !== 'AUTHORIZED')
    throw new DomainError(6210, `A ${payment.state} payment cannot be refunded.`);
  if (windowClosed(payment, now, REFUND_WINDOW_DAYS)) {
    throw new DomainError(
      6220,
      `The refund period of ${REFUND_WINDOW_DAYS} days after authorization has expired.`,
    );
  }
  checkAmount(payment, currency, value, 'refund');
  const a = payment.aggregate;
  const refundable = a.captured - a.refunded;
  if (value > refundable) {
    throw new DomainError(6150, `Not enough refundable: at most ${refundable} can be refunded.`);
  }
  const testFailure = REFUND_TEST_AMOUNTS[value];
  if (testFailure) {
    return {
      payment,
      events: [event('REFUNDED', value, now, ids, idempotencyKey, false)],
      failure:
        value === 124
          ? new DomainError(6220, `${testFailure} (test amount ${value}).`)
          : new DomainError(5100, `${standardDetail(5100)} (test amount ${value}: ${testFailure}).`),
    };
  }
  return {
    payment: { ...payment, aggregate: { ...a, refunded: a.refunded + value } },
    events: [event('REFUNDED', value, now, ids, idempotencyKey)],
  };
}

/**
 * Cancel. CREATED → TERMINATED with cancelled = amount. AUTHORIZED: releases all that is not captured at once
 * (cancelled = authorized − captured) and stays AUTHORIZED; refused with 6040 when fully captured, 6190 when
 * already cancelled, and 6060 with `cancelTransactionOnly`. Final states: 6190. An authorized payment can be
 * cancelled only inside its capture deadline (`captureWindowDays`: 14 days for a Danish or Finnish sales unit
 * without late capture, 180 otherwise) and never after 180 days; after that, 6030. Contract 3.6 and the
 * operations reference ("within 180 days of reservation, and only inside the capture deadline").
 */
export function cancel(
  payment: Payment,
  now: number,
  ids: PspReferenceSource,
  idempotencyKey: string | null,
  cancelTransactionOnly = false,
  options: { captureWindowDays?: number } = {},
): Transition {
  const a = payment.aggregate;
  if (payment.state === 'CREATED') {
    return {
      payment: { ...payment, state: 'TERMINATED', aggregate: { ...a, cancelled: payment.value } },
      events: [event('TERMINATED', payment.value, now, ids, idempotencyKey)],
    };
  }
  if (payment.state !== 'AUTHORIZED')
    throw new DomainError(6190, `A ${payment.state} payment cannot be cancelled.`);
  const cancelDays = Math.min(CANCEL_WINDOW_DAYS, options.captureWindowDays ?? CANCEL_WINDOW_DAYS);
  if (windowClosed(payment, now, cancelDays)) {
    throw new DomainError(
      6030,
      `The cancel period has expired: an authorized payment can be cancelled only inside its capture deadline of ${cancelDays} days after authorization.`,
    );
  }
  if (cancelTransactionOnly) {
    throw new DomainError(6060, `${standardDetail(6060)}.`);
  }
  if (a.cancelled > 0) throw new DomainError(6190, 'The payment has already been cancelled.');
  const remainder = a.authorized - a.captured;
  if (remainder === 0) throw new DomainError(6040, 'The payment is fully captured.');
  return {
    payment: { ...payment, aggregate: { ...a, cancelled: remainder } },
    events: [event('CANCELLED', remainder, now, ids, idempotencyKey)],
  };
}
