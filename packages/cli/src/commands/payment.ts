import type { PlatformHttp } from './http.js';
import { formatFields, formatTable, money } from './table.js';
import type { Outcome } from './verb.js';

/** An amount in minor units (contract 3.3). */
export interface Amount {
  currency: string;
  value: number;
}

/** The fields of GET payment (contract 3.4) that the verbs read; the JSON output has all of them. */
export interface GetPaymentResponse {
  reference: string;
  state: string;
  amount: Amount;
  aggregate: {
    authorizedAmount: Amount;
    capturedAmount: Amount;
    refundedAmount: Amount;
    cancelledAmount: Amount;
  };
  pspReference: string;
  redirectUrl?: string;
  [field: string]: unknown;
}

/** One entry of a payment's event log (contract 3.7). */
export interface PaymentEvent {
  reference: string;
  pspReference: string;
  name: string;
  amount: Amount;
  timestamp: string;
  idempotencyKey: string | null;
  success: boolean;
}

/** A payment and its event log, as `payments get` and the verbs that change a payment print it. */
export interface PaymentReport {
  payment: GetPaymentResponse;
  events: PaymentEvent[];
}

const path = (reference: string) => `/epayment/v1/payments/${encodeURIComponent(reference)}`;

/** GET payment and GET its events (ePayment API, with the sales unit's credentials). */
export async function readPayment(http: PlatformHttp, reference: string): Promise<PaymentReport> {
  const payment = await http.vipps<GetPaymentResponse>('GET', path(reference));
  const events = await http.vipps<PaymentEvent[]>('GET', `${path(reference)}/events`);
  return { payment, events };
}

/** The ePayment path of a payment, for the verbs that act on it. */
export function paymentPath(reference: string): string {
  return path(reference);
}

/** The payment's fields, then its events as a table. */
export function paymentText(report: PaymentReport): string {
  const { payment: p, events } = report;
  const c = p.amount.currency;
  const a = p.aggregate;
  const fields = formatFields([
    ['reference', p.reference],
    ['state', p.state],
    ['amount', money(p.amount.value, c)],
    ['authorized', money(a.authorizedAmount.value, c)],
    ['captured', money(a.capturedAmount.value, c)],
    ['refunded', money(a.refundedAmount.value, c)],
    ['cancelled', money(a.cancelledAmount.value, c)],
    ['pspReference', p.pspReference],
    ['redirectUrl', p.redirectUrl],
  ]);
  const table = formatTable(
    ['TIME', 'EVENT', 'AMOUNT', 'SUCCESS', 'PSP REFERENCE'],
    events.map((e) => [
      e.timestamp,
      e.name,
      money(e.amount.value, e.amount.currency),
      e.success,
      e.pspReference,
    ]),
  );
  return `${fields}\n\n${events.length ? table : 'No events.'}`;
}

/** The outcome of a verb that shows a payment: `{payment, events}` as JSON, fields and events as text. */
export function paymentOutcome(report: PaymentReport, extra: Record<string, unknown> = {}): Outcome {
  return { json: { ...extra, ...report }, text: paymentText(report) };
}
