/**
 * Rate limits of contract 3.1: capture, refund and cancel 5 per minute per reference and MSN; get and events 120 per
 * minute per reference and subscription key. Enforced (429 with Retry-After) with BETAL_RATE_LIMITS=enforce; by
 * default a lint notice says where the real API would refuse.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform } from '../../src/internal-entry.js';
import { Api, T0, ref, startApi, webRedirect } from '../support/harness.js';

async function authorizedPayment(api: Api): Promise<string> {
  const reference = ref('rl');
  expect((await api.create(webRedirect(reference, 100_000))).status).toBe(201);
  expect((await api.approve(reference)).status).toBe(200);
  return reference;
}

describe('enforced', () => {
  let api: Api;
  beforeAll(async () => {
    api = new Api(await startPlatform({ frozenAt: T0, config: { rateLimits: 'enforce' } }));
  });
  afterAll(() => api.close());

  it('answers the sixth change of a payment within a minute with 429 and Retry-After, and counts per payment', async () => {
    const reference = await authorizedPayment(api);
    const other = await authorizedPayment(api);
    for (let i = 1; i <= 5; i++) {
      expect((await api.modify('capture', reference, 100, `${reference}-c${i}`)).status).toBe(200);
    }
    api.started.clock.advance(20_000);
    const refused = await api.modify('capture', reference, 100, `${reference}-c6`);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(refused.headers.get('retry-after')).toBe('40');
    expect((await api.modify('capture', other, 100, `${other}-c1`)).status).toBe(200);
    const got = await api.get(reference);
    expect(got.body.aggregate.capturedAmount.value).toBe(500);

    api.started.clock.advance(40_000);
    expect((await api.modify('capture', reference, 100, `${reference}-c7`)).status).toBe(200);
  });

  it('answers the 121st read of a payment within a minute with 429', async () => {
    const reference = await authorizedPayment(api);
    for (let i = 0; i < 60; i++) expect((await api.get(reference)).status).toBe(200);
    for (let i = 0; i < 60; i++) expect((await api.events(reference)).status).toBe(200);
    expect((await api.get(reference)).status).toBe(429);
  });
});

describe('warn (the default)', () => {
  let api: Api;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api.close());

  it('lets the sixth change through with a lint notice', async () => {
    const reference = await authorizedPayment(api);
    for (let i = 1; i <= 5; i++) {
      const res = await api.modify('capture', reference, 100, `${reference}-c${i}`);
      expect(res.headers.get('x-betal-lint')).toBeNull();
    }
    const sixth = await api.modify('capture', reference, 100, `${reference}-c6`);
    expect(sixth.status).toBe(200);
    expect(sixth.headers.get('x-betal-lint')).toMatch(/Rate limit: more than 5 changes.*429/);
  });
});
