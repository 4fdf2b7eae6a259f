import type { ApiResponse } from '../support/harness.js';

/** A view of a request as the app's JSON API answers it (the fields tests look at). */
export interface RequestView {
  id: string;
  reference: string;
  state: string;
  stage: string;
  secondsLeft: number;
  expiresAt: string;
  longLiving: boolean;
  merchant: { msn: string; name: string; brand: string; market: string };
  amount: { currency: string; value: number };
  consent: { requested: string[]; missing: string[] } | null;
  refusal?: { reason: string; minimumAge?: number };
  holder?: { phoneNumber: string; via: string };
  receipt?: { orderLines: Array<{ name: string }> };
  orderDetails?: { category: string; orderDetailsUrl: string; imageUrl?: string };
  endedBy?: string;
  returnUrl?: string;
  description?: string;
  [key: string]: unknown;
}

export interface Lists {
  requests: RequestView[];
  activities: RequestView[];
  history: RequestView[];
}

/**
 * A test's hands on the customer's side: the app's JSON API and the test users API over raw HTTP, as anyone's
 * automated tests would act as the customer.
 */
export class Customer {
  constructor(readonly url: string) {}

  async call<T = any>(method: string, path: string, body?: unknown): Promise<ApiResponse<T>> {
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: body !== undefined ? { 'Content-Type': 'application/json' } : {},
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as T };
  }

  lists(phone: string) {
    return this.call<Lists>('GET', `/app/api/users/${phone}/requests`);
  }

  request(phone: string, id: string) {
    return this.call<RequestView>('GET', `/app/api/users/${phone}/requests/${encodeURIComponent(id)}`);
  }

  /** The app switch: the app of `phone` opens the payment of token `id`. */
  open(phone: string, id: string) {
    return this.call<RequestView>('POST', `/app/api/users/${phone}/open`, { id });
  }

  approve(phone: string, id: string, body: Record<string, unknown> = {}) {
    return this.call<RequestView>(
      'POST',
      `/app/api/users/${phone}/requests/${encodeURIComponent(id)}/approve`,
      body,
    );
  }

  act(phone: string, id: string, action: 'reject' | 'refuse-consent' | 'pay-later') {
    return this.call<RequestView>(
      'POST',
      `/app/api/users/${phone}/requests/${encodeURIComponent(id)}/${action}`,
      {},
    );
  }

  landing(id: string) {
    return this.call<RequestView>('GET', `/app/api/landing/${encodeURIComponent(id)}`);
  }

  confirm(id: string, phoneNumber: string) {
    return this.call<RequestView>('POST', `/app/api/landing/${encodeURIComponent(id)}/confirm`, {
      phoneNumber,
    });
  }

  cancelOnLanding(id: string) {
    return this.call<RequestView>('POST', `/app/api/landing/${encodeURIComponent(id)}/cancel`, {});
  }

  createUser(body: Record<string, unknown>) {
    return this.call<Record<string, any>>('POST', '/betal/users', body);
  }

  /** The request of a merchant reference in a user's app lists (any list), if there. */
  async find(phone: string, reference: string): Promise<RequestView | undefined> {
    const { body } = await this.lists(phone);
    return [...body.requests, ...body.activities, ...body.history].find((r) => r.reference === reference);
  }
}

/** The `name` of a Problem's extraDetails entry: ErrorCode or CustomerError reason. */
export function reasonOf(body: unknown): string | undefined {
  const details = (body as { extraDetails?: Array<{ name: string; reason: string }> | null })?.extraDetails;
  return details?.find((d) => d.name === 'CustomerError' || d.name === 'ErrorCode')?.reason;
}

/** A PUSH_MESSAGE create body for MSN 123456 to `phoneNumber`. */
export function pushMessage(
  reference: string,
  phoneNumber: string,
  value = 10_000,
  extra: Record<string, unknown> = {},
) {
  return {
    amount: { currency: 'NOK', value },
    paymentMethod: { type: 'WALLET' },
    customer: { phoneNumber },
    reference,
    userFlow: 'PUSH_MESSAGE',
    paymentDescription: 'Invoice 4242',
    ...extra,
  };
}

/** A receipt of two lines for `total` minor units of NOK (25 % VAT), as SEED 003 sends. */
export function receipt(total = 10_000) {
  const half = total / 2;
  const line = (name: string, id: string) => ({
    name,
    id,
    totalAmount: half,
    totalAmountExcludingTax: half * 0.8,
    totalTaxAmount: half * 0.2,
    taxRate: 2500,
  });
  return {
    orderLines: [line('Accident insurance', 'line-1'), line('Travel insurance', 'line-2')],
    bottomLine: { currency: 'NOK', receiptNumber: '0527013501' },
  };
}

/** The `token` of a payment's redirectUrl: its id in the customer's app. */
export function idOf(redirectUrl: string | undefined): string {
  const token = redirectUrl ? new URL(redirectUrl).searchParams.get('token') : null;
  if (!token) throw new Error(`no token in ${String(redirectUrl)}`);
  return token;
}
