import { createHash, createHmac, timingSafeEqual, type KeyObject } from 'node:crypto';
import { WEBHOOK_HEADERS, WEBHOOK_SIGNED_HEADERS, type EPaymentWebhookPayload } from '@betal/contract';

/** base64(SHA-256(body)): the `x-ms-content-sha256` header of contract 4.4. */
function contentHashOf(body: string | Uint8Array): string {
  return createHash('sha256').update(body).digest('base64');
}

/** What the signature of contract 4.4 covers: the request line's method and path, and the three signed headers. */
interface SignedParts {
  /** The HTTP method, e.g. `POST` (upper-cased before signing). */
  method: string;
  /** The path and query of the registered URL, e.g. `/webhooks/vipps?shop=1`. */
  pathAndQuery: string;
  /** The `x-ms-date` header (RFC 1123). */
  date: string;
  /** The authority the request is meant for (`host`, with a non-default port). */
  host: string;
  /** The `x-ms-content-sha256` header: base64(SHA-256(body)). */
  contentHash: string;
}

/**
 * base64(HMAC-SHA256(key = UTF-8 bytes of the secret, `<METHOD>\n<path+query>\n<date>;<host>;<content hash>`)),
 * the `Signature` of contract 4.4. `secret` may be a KeyObject made from the secret's UTF-8 bytes.
 */
function signatureOf(secret: string | KeyObject, signed: SignedParts): string {
  const { method, pathAndQuery, date, host, contentHash } = signed;
  const key = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
  return createHmac('sha256', key)
    .update(`${method.toUpperCase()}\n${pathAndQuery}\n${date};${host};${contentHash}`, 'utf8')
    .digest('base64');
}

/** An RFC 1123 GMT date for `x-ms-date` from epoch ms: `Thu, 30 Mar 2023 08:38:32 GMT`. Contract 4.4. */
export function httpDate(epochMs: number): string {
  return new Date(epochMs).toUTCString();
}

/** What {@link signWebhook} signs: the registered URL, the exact body, the secret and the `x-ms-date`. */
export interface SignInput {
  /** The secret as registration returned it; its UTF-8 bytes are the HMAC key (never base64-decoded). */
  secret: string;
  /** The registered URL; its path+query and its authority (host with a non-default port) are signed. */
  url: string;
  /** The request body exactly as sent (bytes or their UTF-8 string). */
  body: string | Uint8Array;
  /** RFC 1123 GMT date, e.g. `Thu, 30 Mar 2023 08:38:32 GMT`, or a Date; default now. */
  date?: string | Date;
  /** The request method; default `POST`, the only one the Webhooks API sends. */
  method?: string;
}

/** The headers of a signed webhook request (contract 4.4); a type, so that it passes as a header record. */
export type SignedHeaders = {
  'x-ms-date': string;
  'x-ms-content-sha256': string;
  authorization: string;
  /** The authority the signature covers; the HTTP client must send this as `Host`. */
  host: string;
};

/**
 * Signs a webhook request as the Webhooks API does (contract 4.4), for testing a receiver (as Stripe's
 * `generateTestHeaderString`): `x-ms-content-sha256` is base64(SHA-256(body)); the string to sign is
 * `POST\n<path+query>\n<date>;<host>;<content hash>`; the signature is base64(HMAC-SHA256(key = UTF-8 of the
 * secret, string to sign)), sent as `Authorization: HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=<sig>`.
 * Send the headers with the same body to the same URL and {@link verifyWebhook} accepts them.
 * Throws TypeError when `url` is not an absolute URL.
 *
 * @example
 * ```ts
 * import { signWebhook } from '@betal/client';
 *
 * const url = 'http://127.0.0.1:3000/webhooks/vipps';
 * const body = JSON.stringify({ msn: '123456', reference: 'order-10001', name: 'AUTHORIZED', ... });
 * const headers = signWebhook({ secret: 'the registration secret', url, body });
 * await fetch(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body });
 * ```
 */
export function signWebhook(input: SignInput): SignedHeaders {
  const target = new URL(input.url);
  const date =
    input.date === undefined
      ? httpDate(Date.now())
      : typeof input.date === 'string'
        ? input.date
        : httpDate(input.date.getTime());
  return signRequest(
    input.secret,
    `${target.pathname}${target.search}`,
    target.host,
    input.body,
    date,
    input.method,
  );
}

/**
 * {@link signWebhook} with the registered URL already split into its path+query and its authority (`host`, with a
 * non-default port), for a sender that signs many requests to one URL. `secret` may be a KeyObject made from the
 * secret's UTF-8 bytes.
 */
