import { describe, expect, it } from 'vitest';
import { DEV, ref, usePlatformApi, webRedirect } from '../support/harness.js';

/**
 * Deviations from the spec that the platform accepts, each reported as an `x-betal-lint` notice (README,
 * "Behaviour where the contract is uncertain"; contract 8, open questions 1, 2 and 5).
 */

const api = usePlatformApi();

async function createRaw(raw: string, key: string) {
  return api.call<{ reference: string; redirectUrl?: string }>('POST', '/epayment/v1/payments', {
    raw,
    headers: await api.headers(DEV, { 'Idempotency-Key': key }),
  });
}

describe('lint notices', () => {
  it('a spec-conforming create has no lint header', async () => {
    const res = await api.create(webRedirect(ref('clean')));
    expect(res.status).toBe(201);
    expect(res.headers.get('x-betal-lint')).toBeNull();
  });

  it('a numeric customer.phoneNumber is taken by its digits, with a notice', async () => {
    const reference = ref('num-phone');
    const body = JSON.stringify({ ...webRedirect(reference), customer: { phoneNumber: 0 } }).replace(
      '"phoneNumber":0',
      '"phoneNumber":4712345678',
    );
    const res = await createRaw(body, `k-${reference}`);
    expect(res.status).toBe(201);
    expect(res.headers.get('x-betal-lint')).toMatch(/customer\.phoneNumber/);
    // The number became the customer of the payment: force approve by the token alone approves as that user.
    expect(
      (await api.forceApprove(reference, { token: new URL(res.body.redirectUrl!).searchParams.get('token') }))
        .status,
    ).toBe(200);
    expect((await api.get(reference)).body.state).toBe('AUTHORIZED');
  });

  it('lower-case enum values are taken as the documented upper-case ones, with a notice each', async () => {
    const reference = ref('lower');
    const res = await api.create({
      ...webRedirect(reference),
      userFlow: 'web_redirect',
      paymentMethod: { type: 'wallet' },
      amount: { currency: 'nok', value: 10_000 },
    });
    expect(res.status).toBe(201);
    const lint = res.headers.get('x-betal-lint') ?? '';
    for (const field of ['userFlow', 'paymentMethod.type', 'amount.currency']) expect(lint).toContain(field);
    const got = await api.get(reference);
    expect(got.body.paymentMethod).toEqual({ type: 'WALLET' });
    expect(got.body.amount).toEqual({ currency: 'NOK', value: 10_000 });
    expect(got.body.redirectUrl).toMatch(/\/landing\?token=/);
  });

  it('an http:// returnUrl is accepted in dev mode, with a notice', async () => {
    const res = await api.create(
      webRedirect(ref('http'), 10_000, { returnUrl: 'http://shop.example/return' }),
    );
    expect(res.status).toBe(201);
    expect(res.headers.get('x-betal-lint')).toMatch(/returnUrl/);
  });

  it('a reference sent as a 20-digit JSON number is kept digit for digit', async () => {
    const digits = '12345678901234567890';
    expect(String(Number(digits))).not.toBe(digits); // a plain JSON.parse would lose digits
    const body = JSON.stringify(webRedirect('placeholder-ref')).replace('"placeholder-ref"', digits);
    const res = await createRaw(body, `k-${digits}`);
    expect(res.status).toBe(201);
    expect(res.body.reference).toBe(digits);
    expect(res.headers.get('x-betal-lint')).toMatch(/reference/);
    const got = await api.get(digits);
    expect(got.status).toBe(200);
    expect(got.body.reference).toBe(digits);
    expect((await api.events(digits)).body[0]!.reference).toBe(digits);
  });
});
