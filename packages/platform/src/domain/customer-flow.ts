import type { CustomerErrorReason, CustomerStage as ContractStage, UserFlow } from '@betal/contract';
import type { Payment } from './payment.js';
import type { Brand, Market } from './sales-unit.js';
import { ageOn, MINIMUM_AGE_TO_PAY_BUSINESSES, type TestUser } from './test-user.js';

/**
 * The customer's side of a payment request: the landing step (a phone number confirmed on the landing page, or
 * the app opened by an app switch or a QR scan), the request in the user's app, "I'll pay later", and the
 * eligibility of a user. Pure rules: no I/O, times are given (epoch ms on the platform clock).
 * Source: contract 3.11 (timeouts), 3.12 (long-living payments), 3.13 (consent), 3.14 (minimumUserAge),
 * 3.15 (landing page).
 */

/** Time to confirm the phone number on the landing page, or to act on the app switch: 5 minutes (contract 3.11). */
export const LANDING_STEP_MS = 5 * 60 * 1000;
/** Time to act in the app once the request is there: 5 minutes (contract 3.11). */
export const APP_STEP_MS = 5 * 60 * 1000;

/**
 * When MobilePay becomes Vipps in Denmark and Finland: 12 January 2027 (technical update October 2026), from
 * local midnight: 00:00 CET in Denmark (23:00 UTC the day before), 00:00 EET in Finland (22:00 UTC the day before).
 */
export const VIPPS_FROM: Readonly<Record<'DK' | 'FI', number>> = {
  DK: Date.UTC(2027, 0, 11, 23, 0, 0),
  FI: Date.UTC(2027, 0, 11, 22, 0, 0),
};

/**
 * The brand a market's customers see at `now` (epoch ms on the platform clock): Vipps in Norway and Sweden;
 * MobilePay in Denmark and Finland until {@link VIPPS_FROM}, Vipps from then on.
 */
export function brandAt(market: Market, now: number): Brand {
  if (market === 'DK' || market === 'FI') return now < VIPPS_FROM[market] ? 'MOBILEPAY' : 'VIPPS';
  return 'VIPPS';
}

/** How a request reached the user's app: the desktop landing page, or the app itself (app switch, QR scan). */
export type LandingVia = 'landing' | 'app';

/** Where a payment stands on the customer's side; kept in `PaymentDetails.customerSide`. Times are epoch ms. */
export interface CustomerSide {
  /** The landing step, once done: whose app the request went to, when, and how. */
  landing?: { phoneNumber: string; confirmedAt: number; via: LandingVia };
  /** When the user chose "I'll pay later" (long-living payments only, contract 3.12). */
  postponedAt?: number;
  /** How the user ended the request in the app or on the landing page, if they did. */
  endedBy?: 'REJECTED' | 'CONSENT_REFUSED';
}

/**
 * Where a request is for the customer: waiting for the landing step, in the user's app, postponed in the app's
 * Activities, or one of the final states of contract 3.6: the contract's CUSTOMER_STAGES.
 */
export type CustomerStage = ContractStage;

/**
 * Why a customer-side action is refused: the contract's CUSTOMER_ERROR_REASONS but those of signing in (see
 * customer/access.ts); each maps to one HTTP status (see {@link CUSTOMER_REFUSALS}).
 */
export type CustomerRefusalReason = Exclude<
  CustomerErrorReason,
  'SIGN_IN_REQUIRED' | 'SIGN_IN_FAILED' | 'SIGN_IN_LOCKED' | 'NOT_YOUR_APP' | 'ADMIN_ONLY'
>;

