import { createHash } from 'node:crypto';
import { HEADERS, SYSTEM_HEADERS } from '@betal/contract';
import type {
  AccessTokenResponse,
  Amount,
  CreatePaymentRequest,
  CreatePaymentResponse,
  ExtraDetail,
  ForceApproveRequest,
  GetPaymentResponse,
  ImageRequest,
  ImageResponse,
  InvalidParam,
  ModificationResponse,
  OmPaymentType,
  OrderCategory,
  OrderV2Response,
  PaymentEvent,
  QueryWebhooksResponse,
  Receipt,
  RegisterWebhookRequest,
  RegisterWebhookResponse,
  Userinfo,
} from '@betal/contract';

const [SYSTEM_NAME, SYSTEM_VERSION, SYSTEM_PLUGIN_NAME, SYSTEM_PLUGIN_VERSION] = SYSTEM_HEADERS;

/** How the client retries: attempts in all (first try included) and the backoff, in milliseconds. */
export interface RetryPolicy {
  /** Tries in all, the first included; default 4. */
  attempts: number;
  /** First backoff when the answer gives no Retry-After; doubled each time, with jitter. Default 250 ms. */
  baseDelayMs: number;
  /** Longest wait between tries, Retry-After included. Default 10 000 ms. */
  maxDelayMs: number;
}

/** Settings of {@link VippsClient}: the sales unit's credentials and where the API is. */
export interface VippsClientOptions {
  /** Base URL of the API: `https://apitest.vipps.no` (default), `https://api.vipps.no`, or a Betal platform. */
  baseUrl?: string;
  clientId: string;
  clientSecret: string;
  subscriptionKey: string;
  merchantSerialNumber: string;
  /** Sent as the `Vipps-System-*` headers (at most 30 characters each). */
  system?: { name?: string; version?: string; pluginName?: string; pluginVersion?: string };
  retry?: Partial<RetryPolicy>;
  /** Injected for tests: the fetch to use, the time (epoch ms), and how to wait. */
  fetch?: typeof fetch;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * An error answer of the API: the HTTP status, the Problem body (contract 3.9) and its `ErrorCode` when the
 * answer carries one (for example 6090 for "capture amount too high").
 */
export class VippsApiError extends Error {
  readonly code: number | undefined;
  /**
   * The fields at fault, whichever way the API names them: `extraDetails` of an ePayment Problem (contract 3.9)
   * or `invalidParams` of an Order Management error (contract 6). Empty when the body names none.
   */
  readonly invalidParams: InvalidParam[];
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly method: string,
    readonly path: string,
  ) {
    const problem = (body !== null && typeof body === 'object' ? body : {}) as {
      title?: string;
      detail?: string;
      extraDetails?: ExtraDetail[] | null;
      invalidParams?: InvalidParam[] | null;
    };
    const code = problem.extraDetails?.find((d) => d.name === 'ErrorCode')?.reason;
    super(
      `${method} ${path} answered ${status}${problem.title ? `: ${problem.title}` : ''}${problem.detail ? ` (${problem.detail})` : ''}`,
    );
    this.name = 'VippsApiError';
    this.code = code !== undefined && /^\d+$/.test(code) ? Number(code) : undefined;
    this.invalidParams = [...(problem.invalidParams ?? []), ...(problem.extraDetails ?? [])].filter(
      (d) => d.name !== 'ErrorCode',
    );
  }
}

/** The body of an answer: its JSON, its text when it is not JSON, or undefined when it is empty. */
export async function bodyOf(res: Response): Promise<unknown> {
  const text = await res.text();
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return text;
  }
}

/**
 * A key of at most 50 characters for one operation, derived from the merchant's own ids so that a retry of the
 * same operation (even after a restart) sends the same key (contract 3.8): `capture` of order `A-17` shipment 2
 * → the same key every time.
 */
