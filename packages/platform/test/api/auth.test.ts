import { beforeAll, describe, expect, it } from 'vitest';
import { DEV, DEV2, ref, usePlatformApi, webRedirect, type ApiResponse } from '../support/harness.js';

/**
 * Every ePayment endpoint checks the caller as APIM and the API do (contract 1, 3.9): the bearer token (401 when
 * missing, malformed, expired, tampered or foreign), and the Merchant-Serial-Number header (403 when it is
 * another sales unit's, 400 when missing).
 */

const api = usePlatformApi();
const other = usePlatformApi();
let reference: string;
beforeAll(async () => {
  reference = ref('auth');
  expect((await api.create(webRedirect(reference))).status).toBe(201);
});

/** Every ePayment operation, each with a body that would be accepted. */
const ENDPOINTS = () =>
  [
    { method: 'POST', path: '/epayment/v1/payments', body: webRedirect(ref('auth-new')) },
    { method: 'GET', path: `/epayment/v1/payments/${reference}` },
    { method: 'GET', path: `/epayment/v1/payments/${reference}/events` },
    {
      method: 'POST',
      path: `/epayment/v1/payments/${reference}/capture`,
      body: { modificationAmount: { currency: 'NOK', value: 100 } },
    },
    {
      method: 'POST',
      path: `/epayment/v1/payments/${reference}/refund`,
      body: { modificationAmount: { currency: 'NOK', value: 100 } },
    },
    { method: 'POST', path: `/epayment/v1/payments/${reference}/cancel`, body: {} },
    {
      method: 'POST',
      path: `/epayment/v1/test/payments/${reference}/approve`,
      body: { customer: { phoneNumber: '4712345678' } },
    },
  ] as const;

async function callEach(
  headers: (base: Record<string, string>) => Record<string, string>,
): Promise<ApiResponse[]> {
  const out: ApiResponse[] = [];
  for (const e of ENDPOINTS()) {
    const base = await api.headers(DEV, { 'Idempotency-Key': ref('key') });
    out.push(
      await api.call(e.method, e.path, { headers: headers(base), ...('body' in e ? { body: e.body } : {}) }),
    );
  }
  return out;
}

function expectProblem(res: ApiResponse, status: number): void {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ type: `https://httpstatuses.io/${status}`, status });
  expect((res.body as { traceId: unknown }).traceId).toEqual(expect.any(String));
}

/** Calls every endpoint, asserts each answered with `status` and that the payment's event log did not change. */
async function expectAllRefused(calls: () => Promise<ApiResponse[]>, status: number): Promise<ApiResponse[]> {
  const before = (await api.events(reference)).body;
  const responses = await calls();
  expect(responses).toHaveLength(ENDPOINTS().length);
  for (const res of responses) expectProblem(res, status);
  expect((await api.events(reference)).body).toEqual(before);
  return responses;
}

function swapChar(s: string, at: number): string {
  const c = s[at] === 'A' ? 'B' : 'A';
  return s.slice(0, at) + c + s.slice(at + 1);
}