/** The HTTP status and title of each refusal reason. */
export const CUSTOMER_REFUSALS: Readonly<Record<CustomerRefusalReason, { status: number; title: string }>> = {
  UNKNOWN_PAYMENT: { status: 404, title: 'Payment not found' },
  UNKNOWN_USER: { status: 404, title: 'Test user not found' },
  PAYMENT_ENDED: { status: 409, title: 'Payment has ended' },
  NO_LANDING_STEP: { status: 409, title: 'No landing step' },
  NOT_IN_THIS_APP: { status: 404, title: 'Not in this app' },
  NOT_LONG_LIVING: { status: 409, title: 'Cannot pay later' },
  CONSENT_REQUIRED: { status: 409, title: 'Consent required' },
  TERMS_NOT_ACCEPTED: { status: 409, title: 'Terms not accepted' },
  NO_SCOPES_TO_CONSENT: { status: 409, title: 'Nothing to consent to' },
  APP_NOT_INSTALLED: { status: 403, title: 'App not installed' },
  CANNOT_PAY_BUSINESSES: { status: 403, title: 'Cannot pay businesses' },
  UNDER_15: { status: 403, title: 'Too young to pay businesses' },
  UNDER_MINIMUM_AGE: { status: 403, title: 'Below the minimum age' },
};

/** A refused customer-side action, with its reason (a stable code for tests) and a sentence for people. */
export class CustomerFlowError extends Error {
  readonly status: number;
  readonly title: string;
  constructor(
    readonly reason: CustomerRefusalReason,
    readonly detail: string,
  ) {
    super(detail);
    this.name = 'CustomerFlowError';
    this.status = CUSTOMER_REFUSALS[reason].status;
    this.title = CUSTOMER_REFUSALS[reason].title;
  }
}

/** Whether a flow has a landing step before the app (WEB_REDIRECT, NATIVE_REDIRECT, QR); PUSH_MESSAGE has none. */
export function hasLandingStep(flow: UserFlow): boolean {
  return flow !== 'PUSH_MESSAGE';
}

/**
 * The expiry a new payment gets (epoch ms): a flow with a landing step and no `expiresAt` has 5 minutes for it
 * (contract 3.11), and 5 more in the app once it is done ({@link confirmLanding}). PUSH_MESSAGE keeps the whole
 * 10 minutes in the app; a long-living payment keeps its `expiresAt` (contract 3.12).
 */
export function expiryAtCreation(
  payment: Pick<Payment, 'userFlow' | 'createdAt' | 'expiresAt' | 'details'>,
): number {
  if (!hasLandingStep(payment.userFlow) || payment.details.longLiving) return payment.expiresAt;
  return Math.min(payment.expiresAt, payment.createdAt + LANDING_STEP_MS);
}

/**
 * The phone number of the user whose app holds the request: for PUSH_MESSAGE the customer of the create call;
 * otherwise the user of the landing step, once it is done. Undefined while nobody has it.
 */
export function holderOf(payment: Payment): string | undefined {
  const landing = payment.details.customerSide?.landing;
  if (landing) return landing.phoneNumber;
  if (payment.userFlow === 'PUSH_MESSAGE') {
    return payment.details.customerPhoneNumber ?? payment.details.customer?.phoneNumber;
  }
  return undefined;
}

/** Where the request stands for the customer (see {@link CustomerStage}). */
export function stageOf(payment: Payment): CustomerStage {
  if (payment.state !== 'CREATED') return payment.state;
  if (holderOf(payment) === undefined) return 'LANDING';
  return payment.details.customerSide?.postponedAt !== undefined ? 'POSTPONED' : 'IN_APP';
}

/** Whole seconds until a CREATED payment expires (0 once due, or when it is no longer CREATED). */
export function secondsLeft(payment: Pick<Payment, 'state' | 'expiresAt'>, now: number): number {
  if (payment.state !== 'CREATED') return 0;
  return Math.max(0, Math.ceil((payment.expiresAt - now) / 1000));
}

function requireCreated(payment: Payment): void {
  if (payment.state !== 'CREATED') {
    throw new CustomerFlowError(
      'PAYMENT_ENDED',
      `The payment is ${payment.state} and can no longer be changed.`,
    );
  }
}

/** A landing step done: by whom (the phone number the request goes to), when (epoch ms) and how. */
export interface LandingStep {
  phoneNumber: string;
  now: number;
  via: LandingVia;
}

/**
 * The landing step is done: the request goes to the app of `phoneNumber`, which then has 5 minutes
 * (contract 3.11; a long-living payment keeps its `expiresAt`). Confirming again with another number moves the
 * request to that user's app and keeps the deadline; the same number again changes nothing. Refused with
 * PAYMENT_ENDED when not CREATED, NO_LANDING_STEP for PUSH_MESSAGE. Returns the payment to store.
 */