export function signRequest(
  secret: string | KeyObject,
  pathAndQuery: string,
  host: string,
  body: string | Uint8Array,
  date: string,
  method = 'POST',
): SignedHeaders {
  const contentHash = contentHashOf(body);
  const signature = signatureOf(secret, { method, pathAndQuery, date, host, contentHash });
  return {
    'x-ms-date': date,
    'x-ms-content-sha256': contentHash,
    authorization: `HMAC-SHA256 SignedHeaders=${WEBHOOK_SIGNED_HEADERS}&Signature=${signature}`,
    host,
  };
}

/**
 * An incoming webhook request as any Node HTTP framework can describe it. Only the raw body will do: the content
 * hash is over the exact bytes received, so a body parsed and serialized again may not match.
 */
export interface IncomingWebhook {
  /** The request method; default `POST` (the only one the Webhooks API sends). */
  method?: string;
  /** Path and query exactly as received, e.g. `req.url` of node:http: `/hooks/vipps?shop=1`. */
  pathAndQuery: string;
  /**
   * The authority the request was sent to (host, and `:port` when not the default). Default: the `Host` header.
   * Behind a proxy that rewrites `Host`, pass the authority of the URL you registered.
   */
  host?: string;
  /** The request headers: a node:http `IncomingHttpHeaders`-like record (any case) or a fetch `Headers`. */
  headers: Headers | Record<string, string | string[] | undefined>;
  /** The raw body, as bytes or as the string they decode to (UTF-8). */
  body: string | Uint8Array;
}

/** Options of {@link verifyWebhook}. */
export interface VerifyWebhookOptions {
  /** The current time in epoch ms; default `Date.now`. Inject a test clock here. */
  now?: () => number;
  /** How far `x-ms-date` may be from now, either way, in seconds; default 300. */
  toleranceSeconds?: number;
}

/** Why a webhook was refused. */
export type WebhookRejection =
  | 'missing-header'
  | 'malformed-authorization'
  | 'content-hash-mismatch'
  | 'signature-mismatch'
  | 'invalid-date'
  | 'stale-date';

/** The verdict on a webhook: accepted with its `x-ms-date`, or refused with a reason. */
export type WebhookVerification =
  { ok: true; date: Date } | { ok: false; reason: WebhookRejection; message: string };

/** Thrown by {@link parseWebhook} when a webhook fails verification; `reason` says which check. */
export class WebhookVerificationError extends Error {
  constructor(
    readonly reason: WebhookRejection,
    message: string,
  ) {
    super(message);
    this.name = 'WebhookVerificationError';
  }
}

function headerOf(headers: IncomingWebhook['headers'], name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return Array.isArray(value) ? value[0] : value;
}

