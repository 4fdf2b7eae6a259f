import type {
  Aggregate,
  GetPaymentResponse,
  ModificationResponse,
  PaymentEvent,
  WebhookPaymentEvent,
} from '@betal/contract';
import type { Payment } from '../domain/payment.js';
import type { StoredPaymentEvent } from '../store/store.js';

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

/** GetPaymentResponse of contract 3.4. `profile.sub` appears once a scope was consented and authorized. */
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
 * The webhook payload of an event (contract 4.3): the log entry plus `msn`. `sub` (the payment's, when profile
 * sharing was consented) is added as `profile.sub` to an AUTHORIZED event, as the newer docs show.
 */
export function webhookPayload(
  e: StoredPaymentEvent,
  sub?: string,
): WebhookPaymentEvent & { profile?: { sub: string } } {
  const payload = { msn: e.msn, ...paymentEvent(e) };
  return e.name === 'AUTHORIZED' && sub !== undefined ? { ...payload, profile: { sub } } : payload;
}
