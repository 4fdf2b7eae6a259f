import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { EPaymentWebhookPayload } from '@betal/contract';
import { httpDate, signWebhook } from '../delivery/signing.js';

/** The cases of the check, in the order they are sent. */
export const WEBHOOK_CHECK_CASES = [
  'valid',
  'duplicate',
  'out-of-order',
  'stale-date',
  'bad-signature',
  'tampered-body',
  'wrong-host',
  'unknown-payment',
] as const;

/** One case of the check: `valid`, `duplicate`, … (see {@link WEBHOOK_CHECK_CASES}). */
export type WebhookCheckCaseId = (typeof WEBHOOK_CHECK_CASES)[number];

/** What to check: the receiver's URL (as registered) and the registration's secret. */
export interface WebhookCheckInput {
  /** The receiver's URL exactly as registered (its path+query and authority are signed), http or https. */
  url: string;
  /** The registration's secret: its UTF-8 bytes are the HMAC key (contract 4.4). */
  secret: string;
  /** The MSN the events name; default `123456` (the dev sales unit). */
  msn?: string;
  /**
   * A payment the receiver knows, for the valid, duplicate and out-of-order cases. Default: a made-up reference
   * (`betal-check-<hex>`), which a receiver that refuses payments it does not know answers with 4xx.
   */
  reference?: string;
  /** The currency of the events' amounts; default NOK. */
  currency?: 'NOK' | 'DKK' | 'EUR';
  /** The amount of the events in minor units; default 1000 (10.00). */
  amount?: number;
}

/** How the check sends: the clocks, the time limit and, outside dev mode, where it may connect. */
export interface WebhookCheckOptions {
  /** Real time (epoch ms) for `x-ms-date`, as the platform's sender uses; default Date.now. */
  wallNow?: () => number;
  /** The platform clock (epoch ms) for the events' `timestamp`; default `wallNow`. */
  now?: () => number;
  /** How long an answer may take, in ms; default 10 000 (contract 4.5: no answer within 10 s is a failure). */
  timeoutMs?: number;
  /** A `lookup` for the connection (the destination policy's outside dev mode). */
  lookup?: LookupFunction;
}

/** What the receiver answered to one case, and whether that is what the Vipps webhook rules require. */
export interface WebhookCheckCase {
  id: WebhookCheckCaseId;
  /** What was sent, for people. */
  title: string;
  /** What the rules require of the answer, for people. */
  expected: string;
  /** The HTTP status of the (last) answer, or null when none came (a connection error or the time limit). */
  status: number | null;
  /** How long the (last) answer took, in ms (to the status line). */
  latencyMs: number;
  /** The connection error or the time limit, when no status came. */
  error: string | null;
  /** Every request of the case (the duplicate and out-of-order cases send two): name, status, ms. */
  requests: Array<{ event: string; status: number | null; latencyMs: number; error: string | null }>;
  pass: boolean;
  /** Why it passed or failed, in one sentence. */
  reason: string;
}

/** The report of a check: the receiver, the cases, and `passed` when every case passed. */
export interface WebhookCheckReport {
  url: string;
  msn: string;
  reference: string;
  passed: boolean;
  cases: WebhookCheckCase[];
}

/** A host name that is nobody's: the wrong `Host` of the wrong-host case (RFC 2606 `.invalid`), with the URL's port. */
export const WRONG_HOST = 'betal-check.invalid';
/** How far in the past the stale case's `x-ms-date` lies: 15 minutes, well beyond the usual 5-minute window. */
export const STALE_SECONDS = 15 * 60;
const DEFAULT_TIMEOUT_MS = 10_000;

interface Sent {
  status: number | null;
  latencyMs: number;
  error: string | null;
}

/** One POST of the check: where, with which headers and body, and how long to wait. */
interface Post {
  url: URL;
  /** Every header sent, Host included. */
  headers: Record<string, string>;
  body: string;
  /** How long to wait for an answer, in milliseconds. */
  timeoutMs: number;
  /** A DNS lookup to use instead of the system's (tests). */
  lookup: LookupFunction | undefined;
}

/** One case of the check as judged: its id and words, the deliveries sent and how the last answer is judged. */
interface CaseResult {
  id: WebhookCheckCaseId;
  title: string;
  /** What the receiver should answer, in words, e.g. `2xx within 10 s`. */
  expected: string;
  /** The deliveries sent, each as [event name, what came back]. */
  sent: Array<[string, Sent]>;
  /** Judges the last answer; a delivery that got no answer fails the case before it. */
  verdict: (last: Sent) => { pass: boolean; reason: string };
}

