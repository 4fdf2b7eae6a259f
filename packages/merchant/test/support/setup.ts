import { expect } from 'vitest';
import { httpDate, signWebhook } from '@betal/client';
import { startPlatform, type StartedPlatform } from '@betal/platform';
import { startMerchant, type StartMerchantOptions, type StartedMerchant } from '../../src/testing.js';
import type { PaymentRecord } from '../../src/store/store.js';
import { listedStatus } from '../../src/store/store.js';
import { derive } from '../../src/domain/order-status.js';
import type { StoreBackend } from './stores.js';
import { openForFile } from '../../../platform/test/support/fixture.js';

/** A fixed platform time for deterministic tests: 2026-11-22T12:00:00Z. */
export const T0 = Date.UTC(2026, 10, 22, 12, 0, 0);

/** A platform frozen at T0 and a merchant on the platform's clock, both in-process. */
export interface Pair {
  platform: StartedPlatform;
  merchant: StartedMerchant;
  close(): Promise<void>;
}

/**
 * Starts the pair; the merchant registers its webhook unless `options.config.registerWebhook` is false. With a
 * `backend`, the merchant runs on a store of that kind (opened here, dropped by `close`); else in memory.
 */
export async function startPair(options: StartMerchantOptions = {}, backend?: StoreBackend): Promise<Pair> {
  const platform = await startPlatform({ frozenAt: T0 });
  const opened = backend ? await backend.open() : undefined;
  const merchant = await startMerchant(platform.url, {
    now: () => platform.clock.now(),
    ...(opened ? { store: opened.store } : {}),
    ...options,
  });
  return {
    platform,
    merchant,
    async close() {
      await merchant.close();
      await platform.close();
      await opened?.drop();
    },
  };
}

/**
 * The pair of this test file (or `describe`): a `beforeAll` registered where this is called starts it
 * ({@link startPair}: a platform frozen at T0 and a merchant on its clock, both in-process on real sockets, the
 * merchant's webhook registered unless `options.config.registerWebhook` is false, its store of `backend`'s kind
 * or in memory) and an `afterAll` closes it (merchant, platform, then the store). Use the answer inside hooks and
 * tests; before the `beforeAll` has run it throws. `const pair = usePair();` replaces `let pair; beforeAll(...);
 * afterAll(...)`.
 */
export function usePair(options: StartMerchantOptions = {}, backend?: StoreBackend): Pair {
  return openForFile(() => startPair(options, backend));
}

/** An answer of the merchant: status, Location of a redirect, and the body text. */
export interface Answer {
  status: number;
  location: string | null;
  text: string;
}

/** POSTs a form to the merchant (redirects are not followed). */
export async function postForm(
  base: string,
  path: string,
  fields: Record<string, string | string[]> = {},
): Promise<Answer> {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields))
    for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: body.toString(),
    redirect: 'manual',
  });
  return { status: res.status, location: res.headers.get('location'), text: await res.text() };
}

/** GETs a page of the merchant. */
export async function getPage(base: string, path: string): Promise<Answer> {
  const res = await fetch(`${base}${path}`, { redirect: 'manual' });
  return { status: res.status, location: res.headers.get('location'), text: await res.text() };
}

/** The `token` of a landing-page URL (the force-approve token of contract 3.10). */
export function tokenOf(redirectUrl: string): string {
  return new URL(redirectUrl).searchParams.get('token') ?? '';
}

/** Waits (polling, bounded) until the merchant's record of `reference` satisfies `check`; answers it. */
export async function until(
  merchant: StartedMerchant,
  reference: string,
  check: (r: PaymentRecord) => boolean,
  timeout = 10_000,
): Promise<PaymentRecord> {
  await expect
    .poll(
      async () => {
        const r = await merchant.merchant.payments.get(reference);
        return r !== undefined && check(r);
      },
      { timeout, interval: 25 },
    )
    .toBe(true);
  await merchant.merchant.payments.idle();
  return (await merchant.merchant.payments.get(reference))!;
}

/** The listed status of a payment of the merchant. */
export async function statusOf(merchant: StartedMerchant, reference: string): Promise<string | undefined> {
  const r = await merchant.merchant.payments.get(reference);
  return r ? listedStatus(r) : undefined;
}

/**
 * Makes a payment link on the merchant's pages with the form `fields` (amount, description, ...) and opens it as a
 * payer would; answers the reference of the payment that made (created, not yet approved, at the platform).
 */
export async function linkPayment(
  merchant: StartedMerchant,
  fields: Record<string, string>,
): Promise<string> {
  const created = await postForm(merchant.url, '/merchant/links', fields);
  const linkId = created.location!.split('?')[0]!.split('/').pop()!;
  await postForm(merchant.url, `/pay/${linkId}`);
  const [payment] = await merchant.merchant.store.listPayments({ purpose: 'link', ownerId: linkId });
  return payment!.reference;
}

/** The secret of the merchant's webhook registration at the platform; throws when it has not registered. */
export function registrationSecret(merchant: StartedMerchant): string {
  const s = merchant.merchant.registrar.status;
  if (!s?.ok) throw new Error('no registration');
  return s.registration.secret;
}

/**
 * POSTs `payload` as JSON to the merchant's webhook receiver (`/webhooks/vipps`), signed as the platform signs
 * (HMAC-SHA256 with `secret`, default the registration's); answers the receiver's response.
 */
export function postSignedWebhook(
  merchant: StartedMerchant,
  payload: unknown,
  secret = registrationSecret(merchant),
): Promise<Response> {
  const body = JSON.stringify(payload);
  const url = `${merchant.url}/webhooks/vipps`;
  const headers = signWebhook({ secret, url, body, date: httpDate(Date.now()) });
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-ms-date': headers['x-ms-date'],
      'x-ms-content-sha256': headers['x-ms-content-sha256'],
      authorization: headers.authorization,
    },
    body,
  });
}

/** The sums (authorized, captured, refunded, cancelled; minor units) the merchant holds for `reference`. */
export async function sumsOf(
  merchant: StartedMerchant,
  reference: string,
): Promise<ReturnType<typeof derive>['sums']> {
  const record = await merchant.merchant.payments.get(reference);
  if (!record) throw new Error(`the merchant has no payment ${reference}`);
  return derive(record.view).sums;
}

/** Posts a form of the merchant's pages and expects the 303 that leads on; answers the answer. */
export async function submitted(
  base: string,
  path: string,
  fields: Record<string, string | string[]> = {},
): Promise<Answer> {
  const res = await postForm(base, path, fields);
  expect(res.status, `${path}: ${res.text}`).toBe(303);
  return res;
}
