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

/** Idempotency (contract 3.8) and the aggregate bounds under concurrent requests (contract 3.6). */

const api = usePlatformApi();

/** A new AUTHORIZED payment of `value` øre. */
async function authorized(value = 10_000): Promise<string> {
  const reference = ref('idem');
  expect((await api.create(webRedirect(reference, value))).status).toBe(201);
  expect((await api.approve(reference)).status).toBe(200);
  return reference;
}

function expectConflict(res: ApiResponse, code: string): void {
  expect(res.status).toBe(409);
  expect(errorCode(res.body)).toBe(code);
  expect(res.headers.get('idempotent-replayed')).toBeNull();
}

type Aggregate = Record<
  'authorizedAmount' | 'capturedAmount' | 'refundedAmount' | 'cancelledAmount',
  { value: number }
>;

async function aggregate(
  reference: string,
): Promise<Record<'authorized' | 'captured' | 'refunded' | 'cancelled', number>> {
  const a = (await api.get(reference)).body.aggregate as Aggregate;
  return {
    authorized: a.authorizedAmount.value,
    captured: a.capturedAmount.value,
    refunded: a.refundedAmount.value,
    cancelled: a.cancelledAmount.value,
  };
}

describe('same key, same body: the first answer again, with no second effect', () => {
  it('create: the same 201 body, idempotent-replayed, one payment and one CREATED event', async () => {
    const reference = ref('replay');
    const first = await api.create(webRedirect(reference), 'same-create-key');
    const again = await api.create(webRedirect(reference), 'same-create-key');
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect((await api.events(reference)).body.map((e) => e.name)).toEqual(['CREATED']);
  });

  it('create: the same body with its keys in another order is the same request', async () => {
    const reference = ref('order');
    const body = webRedirect(reference);
    const reversed = Object.fromEntries(Object.entries(body).reverse());
    const first = await api.create(body, `k-${reference}`);
    const again = await api.create(reversed, `k-${reference}`);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
  });

  it.each(['capture', 'refund'] as const)(
    '%s: the same 200 body, and the aggregate and log unchanged',
    async (operation) => {
      const reference = await authorized();
      if (operation === 'refund') await api.modify('capture', reference, 5_000, `${reference}-c0`);
      const first = await api.modify(operation, reference, 1_000, `${reference}-op`);
      const logAfterFirst = (await api.events(reference)).body;
      const stateAfterFirst = await aggregate(reference);
      const again = await api.modify(operation, reference, 1_000, `${reference}-op`);
      expect(first.status).toBe(200);
      expect(again.status).toBe(200);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.body).toEqual(first.body);
      expect((await api.events(reference)).body).toEqual(logAfterFirst);
      expect(await aggregate(reference)).toEqual(stateAfterFirst);
    },
  );

  it('cancel with a key: replayed, one CANCELLED event', async () => {
    const reference = await authorized();
    const first = await api.cancel(reference, {}, `${reference}-x`);
    const again = await api.cancel(reference, {}, `${reference}-x`);
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect((await api.events(reference)).body.filter((e) => e.name === 'CANCELLED')).toHaveLength(1);
  });

  it('a request that got a 4xx keeps that 4xx for its key, even once the operation would succeed', async () => {
    const reference = ref('early');
    await api.create(webRedirect(reference));
    const early = await api.modify('capture', reference, 1_000, `${reference}-c`);
    expect(early.status).toBe(400);
    expect(errorCode(early.body)).toBe('6080');
    await api.approve(reference);
    const retry = await api.modify('capture', reference, 1_000, `${reference}-c`);
    expect(retry.status).toBe(400);
    expect(errorCode(retry.body)).toBe('6080');
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect((await aggregate(reference)).captured).toBe(0);
    const fresh = await api.modify('capture', reference, 1_000, `${reference}-c2`);
    expect(fresh.status).toBe(200);
    expect((await aggregate(reference)).captured).toBe(1_000);
  });

  it('a create refused by a rule keeps its 4xx for its key', async () => {
    const reference = ref('rule');
    const first = await api.create(webRedirect(reference, 99), `k-${reference}`);
    expect(first.status).toBe(400);
    expect(errorCode(first.body)).toBe('6010');
    const again = await api.create(webRedirect(reference, 99), `k-${reference}`);
    expect(again.status).toBe(400);
    expect(errorCode(again.body)).toBe('6010');
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect((await api.get(reference)).status).toBe(404);
  });
});