export function confirmLanding(payment: Payment, landing: LandingStep): Payment {
  const { phoneNumber, now, via } = landing;
  requireCreated(payment);
  if (!hasLandingStep(payment.userFlow)) {
    throw new CustomerFlowError('NO_LANDING_STEP', 'A PUSH_MESSAGE payment goes straight to the app.');
  }
  const side = payment.details.customerSide ?? {};
  const first = side.landing === undefined;
  if (!first && side.landing?.phoneNumber === phoneNumber) return payment;
  const expiresAt =
    first && !payment.details.longLiving
      ? Math.min(now + APP_STEP_MS, payment.createdAt + LANDING_STEP_MS + APP_STEP_MS)
      : payment.expiresAt;
  const { postponedAt: _dropped, ...rest } = side;
  return {
    ...payment,
    expiresAt,
    details: {
      ...payment.details,
      customerSide: {
        ...rest,
        landing: { phoneNumber, confirmedAt: first ? now : side.landing!.confirmedAt, via },
      },
    },
  };
}

/**
 * "I'll pay later" (Cancel → I'll pay later): a long-living payment stays CREATED and moves to the app's
 * Activities until `expiresAt` (contract 3.12). Refused with NOT_LONG_LIVING for other payments and
 * PAYMENT_ENDED when not CREATED.
 */
export function postpone(payment: Payment, now: number): Payment {
  requireCreated(payment);
  if (!payment.details.longLiving) {
    throw new CustomerFlowError(
      'NOT_LONG_LIVING',
      'Only a payment with expiresAt (long-living) can be paid later; approve or reject it.',
    );
  }
  const side = payment.details.customerSide ?? {};
  if (side.postponedAt !== undefined) return payment;
  return { ...payment, details: { ...payment.details, customerSide: { ...side, postponedAt: now } } };
}

/** Notes how the user ended the request (on an ABORTED payment). */
export function markEnded(payment: Payment, endedBy: NonNullable<CustomerSide['endedBy']>): Payment {
  return {
    ...payment,
    details: { ...payment.details, customerSide: { ...(payment.details.customerSide ?? {}), endedBy } },
  };
}

/** Whether a user can pay a payment, and if not, why (the reasons of contract 3.14). */
export type Eligibility =
  | { ok: true }
  | {
      ok: false;
      reason:
        'UNKNOWN_USER' | 'APP_NOT_INSTALLED' | 'CANNOT_PAY_BUSINESSES' | 'UNDER_15' | 'UNDER_MINIMUM_AGE';
      /** The age limit that was not met, for UNDER_15 and UNDER_MINIMUM_AGE. */
      minimumAge?: number;
    };

/**
 * Whether `user` may pay a payment with `minimumUserAge` (undefined: no limit) at `now`: a known user with the
 * app, allowed to pay businesses, at least 15 (contract 3.14) and at least `minimumUserAge`. The landing page
 * turns every refusal into one generic message; the app says which.
 */
export function eligibility(
  user: TestUser | undefined,
  minimumUserAge: number | undefined,
  now: number,
): Eligibility {
  if (!user) return { ok: false, reason: 'UNKNOWN_USER' };
  if (!user.appInstalled) return { ok: false, reason: 'APP_NOT_INSTALLED' };
  if (!user.canPayBusinesses) return { ok: false, reason: 'CANNOT_PAY_BUSINESSES' };
  const age = ageOn(user.birthDate, now);
  if (age < MINIMUM_AGE_TO_PAY_BUSINESSES) {
    return { ok: false, reason: 'UNDER_15', minimumAge: MINIMUM_AGE_TO_PAY_BUSINESSES };
  }
  if (minimumUserAge !== undefined && age < minimumUserAge) {
    return { ok: false, reason: 'UNDER_MINIMUM_AGE', minimumAge: minimumUserAge };
  }
  return { ok: true };
}

/** The scopes of `requested` that `granted` (a remembered consent) does not cover yet (contract 3.13). */
export function missingConsent(
  requested: readonly string[] | undefined,
  granted: readonly string[] | undefined,
): string[] {
  if (!requested) return [];
  const have = new Set(granted ?? []);
  return requested.filter((scope) => !have.has(scope));
}