export function deriveIdempotencyKey(operation: string, ...ids: Array<string | number>): string {
  const readable = [operation, ...ids].join('-').replace(/[^A-Za-z0-9-]/g, '');
  if (readable.length <= 50) return readable;
  const hash = createHash('sha256')
    .update([operation, ...ids].join('\u0000'))
    .digest('base64url')
    .slice(0, 22);
  return `${readable.slice(0, 27)}-${hash}`;
}

function retryAfterMs(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  if (/^\d+(\.\d+)?$/.test(header.trim())) return Number(header) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

const RETRYABLE = (status: number) => status === 423 || status === 429 || status >= 500;

/**
 * A typed client of the Vipps MobilePay merchant APIs (Access Token and ePayment v1). It caches the access token
 * until a minute before `expires_on` and fetches a new one on a 401; it retries 423, 429, 5xx and network
 * failures with the same Idempotency-Key, honouring Retry-After; every other error answer throws
 * {@link VippsApiError}. Works against the real API and a Betal platform alike: only `baseUrl` differs.
 */
export class VippsClient {
  private readonly baseUrl: string;
  private readonly retry: RetryPolicy;
  private readonly fetchImpl: typeof fetch;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private token: { value: string; expiresAt: number } | undefined;
  private tokenRequest: Promise<string> | undefined;

  constructor(private readonly options: VippsClientOptions) {
    this.baseUrl = (options.baseUrl ?? 'https://apitest.vipps.no').replace(/\/$/, '');
    this.retry = { attempts: 4, baseDelayMs: 250, maxDelayMs: 10_000, ...options.retry };
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /** A valid access token (contract 2), from the cache while it has more than 60 s left. */
  accessToken(): Promise<string> {
    if (this.token && this.now() < this.token.expiresAt - 60_000) return Promise.resolve(this.token.value);
    this.tokenRequest ??= this.fetchToken().finally(() => {
      this.tokenRequest = undefined;
    });
    return this.tokenRequest;
  }

  private async fetchToken(): Promise<string> {
    const res = await this.send('POST', '/accesstoken/get', undefined, {
      [HEADERS.clientId]: this.options.clientId,
      [HEADERS.clientSecret]: this.options.clientSecret,
      [HEADERS.subscriptionKey]: this.options.subscriptionKey,
    });
    const body = (await res.json()) as AccessTokenResponse;
    this.token = { value: body.access_token, expiresAt: Number(body.expires_on) * 1000 };
    return body.access_token;
  }

  /** Forgets the cached token, so the next call fetches a new one. */
  clearToken(): void {
    this.token = undefined;
  }

  private async send(
    method: string,
    path: string,
    body: unknown,
    headers: Record<string, string>,
  ): Promise<Response> {
    for (let attempt = 1; ; attempt++) {
      let res: Response | undefined;
      let failure: unknown;
      try {
        res = await this.fetchImpl(`${this.baseUrl}${path}`, {
          method,
          headers,
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        });
      } catch (error) {
        failure = error;
      }
      if (res && res.ok) return res;
      const retryable = res === undefined || RETRYABLE(res.status);
      if (!retryable || attempt >= this.retry.attempts) {
        if (res === undefined) throw failure;
        throw new VippsApiError(res.status, await bodyOf(res), method, path);
      }
      const hinted = res ? retryAfterMs(res.headers.get('retry-after'), this.now()) : undefined;
      const backoff = this.retry.baseDelayMs * 2 ** (attempt - 1) * (0.5 + Math.random() / 2);
      await res?.body?.cancel();
      await this.sleep(Math.min(this.retry.maxDelayMs, hinted ?? backoff));
    }
  }

  /**
   * One authenticated API call with the standard headers (contract 1). A 401 with a cached token fetches a new
   * token once and tries again. Returns the parsed JSON body (undefined for an empty one); throws VippsApiError.
   */
  async request<T>(
    method: string,
    path: string,
    body?: unknown,
    extra: Record<string, string> = {},
  ): Promise<T> {
    const text = await this.exchange(method, path, body, extra);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /**
   * As {@link request}, for answers whose body is a bare string: Order Management answers a category or receipt
   * write with a JSON string (`"<uuid>"`) in the spec, and some servers send it unquoted. Returns the string
   * either way (empty for an empty body).
   */
  private async requestString(
    method: string,
    path: string,
    body?: unknown,
    extra: Record<string, string> = {},
  ): Promise<string> {
    const text = await this.exchange(method, path, body, extra);
    try {
      const parsed: unknown = JSON.parse(text);
      return typeof parsed === 'string' ? parsed : text;
    } catch {
      return text;
    }
  }

  /** One authenticated call (see {@link request}), answering the raw text of a 2xx body. */
  private async exchange(
    method: string,
    path: string,
    body: unknown,
    extra: Record<string, string>,
  ): Promise<string> {
    for (let renewed = false; ; renewed = true) {
      const token = await this.accessToken();
      const s = this.options.system ?? {};
      const headers: Record<string, string> = {
        [HEADERS.authorization]: `Bearer ${token}`,
        [HEADERS.subscriptionKey]: this.options.subscriptionKey,
        [HEADERS.merchantSerialNumber]: this.options.merchantSerialNumber,
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        ...(s.name ? { [SYSTEM_NAME]: s.name } : {}),
        ...(s.version ? { [SYSTEM_VERSION]: s.version } : {}),
        ...(s.pluginName ? { [SYSTEM_PLUGIN_NAME]: s.pluginName } : {}),
        ...(s.pluginVersion ? { [SYSTEM_PLUGIN_VERSION]: s.pluginVersion } : {}),
        ...extra,
      };
      try {
        const res = await this.send(method, path, body, headers);
        return await res.text();
      } catch (error) {
        if (!renewed && error instanceof VippsApiError && error.status === 401) {
          this.clearToken();
          continue;
        }
        throw error;
      }
    }
  }

  /** The ePayment API v1 (contract 3). Each changing call takes the Idempotency-Key to send. */
  readonly epayment = {
    /** POST /epayment/v1/payments → 201 {reference, redirectUrl?}. */
    create: (body: CreatePaymentRequest, idempotencyKey: string) =>
      this.request<CreatePaymentResponse>('POST', '/epayment/v1/payments', body, {
        [HEADERS.idempotencyKey]: idempotencyKey,
      }),
    /** GET /epayment/v1/payments/{reference}. */
    get: (reference: string) =>
      this.request<GetPaymentResponse>('GET', `/epayment/v1/payments/${encodeURIComponent(reference)}`),
    /** GET /epayment/v1/payments/{reference}/events: the event log in order. */
    events: (reference: string) =>
      this.request<PaymentEvent[]>('GET', `/epayment/v1/payments/${encodeURIComponent(reference)}/events`),
    /** POST .../capture of `amount` (minor units). */
    capture: (reference: string, amount: Amount, idempotencyKey: string) =>
      this.request<ModificationResponse>(
        'POST',
        `/epayment/v1/payments/${encodeURIComponent(reference)}/capture`,
        { modificationAmount: amount },
        { [HEADERS.idempotencyKey]: idempotencyKey },
      ),
    /** POST .../refund of `amount` (minor units). */
    refund: (reference: string, amount: Amount, idempotencyKey: string) =>
      this.request<ModificationResponse>(
        'POST',
        `/epayment/v1/payments/${encodeURIComponent(reference)}/refund`,
        { modificationAmount: amount },
        { [HEADERS.idempotencyKey]: idempotencyKey },
      ),
    /** POST .../cancel; `cancelTransactionOnly` leaves an authorized payment as it is (6060). */
    cancel: (reference: string, idempotencyKey?: string, options: { cancelTransactionOnly?: boolean } = {}) =>
      this.request<ModificationResponse>(
        'POST',
        `/epayment/v1/payments/${encodeURIComponent(reference)}/cancel`,
        options.cancelTransactionOnly !== undefined
          ? { cancelTransactionOnly: options.cancelTransactionOnly }
          : undefined,
        idempotencyKey ? { [HEADERS.idempotencyKey]: idempotencyKey } : {},
      ),
    /** POST /epayment/v1/test/payments/{reference}/approve (test environment only). */
    forceApprove: (reference: string, body: ForceApproveRequest) =>
      this.request<undefined>(
        'POST',
        `/epayment/v1/test/payments/${encodeURIComponent(reference)}/approve`,
        body,
      ),
  };

  /**
   * The Webhooks API v1 (contract 4.1). The registration's `secret` is answered only by `register`: keep it to
   * verify the signature of each delivery (contract 4.4). Errors throw {@link VippsApiError} (400 Problem).
   */
  readonly webhooks = {
    /** POST /webhooks/v1/webhooks → 201 `{id, secret}`; `url` https (a Betal platform in dev mode also takes http). */
    register: (body: RegisterWebhookRequest) =>
      this.request<RegisterWebhookResponse>('POST', '/webhooks/v1/webhooks', body),
    /** GET /webhooks/v1/webhooks → `{webhooks: [{id, url, events}]}` of this MSN (no secrets). */
    list: () => this.request<QueryWebhooksResponse>('GET', '/webhooks/v1/webhooks'),
    /** DELETE /webhooks/v1/webhooks/{id} → 204. */
    delete: (id: string) =>
      this.request<undefined>('DELETE', `/webhooks/v1/webhooks/${encodeURIComponent(id)}`),
  };

  /**
   * The Order Management API v2 (contract 6): the category (with the merchant's `orderDetailsUrl`) and the
   * receipt of an order, keyed by `orderId` = the ePayment `reference`, `paymentType` ECOM by default. Its error
   * bodies carry `invalidParams` (see {@link VippsApiError.invalidParams}).
   */
  readonly orderManagement = {
    /** PUT /order-management/v2/{paymentType}/categories/{orderId} (upsert) → the category id string. */
    putCategory: (orderId: string, category: OrderCategory, paymentType: OmPaymentType = 'ECOM') =>
      this.requestString(
        'PUT',
        `/order-management/v2/${paymentType}/categories/${encodeURIComponent(orderId)}`,
        category,
      ),
    /** POST /order-management/v2/{paymentType}/receipts/{orderId} → 201, the receipt id string; immutable (409 on a second). */
    addReceipt: (orderId: string, receipt: Receipt, paymentType: OmPaymentType = 'ECOM') =>
      this.requestString(
        'POST',
        `/order-management/v2/${paymentType}/receipts/${encodeURIComponent(orderId)}`,
        receipt,
      ),
    /** GET /order-management/v2/{paymentType}/{orderId} → `{category?, receipt?}`. */
    getOrder: (orderId: string, paymentType: OmPaymentType = 'ECOM') =>
      this.request<OrderV2Response>(
        'GET',
        `/order-management/v2/${paymentType}/${encodeURIComponent(orderId)}`,
      ),
    /** POST /order-management/v1/images: a PNG or JPEG as base64 (≥ 167 px high, ≤ 2 MB) → `{imageId}`. */
    addImage: (image: ImageRequest) =>
      this.request<ImageResponse>('POST', '/order-management/v1/images', image),
  };

  /**
   * The Userinfo API (contract 5): the claims a user consented to share, by the `sub` of a payment's profile
   * (`GET payment` → `profile.sub`), within 168 hours of the consent. Errors throw {@link VippsApiError}.
   */
  readonly userinfo = {
    /** GET /vipps-userinfo-api/userinfo/{sub} → `{sub, phone_number?, name?, email?, ...}`. */
    get: (sub: string) =>
      this.request<Userinfo>('GET', `/vipps-userinfo-api/userinfo/${encodeURIComponent(sub)}`),
  };
}