describe('the Idempotency-Key header (contract 1, 3.8)', () => {
  it('is required on create, capture and refund, and at most 50 characters: 400 naming the header', async () => {
    const reference = await authorized();
    const noKey = await api.headers(DEV);
    const answers = [
      await api.call('POST', '/epayment/v1/payments', { body: webRedirect(ref('nokey')), headers: noKey }),
      await api.call('POST', `/epayment/v1/payments/${reference}/capture`, {
        body: { modificationAmount: { currency: 'NOK', value: 100 } },
        headers: noKey,
      }),
      await api.call('POST', `/epayment/v1/payments/${reference}/refund`, {
        body: { modificationAmount: { currency: 'NOK', value: 100 } },
        headers: noKey,
      }),
      await api.modify('capture', reference, 100, 'k'.repeat(51)),
    ];
    for (const res of answers) {
      expect(res.status).toBe(400);
      expect((res.body as { extraDetails: Array<{ name: string }> }).extraDetails[0]!.name).toBe(
        'Idempotency-Key',
      );
    }
    expect((await api.modify('capture', reference, 100, 'k'.repeat(50))).status).toBe(200);
    expect((await aggregate(reference)).captured).toBe(100);
  });

  it('is optional on cancel', async () => {
    const reference = await authorized();
    expect((await api.cancel(reference)).status).toBe(200);
  });

  it('a schema failure is answered before the key is kept: the fixed request may use the same key (README)', async () => {
    const reference = ref('fixed');
    const broken = await api.create(
      { ...webRedirect(reference), amount: { currency: 'NOK' } },
      `k-${reference}`,
    );
    expect(broken.status).toBe(400);
    expect(errorCode(broken.body)).toBeUndefined();
    const fixed = await api.create(webRedirect(reference), `k-${reference}`);
    expect(fixed.status).toBe(201);
    expect(fixed.headers.get('idempotent-replayed')).toBeNull();
  });
});

describe('same key, another body: 409', () => {
  it('capture: 4010, and nothing captured a second time', async () => {
    const reference = await authorized();
    expect((await api.modify('capture', reference, 1_000, `${reference}-c`)).status).toBe(200);
    expectConflict(await api.modify('capture', reference, 2_000, `${reference}-c`), '4010');
    expect((await aggregate(reference)).captured).toBe(1_000);
  });

  it('refund: 4150', async () => {
    const reference = await authorized();
    await api.modify('capture', reference, 5_000, `${reference}-c`);
    expect((await api.modify('refund', reference, 1_000, `${reference}-r`)).status).toBe(200);
    expectConflict(await api.modify('refund', reference, 1_500, `${reference}-r`), '4150');
    expect((await aggregate(reference)).refunded).toBe(1_000);
  });

  it('create: 4020', async () => {
    const reference = ref('c409');
    expect((await api.create(webRedirect(reference, 10_000), `k-${reference}`)).status).toBe(201);
    expectConflict(await api.create(webRedirect(reference, 20_000), `k-${reference}`), '4020');
    expect((await api.get(reference)).body.amount.value).toBe(10_000);
  });
});

