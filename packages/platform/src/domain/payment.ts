import type {
  Amount,
  Currency,
  Customer,
  CustomerInteraction,
  MerchantLegalLinks,
  PaymentEventName,
  PaymentMethodType,
  PaymentState,
  QrFormat,
  Receipt,
  UserDetails,
  UserFlow,
} from '@betal/contract';
import type { CustomerSide } from './customer-flow.js';
import type { DomainError } from './errors.js';
import { UNKNOWN_RESULT_MS } from './test-amounts.js';
import { step, type Attempt } from './transitions.js';

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
  customerInteraction: CustomerInteraction;
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

/** An approval waiting for its result (test amount 201): who approved, what they shared, when it resolves. */
export interface PendingAuthorization {
  phoneNumber: string;
  sub?: string;
  userDetails?: UserDetails;
  /** Epoch ms on the platform clock: one hour after the approval. */
  resolvesAt: number;
}

/** True while the payment waits for the user and its time has run out. */
export function isOverdue(payment: Payment, now: number): boolean {
  return payment.state === 'CREATED' && now >= payment.expiresAt;
}

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

/** When a transition happens and where its events' pspReferences come from: every operation's options. */
export interface At {
  /** Epoch ms on the platform clock; the events' timestamp. */
  now: number;
  ids: PspReferenceSource;
}

/** The user who approves, and what they share with the merchant (contract 3.13, v1.8.1 userDetails). */
export interface Approver {
  /** The user's phone number (MSISDN, digits only). */
  phoneNumber: string;
  /** The user's `sub` for this MSN, when the payment asked for a profile scope. */
  sub?: string;
  userDetails?: UserDetails;
}

/** An operation's outcome: a transition, with `failure` when a test amount failed it with an unsuccessful event. */
export type FallibleTransition = Transition & { failure?: DomainError };
/** The outcome of a refund (see {@link FallibleTransition}). */
export type RefundResult = FallibleTransition;

/** An attempt at `now` on `payment`, of its own value and currency unless `fields` say otherwise. */
function attempt(payment: Payment, now: number, fields: Partial<Attempt> = {}): Attempt {
  return {
    payment,
    now,
    value: payment.value,
    currency: payment.currency,
    idempotencyKey: null,
    fullCaptureOnly: false,
    captureWindowDays: 180,
    cancelTransactionOnly: false,
    ...fields,
  };
}

/** Notes who authorized at `at` (epoch ms) on an AUTHORIZED transition: authorizedBy, authorizedAt, sub, userDetails. */
function approvedBy(t: Transition, at: number, by: Approver): Transition {
  const p = t.payment;
  return {
    ...t,
    payment: {
      ...p,
      authorizedBy: by.phoneNumber,
      details: { ...p.details, authorizedAt: at, ...(by.userDetails ? { userDetails: by.userDetails } : {}) },
      ...(by.sub ? { sub: by.sub } : {}),
    },
  };
}

/**
 * An overdue CREATED payment ends (contract 3.11): EXPIRED with its event, or, when an approval is pending
 * (test amount 201, the PENDING phase), AUTHORIZED as by the user who approved, with the AUTHORIZED event at
 * `resolvesAt`: the unknown result turns out a success once its hour is over. Any other state is a bug (Error).
 */
export function expire(payment: Payment, now: number, ids: PspReferenceSource): Transition {
  const pending = payment.details.pendingAuthorization;
  const t = step('expire', attempt(payment, pending?.resolvesAt ?? now), ids);
  if (!pending) return t;
  const { pendingAuthorization: _resolved, ...details } = t.payment.details;
  return approvedBy({ ...t, payment: { ...t.payment, details } }, pending.resolvesAt, pending);
}

/**
 * The user approves: CREATED → AUTHORIZED, authorized = amount, one AUTHORIZED event. The authorization test
 * amounts (domain/test-amounts.ts) refuse with 10010 and leave the payment CREATED, as a declined card in the
 * app does; 202 in NOK (Norway) refuses with 10030. 201 is accepted with an unknown result: the payment stays
 * CREATED with no event for {@link UNKNOWN_RESULT_MS} (its expiry moves to then; PENDING), and {@link expire}
 * makes it AUTHORIZED then. Other phases refuse by the table (domain/transitions.ts): AUTHORIZED 6230; PENDING
 * and final states 10020. Contract 3.6, 3.10.
 */
