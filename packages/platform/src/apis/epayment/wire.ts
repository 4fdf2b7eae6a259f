import type {
  Aggregate,
  GetPaymentResponse,
  ModificationResponse,
  PaymentEvent,
  EPaymentWebhookPayload,
} from '@betal/contract';
import { captureGuaranteedUntil, type Payment } from '../../domain/payment.js';
import type { StoredPaymentEvent } from '../../storage/ports.js';

/** The four aggregate amounts as the API shows them, each with the payment currency. Contract 3.4, 3.6. */
export function aggregateOf(p: Payment): Aggregate {
  const money = (value: number) => ({ currency: p.currency, value });
  return {
    authorizedAmount: money(p.aggregate.authorized),
    cancelledAmount: money(p.aggregate.cancelled),
    capturedAmount: money(p.aggregate.captured),
    refundedAmount: money(p.aggregate.refunded),
  };
}

/**
 * An instant (epoch ms) as the newer ePayment fields write it: RFC 3339 with a `+00:00` offset, e.g.
 * `2026-09-01T07:53:44.812+00:00` (the docs' example of `captureGuaranteedUntil`).
 */
export function offsetDateTime(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '+00:00');
}

/**
 * The fields an AUTHORIZED payment adds to GET payment and to its AUTHORIZED webhook: `captureGuaranteedUntil`
 * (August 2026, from the authorization time) and, with profile sharing, `userDetails` (v1.8.1).
 */
function authorizedExtras(p: Payment): Pick<GetPaymentResponse, 'userDetails' | 'captureGuaranteedUntil'> {
  const at = p.details.authorizedAt;
  if (p.state !== 'AUTHORIZED' || at === undefined) return {};
  return {
    ...(p.details.userDetails ? { userDetails: p.details.userDetails } : {}),
    captureGuaranteedUntil: offsetDateTime(captureGuaranteedUntil(at)),
  };
}

/**
 * GetPaymentResponse of contract 3.4. `profile.sub` appears once a scope was consented and authorized, with
 * `userDetails` (the consented fields); `captureGuaranteedUntil` once AUTHORIZED; `merchantLegalLinks` as given.
 */
export function getPaymentResponse(p: Payment): GetPaymentResponse {
  return {
    aggregate: aggregateOf(p),
    amount: { currency: p.currency, value: p.value },
    state: p.state,
    paymentMethod: { type: p.paymentMethod },
    profile: p.sub !== undefined && p.state === 'AUTHORIZED' ? { sub: p.sub } : {},
    pspReference: p.pspReference,
    ...(p.redirectUrl !== undefined ? { redirectUrl: p.redirectUrl } : {}),
    reference: p.reference,
    ...(p.details.metadata ? { metadata: p.details.metadata } : {}),
    ...(p.details.merchantLegalLinks ? { merchantLegalLinks: p.details.merchantLegalLinks } : {}),
    ...authorizedExtras(p),
  };
}

/** ModificationResponse of contract 3.5: the payment after capture, refund or cancel. */
export function modificationResponse(p: Payment): ModificationResponse {
  return {
    amount: { currency: p.currency, value: p.value },
    state: p.state,
    aggregate: aggregateOf(p),
    pspReference: p.pspReference,
    reference: p.reference,
  };
}

/** One event-log entry of contract 3.7. */
export function paymentEvent(e: StoredPaymentEvent): PaymentEvent {
  return {
    reference: e.reference,
    pspReference: e.pspReference,
    name: e.name,
    amount: { currency: e.currency, value: e.amount },
    timestamp: new Date(e.timestamp).toISOString(),
    idempotencyKey: e.idempotencyKey,
    success: e.success,
  };
}

/**
 * The webhook payload of an event (contract 4.3): the log entry plus `msn`. A successful AUTHORIZED event also
 * carries `captureGuaranteedUntil` (August 2026, from the event's time) and, when profile sharing was consented,
 * `profile.sub` and `userDetails` (v1.8.1), taken from `payment` (the payment the event belongs to).
 */
export function webhookPayload(
  e: StoredPaymentEvent,
  payment?: Pick<Payment, 'sub' | 'details'>,
): EPaymentWebhookPayload {
  const payload: EPaymentWebhookPayload = { msn: e.msn, ...paymentEvent(e) };
  if (e.name !== 'AUTHORIZED' || !e.success) return payload;
  const userDetails = payment?.details.userDetails;
  return {
    ...payload,
    ...(payment?.sub !== undefined ? { profile: { sub: payment.sub } } : {}),
    ...(userDetails ? { userDetails } : {}),
    captureGuaranteedUntil: offsetDateTime(captureGuaranteedUntil(e.timestamp)),
  };
}