function sameBase64(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

function refuse(reason: WebhookRejection, message: string): WebhookVerification {
  return { ok: false, reason, message };
}

/**
 * Verifies a webhook of the Vipps MobilePay Webhooks API (contract 4.4), with no framework assumed:
 *
 * 1. `x-ms-content-sha256` must be base64(SHA-256(raw body));
 * 2. `Authorization` must be `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=<sig>`,
 *    where `<sig>` is base64(HMAC-SHA256(key: the UTF-8 bytes of the registration's secret, as returned, not
 *    base64-decoded; message: `POST\n<path+query>\n<x-ms-date>;<host>;<x-ms-content-sha256>`));
 * 3. `x-ms-date` (RFC 1123) must be within `toleranceSeconds` (default 300) of `now()`.
 *
 * `secret` may be a list (e.g. the old and the new secret while you replace a registration). Returns a verdict;
 * it never throws. Comparisons are constant-time.
 *
 * @example node:http
 * ```ts
 * import { createServer } from 'node:http';
 * import { verifyWebhook } from '@betal/client';
 *
 * createServer((req, res) => {
 *   const chunks: Buffer[] = [];
 *   req.on('data', (c: Buffer) => chunks.push(c));
 *   req.on('end', () => {
 *     const body = Buffer.concat(chunks);
 *     const verdict = verifyWebhook(
 *       { method: req.method, pathAndQuery: req.url ?? '/', headers: req.headers, body },
 *       process.env.VIPPS_WEBHOOK_SECRET!,
 *     );
 *     if (!verdict.ok) return res.writeHead(401).end(verdict.reason);
 *     const event = JSON.parse(body.toString('utf8')); // {msn, reference, pspReference, name, amount, ...}
 *     res.writeHead(200).end(); // answer fast (within 10 s); handle `event` idempotently: duplicates happen
 *   });
 * }).listen(8080);
 * ```
 *
 * @example Fastify (keep the raw body: register a parser that hands over the bytes)
 * ```ts
 * app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
 * app.post('/hooks/vipps', async (request, reply) => {
 *   const verdict = verifyWebhook(
 *     { method: request.method, pathAndQuery: request.url, headers: request.headers, body: request.body as Buffer },
 *     secret,
 *   );
 *   if (!verdict.ok) return reply.code(401).send({ error: verdict.reason });
 *   const event = JSON.parse((request.body as Buffer).toString('utf8'));
 *   return reply.code(200).send();
 * });
 * ```
 */
export function verifyWebhook(
  request: IncomingWebhook,
  secret: string | readonly string[],
  options: VerifyWebhookOptions = {},
): WebhookVerification {
  const date = headerOf(request.headers, WEBHOOK_HEADERS.date);
  const contentHash = headerOf(request.headers, WEBHOOK_HEADERS.contentHash);
  const authorization = headerOf(request.headers, WEBHOOK_HEADERS.authorization);
  const host = request.host ?? headerOf(request.headers, WEBHOOK_HEADERS.host);
  for (const [name, value] of [
    [WEBHOOK_HEADERS.date, date],
    [WEBHOOK_HEADERS.contentHash, contentHash],
    [WEBHOOK_HEADERS.authorization, authorization],
    [WEBHOOK_HEADERS.host, host],
  ] as const) {
    if (value === undefined || value === '')
      return refuse('missing-header', `The ${name} header is missing.`);
  }

  const bytes = typeof request.body === 'string' ? Buffer.from(request.body, 'utf8') : request.body;
  if (!sameBase64(contentHashOf(bytes), contentHash as string)) {
    return refuse('content-hash-mismatch', 'x-ms-content-sha256 does not match the body received.');
  }

  const match = /^HMAC-SHA256\s+(.+)$/i.exec((authorization as string).trim());
  const params = new Map<string, string>();
  for (const part of (match?.[1] ?? '').split('&')) {
    const eq = part.indexOf('=');
    if (eq > 0) params.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
  }
  const signedHeaders = params.get('signedheaders');
  const signature = params.get('signature');
  if (!match || signature === undefined || signedHeaders?.toLowerCase() !== WEBHOOK_SIGNED_HEADERS) {
    return refuse(
      'malformed-authorization',
      `Authorization must be "HMAC-SHA256 SignedHeaders=${WEBHOOK_SIGNED_HEADERS}&Signature=<base64>".`,
    );
  }

  const secrets = typeof secret === 'string' ? [secret] : secret;
  const method = request.method ?? 'POST';
  const valid = secrets.some((s) =>
    sameBase64(
      signatureOf(s, {
        method,
        pathAndQuery: request.pathAndQuery,
        date: date as string,
        host: host as string,
        contentHash: contentHash as string,
      }),
      signature,
    ),
  );
  if (!valid)
    return refuse('signature-mismatch', 'The signature does not match this secret, path, host and date.');

  const sent = Date.parse(date as string);
  if (!/GMT$/.test((date as string).trim()) || Number.isNaN(sent)) {
    return refuse('invalid-date', 'x-ms-date must be an RFC 1123 date in GMT.');
  }
  const now = (options.now ?? Date.now)();
  const tolerance = (options.toleranceSeconds ?? 300) * 1000;
  if (Math.abs(now - sent) > tolerance) {
    return refuse('stale-date', `x-ms-date is more than ${tolerance / 1000} s away from now.`);
  }
  return { ok: true, date: new Date(sent) };
}

/**
 * Verifies a webhook ({@link verifyWebhook}) and parses its body: the ePayment payload of contract 4.3 by default.
 * Throws WebhookVerificationError (with the `reason`) when verification fails, SyntaxError for a body that is not
 * JSON.
 */
export function parseWebhook<T = EPaymentWebhookPayload>(
  request: IncomingWebhook,
  secret: string | readonly string[],
  options: VerifyWebhookOptions = {},
): T {
  const verdict = verifyWebhook(request, secret, options);
  if (!verdict.ok) throw new WebhookVerificationError(verdict.reason, verdict.message);
  const text = typeof request.body === 'string' ? request.body : Buffer.from(request.body).toString('utf8');
  return JSON.parse(text) as T;
}
