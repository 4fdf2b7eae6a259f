import { createHash, createHmac, type KeyObject } from 'node:crypto';

/** What is signed: the registered URL, the exact body bytes, and the `x-ms-date` value. */
export interface SignInput {
  /** The secret as registration returned it; its UTF-8 bytes are the HMAC key (never base64-decoded). */
  secret: string;
  /** The registered URL; its path+query and its authority (host with a non-default port) are signed. */
  url: string;
  /** The request body exactly as sent. */
  body: string | Uint8Array;
  /** RFC 1123 GMT date, e.g. `Thu, 30 Mar 2023 08:38:32 GMT`. */
  date: string;
}

/** The headers of a signed webhook request (contract 4.4). */
export interface SignedHeaders {
  'x-ms-date': string;
  'x-ms-content-sha256': string;
  authorization: string;
  /** The authority the signature covers; the HTTP client must send this as `Host`. */
  host: string;
}

/** An RFC 1123 GMT date for `x-ms-date` from epoch ms: `Thu, 30 Mar 2023 08:38:32 GMT`. Contract 4.4. */
export function httpDate(epochMs: number): string {
  return new Date(epochMs).toUTCString();
}

/**
 * Signs a webhook request as the Webhooks API does (contract 4.4): `x-ms-content-sha256` is base64(SHA-256(body));
 * the string to sign is `POST\n<path+query>\n<date>;<host>;<content hash>`; the signature is
 * base64(HMAC-SHA256(key = UTF-8 of the secret, string to sign)), sent as
 * `Authorization: HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=<sig>`.
 * Throws TypeError when `url` is not an absolute URL.
 */
export function signWebhook(input: SignInput): SignedHeaders {
  const target = new URL(input.url);
  return signRequest(input.secret, `${target.pathname}${target.search}`, target.host, input.body, input.date);
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
): SignedHeaders {
  const contentHash = createHash('sha256').update(body).digest('base64');
  const key = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
  const signature = createHmac('sha256', key)
    .update(`POST\n${pathAndQuery}\n${date};${host};${contentHash}`, 'utf8')
    .digest('base64');
  return {
    'x-ms-date': date,
    'x-ms-content-sha256': contentHash,
    authorization: `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${signature}`,
    host,
  };
}
