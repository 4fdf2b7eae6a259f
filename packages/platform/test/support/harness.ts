import { startPlatform, type StartPlatformOptions, type StartedPlatform } from '../../src/internal-entry.js';
import { openForFile } from './fixture.js';

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
 * How an {@link Api} reaches its platform: `socket` is a real HTTP request to `started.url` (fetch: the wire as an
 * integrator's code sees it); `inject` hands the request to the platform's Fastify app (`app.inject()`: the same
 * routes, hooks, parsers and answers without a TCP connection, so faster). Both give the same {@link ApiResponse}.
 */
export type Transport = 'socket' | 'inject';

/** One request as the {@link Api} sends it: `body` is the exact text (no body when undefined). */
interface Sent {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** What a transport answers: status, headers and the body text (empty when none). */
interface Received {
  status: number;
  headers: Headers;
  text: string;
}

async function overSocket(url: string, sent: Sent): Promise<Received> {
  const res = await fetch(`${url}${sent.path}`, {
    method: sent.method,
    headers: sent.headers,
    ...(sent.body !== undefined ? { body: sent.body } : {}),
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

async function byInject(started: StartedPlatform, sent: Sent): Promise<Received> {
  const headers = { ...sent.headers };
  // fetch labels a text body it was given without a Content-Type; inject would send none, so do as fetch does.
  if (sent.body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
    headers['content-type'] = 'text/plain;charset=UTF-8';
  }
  const res = await started.platform.app.inject({
    method: sent.method as 'GET',
    url: sent.path,
    headers,
    ...(sent.body !== undefined ? { payload: sent.body } : {}),
  });
  const answered = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    if (value === undefined) continue;
    for (const one of [value].flat()) answered.append(name, String(one));
  }
  return { status: res.statusCode, headers: answered, text: res.body };
}

/**
 * A test's view of a running platform: raw HTTP calls with a merchant's credentials, so that tests exercise the
 * wire format exactly as an integrator's code does. `transport` says how the calls travel ({@link Transport};
 * default `socket`); `url` is the platform's listening address either way.
 */
export class Api {
  private tokens = new Map<string, { token: string; expiresOn: number }>();
  constructor(
    readonly started: StartedPlatform,
    readonly transport: Transport = 'socket',
  ) {}

  /** Sends one request by this Api's transport. */
  private send(sent: Sent): Promise<Received> {
    return this.transport === 'inject' ? byInject(this.started, sent) : overSocket(this.url, sent);
  }

  get url(): string {
    return this.started.url;
  }

  async token(
    merchant: { clientId: string; clientSecret: string; subscriptionKey: string } = DEV,
  ): Promise<string> {
    const cached = this.tokens.get(merchant.clientId);
    // A cached token is reused while the platform clock says it is valid (tests move that clock forward).
    if (cached && this.started.clock.now() < cached.expiresOn * 1000) return cached.token;
    const res = await this.send({
      method: 'POST',
      path: '/accesstoken/get',
      headers: {
        client_id: merchant.clientId,
        client_secret: merchant.clientSecret,
        'Ocp-Apim-Subscription-Key': merchant.subscriptionKey,
      },
    });
    const body = JSON.parse(res.text) as { access_token: string; expires_on: string };
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
    const body = options.raw ?? (options.body !== undefined ? JSON.stringify(options.body) : undefined);
    const {
      status,
      headers: answered,
      text,
    } = await this.send({
      method,
      path,
      headers,
      ...(body !== undefined ? { body } : {}),
    });
    return { status, headers: answered, body: (text ? JSON.parse(text) : undefined) as T };
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

/**
 * Starts a platform (in memory, dev mode, listening on a free port of 127.0.0.1; the clock frozen at T0 unless
 * `options.frozenAt` says otherwise) and gives its Api, whose calls travel by `transport` (default `socket`).
 * The caller closes it (`api.close()`).
 */
export async function startApi(
  options: StartPlatformOptions = {},
  transport: Transport = 'socket',
): Promise<Api> {
  return new Api(await startPlatform({ frozenAt: T0, ...options }), transport);
}

/** Options of {@link usePlatformApi}: how to start the platform, and how the Api's calls travel. */
export interface PlatformApiOptions extends StartPlatformOptions {
  /**
   * `inject` (the default) for files that only speak the HTTP API through the Api; `socket` for wire-level
   * tests (timeouts, connections, parser errors, SSE, webhook deliveries, fetch with the URL, browsers).
   */
  transport?: Transport;
}

/**
 * The platform of this test file, as an {@link Api}: a `beforeAll` registered where this is called starts it
 * ({@link startApi}: in memory, dev mode, frozen at T0 unless `frozenAt` is given) and an `afterAll` closes it.
 * Call it at the top of the file or of a `describe`; use the answer inside hooks and tests (before the
 * `beforeAll` has run it throws). `const api = usePlatformApi();` replaces `let api; beforeAll(...); afterAll(...)`.
 */
export function usePlatformApi(options: PlatformApiOptions = {}): Api {
  const { transport = 'inject', ...start } = options;
  return openForFile(() => startApi(start, transport));
}

/**
 * The platform of this test file, as started ({@link startPlatform}: in memory, dev mode, a running clock unless
 * `frozenAt` is given; nothing added): opened in a `beforeAll` where this is called, closed in an `afterAll`. For
 * files that speak to `url` with their own fetch or client rather than through an {@link Api}.
 */
export function usePlatform(options: StartPlatformOptions = {}): StartedPlatform {
  return openForFile(() => startPlatform(options));
}
