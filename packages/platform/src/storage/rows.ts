/**
 * The row shapes of the payments and their events, shared by the SQLite and PostgreSQL stores (both keep the same
 * columns; money in minor units, times in epoch ms), and the mapping between rows and domain values.
 */
import type { Payment } from '../domain/payment.js';
import type { StoredPaymentEvent } from './ports.js';

/** A row of `payments`: the payment's fields, its aggregate as four sums, `details` as JSON text. */
export interface PaymentRow {
  msn: string;
  reference: string;
  psp_reference: string;
  state: string;
  currency: string;
  value: number;
  authorized: number;
  captured: number;
  refunded: number;
  cancelled: number;
  user_flow: string;
  payment_method: string;
  token: string;
  redirect_url: string | null;
  sub: string | null;
  authorized_by: string | null;
  created_at: number;
  expires_at: number;
  details: string;
}

/** The columns of `payments`, in the order of {@link PaymentRow}. */
export const PAYMENT_COLUMN_NAMES = [
  'msn',
  'reference',
  'psp_reference',
  'state',
  'currency',
  'value',
  'authorized',
  'captured',
  'refunded',
  'cancelled',
  'user_flow',
  'payment_method',
  'token',
  'redirect_url',
  'sub',
  'authorized_by',
  'created_at',
  'expires_at',
  'details',
] as const satisfies readonly (keyof PaymentRow)[];

/** A row of `payment_events`; `success` is a boolean in PostgreSQL and 0 or 1 in SQLite. */
export interface EventRow {
  seq: number;
  msn: string;
  reference: string;
  psp_reference: string;
  name: string;
  currency: string;
  amount: number;
  timestamp: number;
  idempotency_key: string | null;
  success: boolean | number;
}

/** The payment a row holds. */
export function paymentOfRow(row: PaymentRow): Payment {
  return {
    msn: row.msn,
    reference: row.reference,
    pspReference: row.psp_reference,
    state: row.state as Payment['state'],
    currency: row.currency as Payment['currency'],
    value: row.value,
    aggregate: {
      authorized: row.authorized,
      captured: row.captured,
      refunded: row.refunded,
      cancelled: row.cancelled,
    },
    userFlow: row.user_flow as Payment['userFlow'],
    paymentMethod: row.payment_method as Payment['paymentMethod'],
    token: row.token,
    ...(row.redirect_url !== null ? { redirectUrl: row.redirect_url } : {}),
    ...(row.sub !== null ? { sub: row.sub } : {}),
    ...(row.authorized_by !== null ? { authorizedBy: row.authorized_by } : {}),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    details: JSON.parse(row.details) as Payment['details'],
  };
}

/** The row that keeps a payment. */
export function rowOfPayment(p: Payment): PaymentRow {
  return {
    msn: p.msn,
    reference: p.reference,
    psp_reference: p.pspReference,
    state: p.state,
    currency: p.currency,
    value: p.value,
    authorized: p.aggregate.authorized,
    captured: p.aggregate.captured,
    refunded: p.aggregate.refunded,
    cancelled: p.aggregate.cancelled,
    user_flow: p.userFlow,
    payment_method: p.paymentMethod,
    token: p.token,
    redirect_url: p.redirectUrl ?? null,
    sub: p.sub ?? null,
    authorized_by: p.authorizedBy ?? null,
    created_at: p.createdAt,
    expires_at: p.expiresAt,
    details: JSON.stringify(p.details),
  };
}

/** The stored event a row holds. */
export function eventOfRow(row: EventRow): StoredPaymentEvent {
  return {
    seq: row.seq,
    msn: row.msn,
    reference: row.reference,
    pspReference: row.psp_reference,
    name: row.name as StoredPaymentEvent['name'],
    currency: row.currency as StoredPaymentEvent['currency'],
    amount: row.amount,
    timestamp: row.timestamp,
    idempotencyKey: row.idempotency_key,
    success: row.success === true || row.success === 1,
  };
}