/** One POST with the exact body and headers given (Host included), answered or timed out; never throws. */
function post({ url, headers, body, timeoutMs, lookup }: Post): Promise<Sent> {
  const started = performance.now();
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    let done = false;
    const finish = (sent: Omit<Sent, 'latencyMs'>) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve({ ...sent, latencyMs: Math.round((performance.now() - started) * 10) / 10 });
    };
    const req = send(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        agent: false,
        ...(lookup ? { lookup } : {}),
      },
      (res) => {
        finish({ status: res.statusCode ?? null, error: null });
        res.resume();
      },
    );
    const timer = setTimeout(() => {
      finish({ status: null, error: `no answer within ${timeoutMs / 1000} s` });
      req.destroy();
    }, timeoutMs);
    req.on('error', (error: NodeJS.ErrnoException) =>
      finish({ status: null, error: error.code ?? error.message }),
    );
    req.end(body);
  });
}

const is2xx = (s: number | null) => s !== null && s >= 200 && s < 300;
const is4xx = (s: number | null) => s !== null && s >= 400 && s < 500;

function answered(s: Sent): string {
  return s.status === null ? (s.error ?? 'no answer') : `${s.status}`;
}

/**
 * Checks a merchant's webhook receiver against the rules of the Webhooks API (contract 4.4, 4.5) with a scripted
 * suite, signed as the platform signs (the client's `signWebhook`):
 *
 * - `valid`: an AUTHORIZED event, signed: must be 2xx within the time limit (10 s);
 * - `duplicate`: the same event (same body) again: 2xx, since deliveries repeat and receivers must be idempotent;
 * - `out-of-order`: REFUNDED, then CAPTURED of the same payment: both 2xx (only a failing event blocks later ones);
 * - `stale-date`: a valid signature over an `x-ms-date` 15 minutes old: a refusal (4xx), as a replay;
 * - `bad-signature`: signed with another secret: 4xx;
 * - `tampered-body`: the signed event with its amount changed after signing: 4xx;
 * - `wrong-host`: signed for and sent with `Host: betal-check.invalid`, a request meant for another receiver: 4xx;
 * - `unknown-payment`: a signed event of a payment the receiver cannot know: 2xx (acknowledged and ignored) or
 *   4xx pass, since the docs count any answer as success or failure and prescribe neither; a 2xx stops the
 *   retries (a 4xx is retried for up to 7 days). A 5xx or no answer fails.
 *
 * A timeout fails every case. Never throws for what the receiver does; throws TypeError when `url` is not an
 * absolute http(s) URL.
 */
