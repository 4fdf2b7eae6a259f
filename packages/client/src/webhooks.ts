import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { EPaymentWebhookPayload } from '@betal/contract';

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

const EXPECTED_SIGNED_HEADERS = 'x-ms-date;host;x-ms-content-sha256';

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
  const date = headerOf(request.headers, 'x-ms-date');
  const contentHash = headerOf(request.headers, 'x-ms-content-sha256');
  const authorization = headerOf(request.headers, 'authorization');
  const host = request.host ?? headerOf(request.headers, 'host');
  for (const [name, value] of [
    ['x-ms-date', date],
    ['x-ms-content-sha256', contentHash],
    ['authorization', authorization],
    ['host', host],
  ] as const) {
    if (value === undefined || value === '')
      return refuse('missing-header', `The ${name} header is missing.`);
  }

  const bytes = typeof request.body === 'string' ? Buffer.from(request.body, 'utf8') : request.body;
  const actualHash = createHash('sha256').update(bytes).digest('base64');
  if (!sameBase64(actualHash, contentHash as string)) {
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
  if (!match || signature === undefined || signedHeaders?.toLowerCase() !== EXPECTED_SIGNED_HEADERS) {
    return refuse(
      'malformed-authorization',
      `Authorization must be "HMAC-SHA256 SignedHeaders=${EXPECTED_SIGNED_HEADERS}&Signature=<base64>".`,
    );
  }

  const message = `${(request.method ?? 'POST').toUpperCase()}\n${request.pathAndQuery}\n${date};${host};${contentHash}`;
  const secrets = typeof secret === 'string' ? [secret] : secret;
  const valid = secrets.some((s) =>
    sameBase64(
      createHmac('sha256', Buffer.from(s, 'utf8')).update(message, 'utf8').digest('base64'),
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
