import { createSecretKey, type KeyObject } from 'node:crypto';
import type { Pool, buildConnector, Dispatcher } from 'undici';
import { undici } from './undici.js';
import { httpDate, signRequest } from './signing.js';

/** The result of one HTTP attempt: the status code (null when no answer came), the error, the latency. */
export interface SendResult {
  /** The receiver's HTTP status, or null on a timeout or a network error. */
  statusCode: number | null;
  /** Null on a 2xx; otherwise what went wrong (`HTTP 503: <start of body>`, `timeout after 10000 ms`, ...). */
  error: string | null;
  /** From sending to the end of the answer, in ms (real time). */
  latencyMs: number;
  /** True when the attempt was cut short because the platform is stopping: it must not be recorded. */
  interrupted: boolean;
}

/** Where and what to send: the registration's URL and secret, the body, and Betal's extra headers. */
export interface SendRequest {
  endpointId: string;
  url: string;
  secret: string;
  body: string;
  /** Betal's own headers (`x-betal-delivery-id`, ...), not signed. */
  extraHeaders: Record<string, string>;
}

/** Options of {@link WebhookSender}. */
export interface SenderOptions {
  /** No answer within this many ms (real time) is a failure. Default 10 000 (contract 4.5). */
  timeoutMs: number;
  /** At most this many connections per endpoint (the per-endpoint concurrency bound). */
  connectionsPerEndpoint: number;
  /** Real time (epoch ms) for `x-ms-date`. */
  wallNow: () => number;
  /**
   * Makes the connector of each endpoint's pool (destinations.ts: the connect-time address check outside dev mode),
   * given the connect timeout in ms. Default undici's own.
   */
  connector?: (timeoutMs: number) => buildConnector.connector;
}

const ERROR_BODY_CHARS = 200;

/**
 * POSTs signed webhook requests (contract 4.4, 4.5) with one undici connection pool per endpoint, so that a slow
 * or failing receiver only ever ties up its own connections. Redirects are not followed (a 3xx is a failure).
 * Each attempt is signed afresh with the current `x-ms-date`.
 */
export class WebhookSender {
  private readonly endpoints = new Map<
    string,
    { url: string; secret: string; key: KeyObject; path: string; host: string; pool: Pool }
  >();
  private stopping = false;
  private lastDate = { second: Number.NaN, text: '' };

  constructor(private readonly options: SenderOptions) {}

  private endpoint(endpointId: string, url: string, secret: string) {
    const existing = this.endpoints.get(endpointId);
    if (existing && existing.url === url && existing.secret === secret) return existing;
    if (existing) void existing.pool.destroy();
    const target = new URL(url);
    const pool = new (undici().Pool)(target.origin, {
      connections: this.options.connectionsPerEndpoint,
      pipelining: 1,
      keepAliveTimeout: 4_000,
      // No answer within the timeout is a failure: no headers, a stalled body, or no connection.
      headersTimeout: this.options.timeoutMs,
      bodyTimeout: this.options.timeoutMs,
      connect: this.options.connector
        ? this.options.connector(this.options.timeoutMs)
        : { timeout: this.options.timeoutMs },
    });
    const key = createSecretKey(Buffer.from(secret, 'utf8'));
    const entry = { url, secret, key, path: `${target.pathname}${target.search}`, host: target.host, pool };
    this.endpoints.set(endpointId, entry);
    return entry;
  }

  /** Sends one attempt; never throws: every failure is in the result. */
  async send(req: SendRequest): Promise<SendResult> {
    const started = performance.now();
    const elapsed = () => Math.round((performance.now() - started) * 100) / 100;
    if (this.stopping)
      return { statusCode: null, error: 'platform stopping', latencyMs: 0, interrupted: true };
    try {
      const endpoint = this.endpoint(req.endpointId, req.url, req.secret);
      const signed = signRequest(endpoint.key, endpoint.path, endpoint.host, req.body, this.date());
      const { statusCode, text } = await exchange(endpoint.pool, {
        method: 'POST',
        path: endpoint.path,
        headers: {
          host: signed.host,
          'content-type': 'application/json; charset=utf-8',
          'x-ms-date': signed['x-ms-date'],
          'x-ms-content-sha256': signed['x-ms-content-sha256'],
          authorization: signed.authorization,
          ...req.extraHeaders,
        },
        body: req.body,
      });
      const ok = statusCode >= 200 && statusCode < 300;
      const error = ok ? null : `HTTP ${statusCode}${text ? `: ${text}` : ''}`;
      return { statusCode, error, latencyMs: elapsed(), interrupted: false };
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      const timedOut = /^UND_ERR_(HEADERS|BODY|CONNECT)_TIMEOUT$/.test(code);
      const error = timedOut ? `timeout: no answer within ${this.options.timeoutMs} ms` : describeError(err);
      return { statusCode: null, error, latencyMs: elapsed(), interrupted: this.stopping && !timedOut };
    }
  }

  /** `x-ms-date` now: RFC 1123, made once per second. */
  private date(): string {
    const second = Math.floor(this.options.wallNow() / 1000);
    if (second !== this.lastDate.second) this.lastDate = { second, text: httpDate(second * 1000) };
    return this.lastDate.text;
  }

  /** Closes the pool of an endpoint (after its registration is deleted). */
  async forget(endpointId: string): Promise<void> {
    const entry = this.endpoints.get(endpointId);
    this.endpoints.delete(endpointId);
    if (entry) await entry.pool.destroy().catch(() => undefined);
  }

  /** Cuts the attempts under way short (they report `interrupted`) and closes every pool. */
  async close(): Promise<void> {
    this.stopping = true;
    const entries = [...this.endpoints.values()];
    this.endpoints.clear();
    await Promise.all(entries.map((e) => e.pool.destroy().catch(() => undefined)));
  }
}

/**
 * One request on the pool with a bare dispatch handler (no response stream): the status code, and for an answer
 * that is not a 2xx the start of its body, for the log.
 */
function exchange(
  pool: Pool,
  options: Dispatcher.DispatchOptions,
): Promise<{ statusCode: number; text: string }> {
  return new Promise((resolve, reject) => {
    let statusCode = 0;
    const chunks: Buffer[] = [];
    let size = 0;
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart() {},
      onResponseStart(_controller, code) {
        statusCode = code;
      },
      onResponseData(_controller, chunk) {
        if ((statusCode < 200 || statusCode >= 300) && size < ERROR_BODY_CHARS * 4) {
          chunks.push(chunk);
          size += chunk.length;
        }
      },
      onResponseEnd() {
        const text = Buffer.concat(chunks).toString('utf8').replace(/\s+/g, ' ').trim();
        resolve({
          statusCode,
          text: text.length > ERROR_BODY_CHARS ? `${text.slice(0, ERROR_BODY_CHARS)}…` : text,
        });
      },
      onResponseError(_controller, error) {
        reject(error);
      },
    };
    pool.dispatch(options, handler);
  });
}

function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as Error & { cause?: unknown }).cause;
  const code = (err as Error & { code?: string }).code;
  const base = code && !err.message.includes(code) ? `${code}: ${err.message}` : err.message;
  return cause instanceof Error && cause.message !== err.message ? `${base} (${cause.message})` : base;
}
