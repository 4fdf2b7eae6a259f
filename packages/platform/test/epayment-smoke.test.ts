import { describe, expect, it } from 'vitest';
import { ref, webRedirect, usePlatformApi } from './support/harness.js';

const api = usePlatformApi();

describe('ePayment happy path', () => {
  it('creates, approves, captures part, refunds part and cancels the rest', async () => {
    const reference = ref();
    const created = await api.create(webRedirect(reference, 10_000));
    expect(created.status).toBe(201);
    expect(created.body.reference).toBe(reference);
    expect(created.body.redirectUrl).toMatch(/\/landing\?token=/);

    expect((await api.approve(reference)).status).toBe(200);
    const captured = await api.modify('capture', reference, 6_000, `${reference}-c1`);
    expect(captured.status).toBe(200);
    expect(captured.body.aggregate).toMatchObject({
      capturedAmount: { value: 6_000 },
      authorizedAmount: { value: 10_000 },
    });
    const refunded = await api.modify('refund', reference, 1_000, `${reference}-r1`);
    expect(refunded.body.aggregate).toMatchObject({ refundedAmount: { value: 1_000 } });
    const cancelled = await api.cancel(reference);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({
      state: 'AUTHORIZED',
      aggregate: { cancelledAmount: { value: 4_000 } },
    });

    const events = await api.events(reference);
    expect(events.body.map((e) => e.name)).toEqual([
      'CREATED',
      'AUTHORIZED',
      'CAPTURED',
      'REFUNDED',
      'CANCELLED',
    ]);
    expect(new Set(events.body.map((e) => e.pspReference)).size).toBe(5);
  });
});
