import { expect } from 'vitest';
import { startPlatform, type StartedPlatform } from '@betal/platform';
import { startMerchant, type StartMerchantOptions, type StartedMerchant } from '../../src/testing.js';
import type { PaymentRecord } from '../../src/store/store.js';
import { listedStatus } from '../../src/store/store.js';
import type { StoreBackend } from './stores.js';

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
