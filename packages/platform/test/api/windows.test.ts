import { describe, expect, it } from 'vitest';
import { DEV2, errorCode as code, ref, usePlatformApi, webRedirect } from '../support/harness.js';

const DAY = 24 * 60 * 60 * 1000;
const api = usePlatformApi();

async function authorized(value = 10_000): Promise<string> {
  const reference = ref('win');
  expect((await api.create(webRedirect(reference, value))).status).toBe(201);
  expect((await api.approve(reference)).status).toBe(200);
  return reference;
}

describe('time windows after authorization (contract 3.6)', () => {
  it('refuses a capture after 180 days in Norway with 6100, and allows it on day 180', async () => {
    const early = await authorized();
    const late = await authorized();
    api.started.clock.advance(180 * DAY);
    expect((await api.modify('capture', early, 1_000, `${early}-c`)).status).toBe(200);
    api.started.clock.advance(1);
    const refused = await api.modify('capture', late, 1_000, `${late}-c`);
    expect(refused.status).toBe(400);
    expect(code(refused.body)).toBe('6100');
  });

  it('gives a Danish sales unit 14 days to capture', async () => {
    const reference = ref('win-dk');
    const created = await api.create(
      { ...webRedirect(reference, 5_000), amount: { currency: 'DKK', value: 5_000 } },
      undefined,
      DEV2,
    );
    expect(created.status).toBe(201);
    expect((await api.approve(reference, '4512345678', DEV2)).status).toBe(200);
    api.started.clock.advance(14 * DAY + 1);
    const headers = await api.headers(DEV2, { 'Idempotency-Key': `${reference}-c` });
    const refused = await api.call('POST', `/epayment/v1/payments/${reference}/capture`, {
      body: { modificationAmount: { currency: 'DKK', value: 5_000 } },
      headers,
    });
    expect(refused.status).toBe(400);
    expect(code(refused.body)).toBe('6100');
  });

  it('refuses a cancel after 180 days with 6030 and a refund after 365 days with 6220', async () => {
    const cancelLate = await authorized();
    const refundLate = await authorized();
    expect((await api.modify('capture', refundLate, 5_000, `${refundLate}-c`)).status).toBe(200);
    api.started.clock.advance(180 * DAY + 1);
    const cancelled = await api.cancel(cancelLate);
    expect(cancelled.status).toBe(400);
    expect(code(cancelled.body)).toBe('6030');
    expect((await api.modify('refund', refundLate, 1_000, `${refundLate}-r1`)).status).toBe(200);
    api.started.clock.advance(185 * DAY);
    const refunded = await api.modify('refund', refundLate, 1_000, `${refundLate}-r2`);
    expect(refunded.status).toBe(400);
    expect(code(refunded.body)).toBe('6220');
  });
});

describe('cancel only inside the capture deadline (operations reference)', () => {
  async function danish(): Promise<string> {
    const reference = ref('win-dk-cancel');
    const created = await api.create(
      { ...webRedirect(reference, 5_000), amount: { currency: 'DKK', value: 5_000 } },
      undefined,
      DEV2,
    );
    expect(created.status).toBe(201);
    expect((await api.approve(reference, '4512345678', DEV2)).status).toBe(200);
    return reference;
  }

  it('lets a Danish sales unit without late capture cancel on day 14 and refuses it after with 6030', async () => {
    const inTime = await danish();
    const late = await danish();
    api.started.clock.advance(14 * DAY);
    expect((await api.cancel(inTime, undefined, undefined, DEV2)).status).toBe(200);
    api.started.clock.advance(1);
    const refused = await api.cancel(late, undefined, undefined, DEV2);
    expect(refused.status).toBe(400);
    expect(code(refused.body)).toBe('6030');
    expect(String(refused.body.detail)).toContain('14 days');
    const got = await api.get(late, DEV2);
    expect(got.body.aggregate.cancelledAmount.value).toBe(0);
  });

  it('still cancels a CREATED payment of a Danish sales unit at any time (it has no capture deadline)', async () => {
    const reference = ref('win-dk-created');
    const created = await api.create(
      {
        ...webRedirect(reference, 5_000),
        amount: { currency: 'DKK', value: 5_000 },
      },
      undefined,
      DEV2,
    );
    expect(created.status).toBe(201);
    api.started.clock.advance(60_000);
    expect((await api.cancel(reference, undefined, undefined, DEV2)).status).toBe(200);
    expect((await api.get(reference, DEV2)).body.state).toBe('TERMINATED');
  });
});

describe('small request-reading rules', () => {
  it('keeps a metadata key named __proto__ as an ordinary key', async () => {
    const reference = ref('proto');
    const raw = JSON.stringify(webRedirect(reference)).replace(
      /}$/,
      ',"metadata":{"__proto__":"x","a":"b"}}',
    );
    const headers = await api.headers(undefined, { 'Idempotency-Key': `create-${reference}` });
    const created = await api.call('POST', '/epayment/v1/payments', { raw, headers });
    expect(created.status).toBe(201);
    const got = await api.get(reference);
    expect(Object.keys(got.body.metadata)).toEqual(['__proto__', 'a']);
  });

  it('treats a cancel without a body and one with {} as the same request for its key', async () => {
    const reference = await authorized();
    const first = await api.cancel(reference, undefined, `${reference}-cancel`);
    const second = await api.cancel(reference, {}, `${reference}-cancel`);
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.body).toEqual(first.body);
  });
});
