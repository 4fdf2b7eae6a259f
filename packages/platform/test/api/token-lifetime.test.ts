import { beforeAll, describe, expect, it } from 'vitest';
import { DEV_SALES_UNITS } from '../../src/dev/seed.js';
import type { StartedPlatform } from '../../src/testing.js';
import { DEV, ref, T0, usePlatform, webRedirect } from '../support/harness.js';

/**
 * Access tokens live 1 hour in the test environment (dev mode) and 24 hours in production (outside dev mode):
 * `expires_in`, `ext_expires_in`, `expires_on` and the JWT's `exp` say so, and the token is refused from then on.
 */
const HOUR = 3600;

async function issue(p: StartedPlatform): Promise<Record<string, string>> {
  const res = await fetch(`${p.url}/accesstoken/get`, {
    method: 'POST',
    headers: {
      client_id: DEV.clientId,
      client_secret: DEV.clientSecret,
      'Ocp-Apim-Subscription-Key': DEV.subscriptionKey,
    },
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, string>;
}

function claims(token: string): Record<string, number> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<
    string,
    number
  >;
}

/** GET of an unknown payment with the token: 404 while the token is good, 401 once it is refused. */
async function use(p: StartedPlatform, token: string): Promise<number> {
  const res = await fetch(`${p.url}/epayment/v1/payments/${ref('tok')}`, {
    headers: {
      Authorization: `Bearer ${token}`,
      'Ocp-Apim-Subscription-Key': DEV.subscriptionKey,
      'Merchant-Serial-Number': DEV.msn,
    },
  });
  await res.arrayBuffer();
  return res.status;
}

function expectLifetime(body: Record<string, string>, seconds: number): void {
  const now = Math.floor(T0 / 1000);
  expect(body.expires_in).toBe(String(seconds));
  expect(body.ext_expires_in).toBe(String(seconds));
  expect(body.expires_on).toBe(String(now + seconds));
  expect(claims(body.access_token!).exp).toBe(now + seconds);
}

describe('in dev mode (the test environment): 1 hour', () => {
  const p = usePlatform({ frozenAt: T0 });

  it('says 3600 s everywhere and is refused from expires_on on', async () => {
    const body = await issue(p);
    expectLifetime(body, HOUR);
    p.clock.advance(HOUR * 1000 - 1);
    expect(await use(p, body.access_token!)).toBe(404);
    p.clock.advance(1);
    expect(await use(p, body.access_token!)).toBe(401);
  });
});

describe('outside dev mode (production): 24 hours', () => {
  const p = usePlatform({ frozenAt: T0, config: { devMode: false } });
  beforeAll(async () => {
    // Outside dev mode nothing is seeded: register the first dev sales unit by hand.
    await p.platform.directory.save(DEV_SALES_UNITS[0]!);
  });

  it('says 86400 s everywhere, still works after 1 hour and is refused from expires_on on', async () => {
    const body = await issue(p);
    expectLifetime(body, 24 * HOUR);
    p.clock.advance(HOUR * 1000 + 1);
    expect(await use(p, body.access_token!)).toBe(404);
    p.clock.advance(24 * HOUR * 1000 - 1 - (HOUR * 1000 + 1)); // 1 ms before expires_on
    expect(await use(p, body.access_token!)).toBe(404);
    p.clock.advance(1);
    expect(await use(p, body.access_token!)).toBe(401);
  });

  it('works for ePayment calls like a dev-mode token', async () => {
    const body = await issue(p);
    const res = await fetch(`${p.url}/epayment/v1/payments`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${body.access_token!}`,
        'Ocp-Apim-Subscription-Key': DEV.subscriptionKey,
        'Merchant-Serial-Number': DEV.msn,
        'Content-Type': 'application/json',
        'Idempotency-Key': 'token-lifetime-create',
      },
      body: JSON.stringify(webRedirect(ref('tok-create'))),
    });
    expect(res.status).toBe(201);
  });
});
