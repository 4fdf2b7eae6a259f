import { startPlatform, type StartedPlatform } from '../../src/index.js';

/** The dev sales unit with every capability (MSN 123456, NOK). */
export const DEV = {
  msn: '123456',
  clientId: 'dev-client-id',
  clientSecret: 'dev-client-secret',
  subscriptionKey: 'dev-subscription-key',
} as const;

/** The second dev sales unit (MSN 654321, DKK). */
export const DEV2 = {
  msn: '654321',
  clientId: 'dev2-client-id',
  clientSecret: 'dev2-client-secret',
  subscriptionKey: 'dev2-subscription-key',
} as const;

/** A fixed platform time for deterministic tests: 2026-11-22T12:00:00Z. */
export const T0 = Date.UTC(2026, 10, 22, 12, 0, 0);

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

/**
 * A test's view of a running platform: raw HTTP calls with a merchant's credentials, so that tests exercise the
 * wire format exactly as an integrator's code does.
 */
export class Api {
  private tokens = new Map<string, string>();
  constructor(readonly started: StartedPlatform) {}

  get url(): string {
    return this.started.url;
  }

  async token(
    merchant: { clientId: string; clientSecret: string; subscriptionKey: string } = DEV,
  ): Promise<string> {
    const cached = this.tokens.get(merchant.clientId);
    if (cached) return cached;
    const res = await fetch(`${this.url}/accesstoken/get`, {
      method: 'POST',
      headers: {
        client_id: merchant.clientId,
        client_secret: merchant.clientSecret,
        'Ocp-Apim-Subscription-Key': merchant.subscriptionKey,
      },
    });
    const body = (await res.json()) as { access_token: string };
    this.tokens.set(merchant.clientId, body.access_token);
    return body.access_token;
  }

  async headers(
    merchant: typeof DEV | typeof DEV2 = DEV,
    extra: Record<string, string> = {},
  ): Promise<Record<string, string>> {
    return {
      Authorization: `Bearer ${await this.token(merchant)}`,
      'Ocp-Apim-Subscription-Key': merchant.subscriptionKey,
      'Merchant-Serial-Number': merchant.msn,
      'Content-Type': 'application/json',
      ...extra,
    };
  }

  async call<T = unknown>(
    method: string,
    path: string,
    options: {
      body?: unknown;
      raw?: string;
      headers?: Record<string, string>;
      merchant?: typeof DEV | typeof DEV2;
    } = {},
  ): Promise<ApiResponse<T>> {
    const headers = options.headers ?? (await this.headers(options.merchant));
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers,
      ...(options.raw !== undefined
        ? { body: options.raw }
        : options.body !== undefined
          ? { body: JSON.stringify(options.body) }
          : {}),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as T };
  }

  /** POST /epayment/v1/payments with an Idempotency-Key (default derived from the reference). */
  async create(body: Record<string, unknown>, key?: string, merchant: typeof DEV | typeof DEV2 = DEV) {
    const headers = await this.headers(merchant, {
      'Idempotency-Key': key ?? `create-${String(body.reference)}`,
    });
    return this.call<{ reference: string; redirectUrl?: string }>('POST', '/epayment/v1/payments', {
      body,
      headers,
    });
  }

  /** Force approve as a test user (default 4712345678). */
  approve(reference: string, phoneNumber = '4712345678', merchant: typeof DEV | typeof DEV2 = DEV) {
    return this.call('POST', `/epayment/v1/test/payments/${reference}/approve`, {
      body: { customer: { phoneNumber } },
      merchant,
    });
  }

  /** capture or refund `value` minor units (NOK by default) with an Idempotency-Key. */
  async modify(
    operation: 'capture' | 'refund',
    reference: string,
    value: number,
    key: string,
    currency = 'NOK',
  ) {
    const headers = await this.headers(DEV, { 'Idempotency-Key': key });
    return this.call<Record<string, unknown>>('POST', `/epayment/v1/payments/${reference}/${operation}`, {
      body: { modificationAmount: { currency, value } },
      headers,
    });
  }

  async cancel(reference: string, body?: unknown, key?: string) {
    const headers = await this.headers(DEV, key ? { 'Idempotency-Key': key } : {});
    return this.call<Record<string, unknown>>('POST', `/epayment/v1/payments/${reference}/cancel`, {
      body,
      headers,
    });
  }

  get(reference: string, merchant: typeof DEV | typeof DEV2 = DEV) {
    return this.call<Record<string, any>>('GET', `/epayment/v1/payments/${reference}`, { merchant });
  }

  events(reference: string) {
    return this.call<Array<Record<string, any>>>('GET', `/epayment/v1/payments/${reference}/events`);
  }

  close(): Promise<void> {
    return this.started.close();
  }
}

let counter = 0;
/** A fresh, valid reference. */
export function ref(prefix = 'test'): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}`;
}

/** A valid WEB_REDIRECT create body for MSN 123456. */
export function webRedirect(reference: string, value = 10_000, extra: Record<string, unknown> = {}) {
  return {
    amount: { currency: 'NOK', value },
    paymentMethod: { type: 'WALLET' },
    reference,
    userFlow: 'WEB_REDIRECT',
    returnUrl: 'https://example.com/return',
    paymentDescription: 'A test payment',
    ...extra,
  };
}

/** Starts a platform with a frozen clock at T0 and gives its Api. */
export async function startApi(): Promise<Api> {
  return new Api(await startPlatform({ frozenAt: T0 }));
}