// Issue #9 reverses the earlier 409 with 4020: keys are scoped per MSN, reference and operation, as the official
// Postman quick start (its create's key again on capture, refund and cancel) and WooCommerce (key `1` for every
// cancel) use them. Each of these is a new request.
describe('a key reused on another operation or payment: a new request', () => {
  it('capture key used for a refund, for a capture of another payment and for a cancel', async () => {
    const a = await authorized();
    const b = await authorized();
    expect((await api.modify('capture', a, 5_000, `shared-${a}`)).status).toBe(200);
    const refund = await api.modify('refund', a, 1_000, `shared-${a}`);
    expect(refund.status).toBe(200);
    expect(refund.headers.get('idempotent-replayed')).toBeNull();
    expect((await api.modify('capture', b, 5_000, `shared-${a}`)).status).toBe(200);
    expect((await api.cancel(b, {}, `shared-${a}`)).status).toBe(200);
    expect(await aggregate(a)).toEqual({
      authorized: 10_000,
      captured: 5_000,
      refunded: 1_000,
      cancelled: 0,
    });
    expect(await aggregate(b)).toEqual({
      authorized: 10_000,
      captured: 5_000,
      refunded: 0,
      cancelled: 5_000,
    });
    // Still scoped: the same key on the same operation of the same payment replays, or with another body is 409.
    const again = await api.modify('refund', a, 1_000, `shared-${a}`);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expectConflict(await api.modify('refund', a, 2_000, `shared-${a}`), '4150');
    expect((await aggregate(a)).refunded).toBe(1_000);
  });

  it('the same reference and key at two sales units: two payments, two captures, nothing replayed', async () => {
    // References are unique per MSN, so two sales units may use one, each under the same key.
    const reference = ref('two-units');
    const key = `k-${reference}`;
    const body = (currency: string) => ({ ...webRedirect(reference), amount: { currency, value: 10_000 } });
    const no = await api.create(body('NOK'), key, DEV);
    const dk = await api.create(body('DKK'), key, DEV2);
    expect([no.status, dk.status]).toEqual([201, 201]);
    expect(dk.headers.get('idempotent-replayed')).toBeNull();
    expect((await api.approve(reference, '4712345678', DEV)).status).toBe(200);
    expect((await api.approve(reference, '4512345678', DEV2)).status).toBe(200);
    const captureNo = await api.modify('capture', reference, 3_000, key, 'NOK', DEV);
    const captureDk = await api.modify('capture', reference, 4_000, key, 'DKK', DEV2);
    expect([captureNo.status, captureDk.status]).toEqual([200, 200]);
    expect(captureDk.headers.get('idempotent-replayed')).toBeNull();
    expect((await api.get(reference, DEV)).body.aggregate.capturedAmount).toEqual({
      currency: 'NOK',
      value: 3_000,
    });
    expect((await api.get(reference, DEV2)).body.aggregate.capturedAmount).toEqual({
      currency: 'DKK',
      value: 4_000,
    });
    // Within one sales unit the key still replays.
    const again = await api.modify('capture', reference, 4_000, key, 'DKK', DEV2);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
  });

  it('create key used for another reference', async () => {
    const reference = ref('first');
    await api.create(webRedirect(reference), `k-${reference}`);
    const other = ref('second');
    const second = await api.create(webRedirect(other), `k-${reference}`);
    expect(second.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBeNull();
    expect((await api.get(other)).status).toBe(200);
  });
});

describe('a reused reference (contract 3.8)', () => {
  it('a new key with an existing reference: 409 with 4150, the payment unchanged', async () => {
    const reference = ref('reuse');
    await api.create(webRedirect(reference, 10_000), 'key-one-' + reference);
    const res = await api.create(webRedirect(reference, 10_000), 'key-two-' + reference);
    expectConflict(res, '4150');
    expect((await api.events(reference)).body).toHaveLength(1);
  });
});

describe('concurrency (contract 3.6, 3.8)', () => {
  it('20 concurrent identical creates: 20 identical 201s and exactly one payment', async () => {
    const reference = ref('burst');
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => api.create(webRedirect(reference), `burst-${reference}`)),
    );
    for (const res of responses) {
      expect(res.status).toBe(201);
      expect(res.body).toEqual(responses[0]!.body);
    }
    expect(responses.filter((r) => r.headers.get('idempotent-replayed') === null)).toHaveLength(1);
    expect((await api.events(reference)).body.map((e) => e.name)).toEqual(['CREATED']);
  });

  it('30 concurrent captures with distinct keys over the authorized amount: the successes fit and GET agrees', async () => {
    const reference = await authorized(10_000);
    const amounts = Array.from({ length: 30 }, (_, i) => 200 + ((i * 137) % 500));
    expect(amounts.reduce((s, v) => s + v, 0)).toBeGreaterThan(10_000);
    const responses = await Promise.all(
      amounts.map((v, i) => api.modify('capture', reference, v, `${reference}-c${i}`)),
    );
    const ok = amounts.filter((_, i) => responses[i]!.status === 200);
    const sum = ok.reduce((s, v) => s + v, 0);
    expect(sum).toBeLessThanOrEqual(10_000);
    expect(ok.length).toBeGreaterThan(0);
    for (const res of responses.filter((r) => r.status !== 200)) {
      expect(res.status).toBe(400);
      expect(['6090', '6170']).toContain(errorCode(res.body));
    }
    expect(await aggregate(reference)).toMatchObject({ authorized: 10_000, captured: sum });
    const captured = (await api.events(reference)).body.filter((e) => e.name === 'CAPTURED');
    expect(captured).toHaveLength(ok.length);
    expect(captured.reduce((s, e) => s + (e.amount.value as number), 0)).toBe(sum);
  });

  it('concurrent mixed captures, refunds and cancels never break the aggregate bounds', async () => {
    for (let round = 0; round < 3; round++) {
      const reference = await authorized(10_000);
      await api.modify('capture', reference, 2_000, `${reference}-seed`);
      const ops: Array<{ kind: 'capture' | 'refund' | 'cancel'; value: number }> = Array.from(
        { length: 24 },
        (_, i) => {
          const kind = (['capture', 'refund', 'capture', 'refund', 'cancel'] as const)[(i + round) % 5]!;
          return { kind, value: 300 + ((i * 211 + round * 97) % 1_400) };
        },
      );
      const responses = await Promise.all(
        ops.map((op, i) =>
          op.kind === 'cancel'
            ? api.cancel(reference, {}, `${reference}-x${i}`)
            : api.modify(op.kind, reference, op.value, `${reference}-${op.kind}${i}`),
        ),
      );
      for (const res of responses) expect([200, 400]).toContain(res.status);
      const a = await aggregate(reference);
      expect(a.captured + a.cancelled).toBeLessThanOrEqual(a.authorized);
      expect(a.refunded).toBeLessThanOrEqual(a.captured);
      for (const v of Object.values(a)) expect(v).toBeGreaterThanOrEqual(0);
      const succeeded = (kind: string) =>
        ops
          .filter((op, i) => op.kind === kind && responses[i]!.status === 200)
          .reduce((s, op) => s + op.value, 0);
      expect(a.captured).toBe(2_000 + succeeded('capture'));
      expect(a.refunded).toBe(succeeded('refund'));
      expect(ops.filter((op, i) => op.kind === 'cancel' && responses[i]!.status === 200)).toHaveLength(
        a.cancelled > 0 ? 1 : 0,
      );
    }
  });
});