export async function checkWebhookReceiver(
  input: WebhookCheckInput,
  options: WebhookCheckOptions = {},
): Promise<WebhookCheckReport> {
  const target = new URL(input.url);
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw new TypeError(`The receiver's URL must be http or https, not ${target.protocol}`);
  }
  const wallNow = options.wallNow ?? Date.now;
  const now = options.now ?? wallNow;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const msn = input.msn ?? '123456';
  const tag = randomBytes(6).toString('hex');
  const reference = input.reference ?? `betal-check-${tag}`;
  const amount = { currency: input.currency ?? 'NOK', value: input.amount ?? 1000 };
  const event = (name: EPaymentWebhookPayload['name'], ref = reference): string =>
    JSON.stringify({
      msn,
      reference: ref,
      pspReference: `betal-check-${tag}-${name.toLowerCase()}`,
      name,
      amount,
      timestamp: new Date(now()).toISOString(),
      idempotencyKey: null,
      success: true,
    } satisfies EPaymentWebhookPayload);

  /** Sends `body` signed for `url` (or another `signUrl`) with `secret`, at `date`; `sendBody` replaces the body. */
  const deliver = (
    body: string,
    change: { secret?: string; date?: number; signUrl?: string; sendBody?: string } = {},
  ): Promise<Sent> => {
    const signed = signWebhook({
      secret: change.secret ?? input.secret,
      url: change.signUrl ?? target.href,
      body,
      date: httpDate(change.date ?? wallNow()),
    });
    return post({
      url: target,
      headers: {
        'content-type': 'application/json',
        'x-ms-date': signed['x-ms-date'],
        'x-ms-content-sha256': signed['x-ms-content-sha256'],
        authorization: signed.authorization,
        host: signed.host,
        'user-agent': 'betal-webhook-check',
      },
      body: change.sendBody ?? body,
      timeoutMs,
      lookup: options.lookup,
    });
  };

  const cases: WebhookCheckCase[] = [];
  const record = ({ id, title, expected, sent, verdict }: CaseResult) => {
    const last = sent[sent.length - 1]![1];
    const late = sent.find(([, s]) => s.status === null);
    const judged = late
      ? { pass: false, reason: `${late[0]}: ${late[1].error ?? 'no answer'}` }
      : verdict(last);
    cases.push({
      id,
      title,
      expected,
      status: last.status,
      latencyMs: last.latencyMs,
      error: last.error,
      requests: sent.map(([name, s]) => ({ event: name, ...s })),
      ...judged,
    });
  };
  const accepted = (last: Sent) =>
    is2xx(last.status)
      ? { pass: true, reason: `answered ${last.status}` }
      : {
          pass: false,
          reason: `answered ${answered(last)}: a valid delivery must get a 2xx${
            is4xx(last.status) && input.reference === undefined
              ? ` (if the receiver refuses payments it does not know, pass the reference of one it knows)`
              : ''
          }`,
        };
  const refused = (why: string) => (last: Sent) =>
    is4xx(last.status)
      ? { pass: true, reason: `refused with ${last.status}` }
      : {
          pass: false,
          reason: is2xx(last.status)
            ? `accepted (${last.status}) ${why}`
            : `answered ${answered(last)}: a refusal is a 4xx (a 5xx makes the platform retry it)`,
        };

  const valid = event('AUTHORIZED');
  record({
    id: 'valid',
    title: 'a signed AUTHORIZED event',
    expected: '2xx within 10 s',
    sent: [['AUTHORIZED', await deliver(valid)]],
    verdict: accepted,
  });

  const again = await deliver(valid);
  record({
    id: 'duplicate',
    title: 'the same AUTHORIZED event again',
    expected: '2xx (receivers must be idempotent)',
    sent: [['AUTHORIZED', again]],
    verdict: accepted,
  });

  const refundedFirst = await deliver(event('REFUNDED'));
  const capturedAfter = await deliver(event('CAPTURED'));
  record({
    id: 'out-of-order',
    title: 'REFUNDED, then CAPTURED, of the same payment',
    expected: '2xx for both',
    sent: [
      ['REFUNDED', refundedFirst],
      ['CAPTURED', capturedAfter],
    ],
    verdict: () => {
      const bad = [refundedFirst, capturedAfter].find((s) => !is2xx(s.status));
      return bad
        ? {
            pass: false,
            reason: `answered ${answered(bad)}: events may come in any order and each must get a 2xx`,
          }
        : { pass: true, reason: `answered ${refundedFirst.status} and ${capturedAfter.status}` };
    },
  });

  const staleBody = event('CANCELLED');
  record({
    id: 'stale-date',
    title: `a valid signature over an x-ms-date ${STALE_SECONDS / 60} minutes old`,
    expected: '4xx (a replay)',
    sent: [['CANCELLED', await deliver(staleBody, { date: wallNow() - STALE_SECONDS * 1000 })]],
    verdict: refused('a delivery signed 15 minutes ago: the receiver does not check x-ms-date'),
  });

  record({
    id: 'bad-signature',
    title: 'signed with another secret',
    expected: '4xx',
    sent: [['CANCELLED', await deliver(staleBody, { secret: `not-${input.secret}` })]],
    verdict: refused('a signature made with another secret: the receiver does not verify the signature'),
  });

  const tampered = staleBody.replace(`"value":${amount.value}`, `"value":${amount.value + 1}`);
  record({
    id: 'tampered-body',
    title: 'the signed event with its amount changed after signing',
    expected: '4xx',
    sent: [['CANCELLED', await deliver(staleBody, { sendBody: tampered })]],
    verdict: refused('a body changed after signing: the receiver does not check x-ms-content-sha256'),
  });

  const elsewhere = new URL(target.href);
  elsewhere.hostname = WRONG_HOST;
  record({
    id: 'wrong-host',
    title: `signed for and sent with Host: ${elsewhere.host}`,
    expected: '4xx',
    sent: [['CANCELLED', await deliver(staleBody, { signUrl: elsewhere.href })]],
    verdict: refused(
      'a delivery signed for another host: verify against the authority of the URL you registered, not the Host header',
    ),
  });

  const unknown = await deliver(event('AUTHORIZED', `betal-check-unknown-${tag}`));
  record({
    id: 'unknown-payment',
    title: 'a signed event of a payment the receiver cannot know',
    expected: '2xx (acknowledge and ignore) or 4xx',
    sent: [['AUTHORIZED', unknown]],
    verdict: (last) =>
      is2xx(last.status)
        ? { pass: true, reason: `answered ${last.status}: acknowledged` }
        : is4xx(last.status)
          ? {
              pass: true,
              reason: `answered ${last.status}: allowed, but the platform retries it for up to 7 days; a 2xx stops that`,
            }
          : { pass: false, reason: `answered ${answered(last)}: a 5xx is an error on the receiver's side` },
  });

  return { url: target.href, msn, reference, passed: cases.every((c) => c.pass), cases };
}
