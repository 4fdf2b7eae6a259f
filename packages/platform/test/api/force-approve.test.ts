import { describe, expect, it } from 'vitest';
import {
  errorCode,
  ref,
  usePlatformApi,
  tokenOf,
  webRedirect,
  type ApiResponse,
} from '../support/harness.js';

/** Force approve (contract 3.10), who may pay (3.9 7010, 3.14), and the test amounts of 3.10. */

const api = usePlatformApi();

async function created(value = 10_000, extra: Record<string, unknown> = {}) {
  const reference = ref('fa');
  const res = await api.create(webRedirect(reference, value, extra));
  expect(res.status).toBe(201);
  return { reference, redirectUrl: res.body.redirectUrl! };
}

/** Asserts a refusal with `code` and that the payment is still CREATED with only its CREATED event. */
async function expectRefusedUnchanged(res: ApiResponse, code: string, reference: string): Promise<void> {
  expect(res.status).toBe(400);
  expect(errorCode(res.body)).toBe(code);
  const got = await api.get(reference);
  expect(got.body.state).toBe('CREATED');
  expect(got.body.aggregate.authorizedAmount.value).toBe(0);
  expect((await api.events(reference)).body.map((e) => e.name)).toEqual(['CREATED']);
}

describe('force approve (contract 3.10)', () => {
  it('by phone number: 200 with no body, AUTHORIZED with authorized = amount and an AUTHORIZED event', async () => {
    const { reference } = await created(12_345);
    const res = await api.approve(reference, '4796574209');
    expect(res.status).toBe(200);
    expect(res.body).toBeUndefined();
    const got = await api.get(reference);
    expect(got.body.state).toBe('AUTHORIZED');
    expect(got.body.aggregate.authorizedAmount).toEqual({ currency: 'NOK', value: 12_345 });
    const events = (await api.events(reference)).body;
    expect(events.map((e) => [e.name, e.amount.value, e.success])).toEqual([
      ['CREATED', 12_345, true],
      ['AUTHORIZED', 12_345, true],
    ]);
  });

  it('by token (the token query value of redirectUrl) with a customer', async () => {
    const { reference, redirectUrl } = await created();
    const res = await api.forceApprove(reference, {
      token: tokenOf(redirectUrl),
      customer: { phoneNumber: '4712345678' },
    });
    expect(res.status).toBe(200);
    expect((await api.get(reference)).body.state).toBe('AUTHORIZED');
  });

  it("by token alone when create named the customer (the landing page's pre-filled number)", async () => {
    const { reference, redirectUrl } = await created(10_000, { customer: { phoneNumber: '4791234567' } });
    expect((await api.forceApprove(reference, { token: tokenOf(redirectUrl) })).status).toBe(200);
    expect((await api.get(reference)).body.state).toBe('AUTHORIZED');
  });

  it('a PUSH_MESSAGE payment is approved by its own customer with an empty body', async () => {
    const reference = ref('fa-push');
    const { returnUrl: _r, ...body } = webRedirect(reference);
    await api.create({ ...body, userFlow: 'PUSH_MESSAGE', customer: { phoneNumber: '4712345678' } });
    expect((await api.forceApprove(reference, {})).status).toBe(200);
    expect((await api.get(reference)).body.state).toBe('AUTHORIZED');
  });

  it('10030 without any user: no customer in the body and none on the payment', async () => {
    const { reference, redirectUrl } = await created();
    await expectRefusedUnchanged(await api.forceApprove(reference, {}), '10030', reference);
    await expectRefusedUnchanged(
      await api.forceApprove(reference, { token: tokenOf(redirectUrl) }),
      '10030',
      reference,
    );
  });

  it('7010 for the 13-year-old 4790000013, who cannot pay businesses', async () => {
    const { reference } = await created();
    await expectRefusedUnchanged(await api.approve(reference, '4790000013'), '7010', reference);
  });

  it('7010 for a phone number that is no test user', async () => {
    const { reference } = await created();
    await expectRefusedUnchanged(await api.approve(reference, '4799999999'), '7010', reference);
  });

  it("7010 when minimumUserAge is above the user's age; the user's own age is enough", async () => {
    // 4712345678 was born 1985-04-12: 41 on the platform clock (2026-11-22).
    const tooOld = await created(10_000, { minimumUserAge: 42 });
    await expectRefusedUnchanged(await api.approve(tooOld.reference, '4712345678'), '7010', tooOld.reference);
    const exact = await created(10_000, { minimumUserAge: 41 });
    expect((await api.approve(exact.reference, '4712345678')).status).toBe(200);
  });

  it("10010 for a wrong token, and for another payment's token", async () => {
    const { reference } = await created();
    const other = await created();
    const customer = { phoneNumber: '4712345678' };
    await expectRefusedUnchanged(
      await api.forceApprove(reference, { token: 'not-the-token', customer }),
      '10010',
      reference,
    );
    await expectRefusedUnchanged(
      await api.forceApprove(reference, { token: tokenOf(other.redirectUrl), customer }),
      '10010',
      reference,
    );
  });

  it.each([151, 182, 183, 184, 186, 187, 197])(
    '10010 for the test amount %i, the payment left CREATED',
    async (value) => {
      const { reference } = await created(value);
      await expectRefusedUnchanged(await api.approve(reference), '10010', reference);
    },
  );

  it('a second approve is refused with 6230; an aborted or cancelled one with 10020', async () => {
    const { reference } = await created();
    await api.approve(reference);
    const again = await api.approve(reference);
    expect(again.status).toBe(400);
    expect(errorCode(again.body)).toBe('6230');
    const cancelled = await created();
    expect((await api.cancel(cancelled.reference)).body.state).toBe('TERMINATED');
    expect(errorCode((await api.approve(cancelled.reference)).body)).toBe('10020');
  });
});

describe('refund test amounts (contract 3.10)', () => {
  it.each([
    [123, '5100'],
    [124, '6220'],
  ])(
    'refund of %i fails with %s, refunds nothing and logs a REFUNDED event with success false',
    async (value, code) => {
      const { reference } = await created(10_000);
      await api.approve(reference);
      expect((await api.modify('capture', reference, 5_000, `${reference}-c`)).status).toBe(200);
      const res = await api.modify('refund', reference, value, `${reference}-r`);
      expect(res.status).toBe(400);
      expect(errorCode(res.body)).toBe(code);
      expect((await api.get(reference)).body.aggregate.refundedAmount.value).toBe(0);
      const last = (await api.events(reference)).body.at(-1)!;
      expect(last).toMatchObject({
        name: 'REFUNDED',
        amount: { currency: 'NOK', value },
        success: false,
        idempotencyKey: `${reference}-r`,
      });
      // The key keeps its answer: a retry gets the same failure and no second event.
      const retry = await api.modify('refund', reference, value, `${reference}-r`);
      expect(errorCode(retry.body)).toBe(code);
      expect((await api.events(reference)).body.filter((e) => e.name === 'REFUNDED')).toHaveLength(1);
      // Other amounts refund as usual.
      expect((await api.modify('refund', reference, 125, `${reference}-r2`)).status).toBe(200);
      expect((await api.get(reference)).body.aggregate.refundedAmount.value).toBe(125);
    },
  );
});
