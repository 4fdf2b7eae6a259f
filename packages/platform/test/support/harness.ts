import { startPlatform, type StartedPlatform } from '../../src/internal-entry.js';

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

/** Every ePayment event type (contract 4.2). */
export const ALL_EPAYMENT_EVENTS = [
  'created',
  'authorized',
  'aborted',
  'expired',
  'cancelled',
  'captured',
  'refunded',
  'terminated',
].map((e) => `epayments.payment.${e}.v1`);

/**
 * A test's view of a running platform: raw HTTP calls with a merchant's credentials, so that tests exercise the
 * wire format exactly as an integrator's code does.
 */
export class Api {
  private tokens = new Map<string, { token: string; expiresOn: number }>();
  constructor(readonly started: StartedPlatform) {}

  get url(): string {
    return this.started.url;
  }

  async token(
    merchant: { clientId: string; clientSecret: string; subscriptionKey: string } = DEV,
  ): Promise<string> {
    const cached = this.tokens.get(merchant.clientId);
    // A cached token is reused while the platform clock says it is valid (tests move that clock forward).
    if (cached && this.started.clock.now() < cached.expiresOn * 1000) return cached.token;
    const res = await fetch(`${this.url}/accesstoken/get`, {
      method: 'POST',
      headers: {
        client_id: merchant.clientId,
        client_secret: merchant.clientSecret,
        'Ocp-Apim-Subscription-Key': merchant.subscriptionKey,
      },
    });
    const body = (await res.json()) as { access_token: string; expires_on: string };
    this.tokens.set(merchant.clientId, { token: body.access_token, expiresOn: Number(body.expires_on) });
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
    merchant: typeof DEV | typeof DEV2 = DEV,
  ) {
    const headers = await this.headers(merchant, { 'Idempotency-Key': key });
    return this.call<Record<string, unknown>>('POST', `/epayment/v1/payments/${reference}/${operation}`, {
      body: { modificationAmount: { currency, value } },
      headers,
    });
  }

  async cancel(reference: string, body?: unknown, key?: string, merchant: typeof DEV | typeof DEV2 = DEV) {
    const headers = await this.headers(merchant, key ? { 'Idempotency-Key': key } : {});
    return this.call<Record<string, unknown>>('POST', `/epayment/v1/payments/${reference}/cancel`, {
      body,
      headers,
    });
  }

  get(reference: string, merchant: typeof DEV | typeof DEV2 = DEV) {
    return this.call<Record<string, any>>('GET', `/epayment/v1/payments/${reference}`, { merchant });
  }

  events(reference: string, merchant: typeof DEV | typeof DEV2 = DEV) {
    return this.call<Array<Record<string, any>>>('GET', `/epayment/v1/payments/${reference}/events`, {
      merchant,
    });
  }

  /** Force approve with any body (`{customer?, token?}`), e.g. by the redirectUrl token. */
  forceApprove(reference: string, body: unknown, merchant: typeof DEV | typeof DEV2 = DEV) {
    return this.call('POST', `/epayment/v1/test/payments/${reference}/approve`, { body, merchant });
  }

  /** Moves the platform clock forward through `POST /betal/clock/advance` (which also expires what is due). */
  advance(seconds: number) {
    return this.call<{ now: string; expired: number }>('POST', '/betal/clock/advance', {
      body: { seconds },
      headers: { 'Content-Type': 'application/json' },
    });
  }

  /** An Order Management call: `path` below `/order-management` (e.g. `/v2/ECOM/categories/order-1`). */
  om<T = any>(method: string, path: string, body?: unknown, merchant: typeof DEV | typeof DEV2 = DEV) {
    return this.call<T>(method, `/order-management${path}`, {
      merchant,
      ...(body !== undefined ? { body } : {}),
    });
  }

  /** GET /vipps-userinfo-api/userinfo/{sub} with a merchant's token (and its MSN header). */
  userinfo(sub: string, merchant: typeof DEV | typeof DEV2 = DEV) {
    return this.call<Record<string, any>>('GET', `/vipps-userinfo-api/userinfo/${encodeURIComponent(sub)}`, {
      merchant,
    });
  }

  /** POST /webhooks/v1/webhooks: registers `url` for `events` (default every ePayment event). */
  registerWebhook(url: string, events?: string[], merchant: typeof DEV | typeof DEV2 = DEV) {
    return this.call<{ id: string; secret: string }>('POST', '/webhooks/v1/webhooks', {
      body: { url, events: events ?? ALL_EPAYMENT_EVENTS },
      merchant,
    });
  }

  /** GET /webhooks/v1/webhooks of a merchant. */
  listWebhooks(merchant: typeof DEV | typeof DEV2 = DEV) {
    return this.call<{ webhooks: Array<{ id: string; url: string; events: string[] }> }>(
      'GET',
      '/webhooks/v1/webhooks',
      { merchant },
    );
  }

  /** DELETE /webhooks/v1/webhooks/{id} of a merchant. */
  deleteWebhook(id: string, merchant: typeof DEV | typeof DEV2 = DEV) {
    return this.call('DELETE', `/webhooks/v1/webhooks/${encodeURIComponent(id)}`, { merchant });
  }

  /** A registration's delivery log (`GET /betal/webhooks/{id}/deliveries`), newest first. */
  deliveries(webhookId: string, query = '') {
    return this.call<{ webhook: Record<string, any>; deliveries: Array<Record<string, any>> }>(
      'GET',
      `/betal/webhooks/${encodeURIComponent(webhookId)}/deliveries${query}`,
      { headers: {} },
    );
  }

  close(): Promise<void> {
    return this.started.close();
  }
}

/** The ePayment error code of a Problem body (`extraDetails: [{name: 'ErrorCode', reason}]`), if any. */
export function errorCode(body: unknown): string | undefined {
  const details = (body as { extraDetails?: Array<{ name: string; reason: string }> | null } | undefined)
    ?.extraDetails;
  return details?.find((d) => d.name === 'ErrorCode')?.reason;
}

/** The `token` query value of a redirectUrl: what force approve takes as `token` (contract 3.3, 3.10). */
export function tokenOf(redirectUrl: string): string {
  const token = new URL(redirectUrl).searchParams.get('token');
  if (!token) throw new Error(`no token in ${redirectUrl}`);
  return token;
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
