import { describe, expect, it } from 'vitest';
import {
  DEV,
  DEV2,
  errorCode,
  ref,
  usePlatformApi,
  webRedirect,
  type ApiResponse,
} from '../support/harness.js';

/**
 * What a sales unit is approved for (contract 3.2, 3.9): MSN 654321 (DKK, MobilePay) has no PUSH_MESSAGE, no
 * long-living payments and no nin scope; MSN 123456 (NOK) has them all but cannot block sources (DK/FI only).
 */

const api = usePlatformApi();

function dkk(reference: string, extra: Record<string, unknown> = {}) {
  return { ...webRedirect(reference), amount: { currency: 'DKK', value: 10_000 }, ...extra };
}

const receipt = {
  orderLines: [
    {
      name: 'Item',
      id: '1',
      totalAmount: 10_000,
      totalAmountExcludingTax: 8_000,
      totalTaxAmount: 2_000,
      taxRate: 2500,
    },
  ],
  bottomLine: { currency: 'DKK' },
};

async function expectRefused(
  res: ApiResponse,
  status: number,
  code: string,
  reference: string,
  merchant: typeof DEV | typeof DEV2 = DEV2,
) {
  expect(res.status).toBe(status);
  expect(errorCode(res.body)).toBe(code);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect((await api.get(reference, merchant)).status).toBe(404);
}

describe('MSN 654321 (DKK, no capabilities)', () => {
  it('takes an ordinary DKK WEB_REDIRECT payment, down to 1 øre', async () => {
    const reference = ref('dk');
    const res = await api.create(
      { ...dkk(reference), amount: { currency: 'DKK', value: 1 } },
      undefined,
      DEV2,
    );
    expect(res.status).toBe(201);
    expect((await api.get(reference, DEV2)).body.amount).toEqual({ currency: 'DKK', value: 1 });
  });

  it('5080: PUSH_MESSAGE (skip landing page) is not allowed', async () => {
    const reference = ref('dk-push');
    const { returnUrl: _r, ...body } = dkk(reference);
    const res = await api.create(
      { ...body, userFlow: 'PUSH_MESSAGE', customer: { phoneNumber: '4512345678' } },
      undefined,
      DEV2,
    );
    await expectRefused(res, 400, '5080', reference);
  });

  it('5050: long-living payments (expiresAt) are not allowed', async () => {
    const reference = ref('dk-long');
    const { returnUrl: _r, ...body } = dkk(reference);
    const expiresAt = new Date(api.started.clock.now() + 2 * 24 * 3600 * 1000).toISOString();
    const res = await api.create({ ...body, userFlow: 'QR', expiresAt, receipt }, undefined, DEV2);
    await expectRefused(res, 400, '5050', reference);
  });

  it('5030: the nin scope is not allowed; other scopes are', async () => {
    const reference = ref('dk-nin');
    await expectRefused(
      await api.create(dkk(reference, { profile: { scope: 'name nin' } }), undefined, DEV2),
      400,
      '5030',
      reference,
    );
    expect(
      (await api.create(dkk(ref('dk-name'), { profile: { scope: 'name' } }), undefined, DEV2)).status,
    ).toBe(201);
  });

  it('5040: NOK is not its currency', async () => {
    const reference = ref('dk-nok');
    await expectRefused(await api.create(webRedirect(reference), undefined, DEV2), 400, '5040', reference);
  });

  it('blockedSources is accepted in Denmark', async () => {
    const res = await api.create(
      dkk(ref('dk-blocked'), { paymentMethod: { type: 'WALLET', blockedSources: ['COMMERCIAL_CARDS'] } }),
      undefined,
      DEV2,
    );
    expect(res.status).toBe(201);
  });
});

describe('MSN 123456 (NOK, every capability)', () => {
  it('5010: blockedSources is for Danish and Finnish sales units only', async () => {
    const reference = ref('no-blocked');
    const res = await api.create(
      webRedirect(reference, 10_000, {
        paymentMethod: { type: 'WALLET', blockedSources: ['COMMERCIAL_CARDS'] },
      }),
    );
    await expectRefused(res, 400, '5010', reference, DEV);
  });

  it('5040: DKK is not its currency; 6010: below NOK 1.00', async () => {
    const a = ref('no-dkk');
    await expectRefused(await api.create(dkk(a)), 400, '5040', a, DEV);
    const b = ref('no-low');
    await expectRefused(await api.create(webRedirect(b, 99)), 400, '6010', b, DEV);
    expect((await api.create(webRedirect(ref('no-min'), 100))).status).toBe(201);
  });

  it('PUSH_MESSAGE, long-living and nin are allowed', async () => {
    const { returnUrl: _r, ...push } = webRedirect(ref('no-push'));
    expect(
      (await api.create({ ...push, userFlow: 'PUSH_MESSAGE', customer: { phoneNumber: '4712345678' } }))
        .status,
    ).toBe(201);
    expect((await api.create(webRedirect(ref('no-nin'), 10_000, { profile: { scope: 'nin' } }))).status).toBe(
      201,
    );
  });

  it('7010: PUSH_MESSAGE to the 13-year-old, or to a number that is no user', async () => {
    for (const phoneNumber of ['4790000013', '4799999999']) {
      const reference = ref('no-7010');
      const { returnUrl: _r, ...push } = webRedirect(reference);
      const res = await api.create({ ...push, userFlow: 'PUSH_MESSAGE', customer: { phoneNumber } });
      await expectRefused(res, 400, '7010', reference, DEV);
    }
  });
});