export function authorize(payment: Payment, options: At & { by: Approver }): Transition {
  const { now, ids, by } = options;
  const t = step('authorize', attempt(payment, now), ids);
  if (t.unknownResult) {
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
  return approvedBy(t, now, by);
}

/**
 * The user rejects in the app or on the landing page: CREATED → ABORTED with one ABORTED event. Refused with
 * 10020 in every other phase, PENDING (approved, result unknown: test amount 201) included. Contract 3.6.
 */
export function abort(payment: Payment, now: number, ids: PspReferenceSource): Transition {
  return step('abort', attempt(payment, now), ids);
}

/** What a capture asks: `amount` in minor units, under `idempotencyKey`, by a sales unit with its rules. */
export interface CaptureOptions extends At {
  amount: Amount;
  idempotencyKey: string | null;
  /** The sales unit must capture all at once (6140). */
  fullCaptureOnly?: boolean;
  /** The sales unit's capture deadline in days after authorization (default 180; 6100 after it). */
  captureWindowDays?: number;
}

/**
 * Capture `amount` of an AUTHORIZED payment. Partial and repeated captures are allowed up to
 * authorized − cancelled; `fullCaptureOnly` sales units must capture all at once (6140). Refusals follow the
 * table (domain/transitions.ts, contract 3.6): 6080 before authorization, 6200 in a final state, 6100 after the
 * capture deadline, 4040 for a bad amount, 6070 after a cancel, 6170 when nothing remains, 6090 over the
 * remainder. The capture test amounts (126: 6260, 128: 6280 once per key) fail after those checks with a
 * CAPTURED event of `success: false` and nothing captured; a later success under a 6280 key forgets the key.
 */
export function capture(payment: Payment, options: CaptureOptions): FallibleTransition {
  const { amount, now, ids, idempotencyKey } = options;
  const t = step(
    'capture',
    attempt(payment, now, {
      currency: amount.currency,
      value: amount.value,
      idempotencyKey,
      fullCaptureOnly: options.fullCaptureOnly ?? false,
      captureWindowDays: options.captureWindowDays ?? 180,
    }),
    ids,
  );
  const retryable = payment.details.retryableCaptureKeys ?? [];
  const rest = retryable.filter((k) => k !== idempotencyKey);
  if (t.failure || rest.length === retryable.length) return t;
  const details = { ...t.payment.details, retryableCaptureKeys: rest.length ? rest : undefined };
  return { ...t, payment: { ...t.payment, details } };
}

/** What a refund asks: `amount` in minor units, under `idempotencyKey`. */
export interface RefundOptions extends At {
  amount: Amount;
  idempotencyKey: string | null;
}

/**
 * Refund `amount` of what was captured: refunded may never pass captured (6150). Before authorization 6020; in
 * a final state 6210; after the refund window 6220; a bad amount 4040. The refund test amounts 123 and 124 fail
 * with 5100 and 6220 and leave a REFUNDED event with `success: false`. Contract 3.6, 3.10.
 */
export function refund(payment: Payment, options: RefundOptions): RefundResult {
  const { amount, now, ids, idempotencyKey } = options;
  const { currency, value } = amount;
  return step('refund', attempt(payment, now, { currency, value, idempotencyKey }), ids);
}

/** What a cancel asks, under `idempotencyKey`, by a sales unit with its capture deadline. */
export interface CancelOptions extends At {
  idempotencyKey: string | null;
  /** Cancel the transaction only, not the payment: 6060 once AUTHORIZED. Default false. */
  cancelTransactionOnly?: boolean;
  /** The sales unit's capture deadline in days after authorization (default 180). */
  captureWindowDays?: number;
}

/**
 * Cancel. CREATED (and PENDING) → TERMINATED with cancelled = amount. AUTHORIZED: releases all that is not
 * captured at once (cancelled = authorized − captured) and stays AUTHORIZED; refused with 6040 when fully
 * captured, 6190 when already cancelled, and 6060 with `cancelTransactionOnly`. Final states: 6190. An
 * authorized payment can be cancelled only inside its capture deadline (`captureWindowDays`: 14 days for a
 * Danish or Finnish sales unit without late capture, 180 otherwise) and never after 180 days; after that, 6030.
 * Contract 3.6 and the operations reference ("within 180 days of reservation, and only inside the capture
 * deadline").
 */
export function cancel(payment: Payment, options: CancelOptions): Transition {
  const { now, ids, idempotencyKey } = options;
  const fields = {
    idempotencyKey,
    cancelTransactionOnly: options.cancelTransactionOnly ?? false,
    captureWindowDays: options.captureWindowDays ?? 180,
  };
  return step('cancel', attempt(payment, now, fields), ids);
}