describe('bearer token on every ePayment endpoint (contract 1, 3.9: 401)', () => {
  it('the valid token of the sales unit is accepted everywhere (control)', async () => {
    const fresh = ref('auth-ok');
    expect((await api.create(webRedirect(fresh))).status).toBe(201);
    expect((await api.get(fresh)).status).toBe(200);
  });

  it('missing Authorization: 401', async () => {
    await expectAllRefused(() => callEach(({ Authorization: _drop, ...rest }) => rest), 401);
  });

  it("without the word 'Bearer': 401", async () => {
    await expectAllRefused(
      () => callEach((h) => ({ ...h, Authorization: h.Authorization!.replace(/^Bearer /, '') })),
      401,
    );
    await expectAllRefused(
      () => callEach((h) => ({ ...h, Authorization: h.Authorization!.replace(/^Bearer /, 'Basic ') })),
      401,
    );
    await expectAllRefused(() => callEach((h) => ({ ...h, Authorization: 'Bearer' })), 401);
  });

  it('tampered signature: 401', async () => {
    await expectAllRefused(
      () =>
        callEach((h) => {
          const [head, payload, signature] = h.Authorization!.slice('Bearer '.length).split('.') as [
            string,
            string,
            string,
          ];
          return { ...h, Authorization: `Bearer ${head}.${payload}.${swapChar(signature, 10)}` };
        }),
      401,
    );
  });

  it('tampered claims (the MSN of another sales unit) with the original signature: 401', async () => {
    await expectAllRefused(
      () =>
        callEach((h) => {
          const [head, payload, signature] = h.Authorization!.slice('Bearer '.length).split('.') as [
            string,
            string,
            string,
          ];
          const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
          const forged = Buffer.from(JSON.stringify({ ...claims, msn: DEV2.msn })).toString('base64url');
          return { ...h, Authorization: `Bearer ${head}.${forged}.${signature}` };
        }),
      401,
    );
  });

  it("an unsigned token (alg 'none') with the same claims: 401", async () => {
    await expectAllRefused(
      () =>
        callEach((h) => {
          const payload = h.Authorization!.slice('Bearer '.length).split('.')[1]!;
          const head = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
          return { ...h, Authorization: `Bearer ${head}.${payload}.` };
        }),
      401,
    );
  });

  it('a token of another platform instance (its own signing key): 401', async () => {
    const foreign = await other.token(DEV);
    expect(foreign).not.toBe(await api.token(DEV));
    await expectAllRefused(() => callEach((h) => ({ ...h, Authorization: `Bearer ${foreign}` })), 401);
  });

  it("a token used with another sales unit's subscription key: 401", async () => {
    await expectAllRefused(
      () =>
        callEach((h) => ({
          ...h,
          'Ocp-Apim-Subscription-Key': DEV2.subscriptionKey,
          'Merchant-Serial-Number': DEV2.msn,
        })),
      401,
    );
  });

  it('missing or wrong subscription key: APIM 401 with statusCode and message', async () => {
    const missing = await expectAllRefused(
      () => callEach(({ 'Ocp-Apim-Subscription-Key': _drop, ...rest }) => rest),
      401,
    );
    const wrong = await expectAllRefused(
      () => callEach((h) => ({ ...h, 'Ocp-Apim-Subscription-Key': 'nope' })),
      401,
    );
    for (const res of [...missing, ...wrong]) {
      expectProblem(res, 401);
      expect(res.body).toMatchObject({ statusCode: 401, message: expect.stringMatching(/subscription key/) });
    }
  });

  it('an expired token (the platform clock past 3600 s): 401, and a new token works', async () => {
    const token = await api.token(DEV);
    const check = (t: string) =>
      api.call('GET', `/epayment/v1/payments/${reference}`, {
        headers: {
          Authorization: `Bearer ${t}`,
          'Ocp-Apim-Subscription-Key': DEV.subscriptionKey,
          'Merchant-Serial-Number': DEV.msn,
        },
      });
    api.started.clock.advance(3599_000);
    expect((await check(token)).status).toBe(200);
    api.started.clock.advance(1_000);
    const expired = await check(token);
    expectProblem(expired, 401);
    expect((expired.body as { detail: string }).detail).toMatch(/expired/);
    await expectAllRefused(() => callEach((h) => ({ ...h, Authorization: `Bearer ${token}` })), 401);
    // The harness fetches a new token once the platform clock passes the old one's expires_on.
    const fresh = await api.token(DEV);
    expect(fresh).not.toBe(token);
    expect((await check(fresh)).status).toBe(200);
  });
});

describe('Merchant-Serial-Number on every ePayment endpoint', () => {
  it("another sales unit's MSN: 403", async () => {
    await expectAllRefused(() => callEach((h) => ({ ...h, 'Merchant-Serial-Number': DEV2.msn })), 403);
  });

  it('an unknown MSN: 403', async () => {
    await expectAllRefused(() => callEach((h) => ({ ...h, 'Merchant-Serial-Number': '999999' })), 403);
  });

  it('missing: 400 naming the header', async () => {
    const responses = await expectAllRefused(
      () => callEach(({ 'Merchant-Serial-Number': _drop, ...rest }) => rest),
      400,
    );
    for (const res of responses) {
      expect((res.body as { extraDetails: Array<{ name: string }> }).extraDetails[0]!.name).toBe(
        'Merchant-Serial-Number',
      );
    }
  });
});

describe('the same token checks on the other merchant APIs (Webhooks, Userinfo, Order Management)', () => {
  const reads = [
    '/webhooks/v1/webhooks',
    '/vipps-userinfo-api/userinfo/c06c4afe-d9e1-4c5d-939a-177d752a0944',
    '/order-management/v2/ECOM/some-order-1',
  ];
  const variants: Record<string, (h: Record<string, string>) => Record<string, string>> = {
    missing: ({ Authorization: _drop, ...rest }) => rest,
    'no Bearer': (h) => ({ ...h, Authorization: h.Authorization!.replace(/^Bearer /, '') }),
    tampered: (h) => {
      const [head, payload, signature] = h.Authorization!.slice('Bearer '.length).split('.') as [
        string,
        string,
        string,
      ];
      return { ...h, Authorization: `Bearer ${head}.${payload}.${swapChar(signature, 10)}` };
    },
  };

  it('a valid token passes (control), a missing, malformed, tampered or foreign one is 401, another MSN 403', async () => {
    const foreign = await other.token(DEV);
    for (const path of reads) {
      const ok = await api.call('GET', path);
      expect(ok.status, path).not.toBe(401);
      expect(ok.status, path).not.toBe(403);
      const headers = await api.headers(DEV);
      for (const [name, change] of Object.entries(variants)) {
        const res = await api.call('GET', path, { headers: change(headers) });
        expect(res.status, `${path} ${name}`).toBe(401);
      }
      expect(
        (await api.call('GET', path, { headers: { ...headers, Authorization: `Bearer ${foreign}` } })).status,
      ).toBe(401);
      expect(
        (await api.call('GET', path, { headers: { ...headers, 'Merchant-Serial-Number': DEV2.msn } })).status,
      ).toBe(403);
    }
  });
});
