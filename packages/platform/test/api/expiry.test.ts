import { beforeEach, describe, expect, it } from 'vitest';
import { Api, errorCode, ref, startApi, webRedirect } from '../support/harness.js';

/** Expiry on the platform clock: 10 minutes by default (contract 3.11), expiresAt for long-living (3.12). */

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const DAY = 24 * 60 * MINUTE;

let api: Api;
// A platform per test, so each test's clock starts at T0 and one test's advances do not expire another's payments.
beforeEach(async () => {
  api = await startApi();
  return () => api.close();
});

const receipt = {
  orderLines: [
    {
      name: 'Invoice 2026-11',
      id: 'inv-1',
      totalAmount: 25_000,
      totalAmountExcludingTax: 20_000,
      totalTaxAmount: 5_000,
      taxRate: 2500,
    },
  ],
  bottomLine: { currency: 'NOK' },
};

async function names(reference: string): Promise<string[]> {
  return (await api.events(reference)).body.map((e) => e.name as string);
}

/**
 * PUSH_MESSAGE goes straight to the user's app, so it has the whole default validity of 10 minutes. (Flows with a
 * landing step get 5 minutes for it and 5 in the app: domain/customer-flow.ts; they are EXPIRED by +10:00 too.)
 */
function push(reference: string, value = 10_000) {
  return api.create({
    amount: { currency: 'NOK', value },
    paymentMethod: { type: 'WALLET' },
    reference,
    userFlow: 'PUSH_MESSAGE',
    customer: { phoneNumber: '4791234567' },
    paymentDescription: 'A test payment',
  });
}

describe('a payment nobody acts on (contract 3.11)', () => {
  it('is CREATED at +9:59 and EXPIRED at +10:00 (platform.clock.advance), with one EXPIRED event', async () => {
    const reference = ref('exp');
    expect((await push(reference, 10_000)).status).toBe(201);
    api.started.clock.advance(9 * MINUTE + 59 * SECOND);
    expect((await api.get(reference)).body.state).toBe('CREATED');
    api.started.clock.advance(SECOND);
    expect((await api.get(reference)).body.state).toBe('EXPIRED');
    expect((await api.get(reference)).body.state).toBe('EXPIRED');
    const events = (await api.events(reference)).body;
    expect(events.map((e) => e.name)).toEqual(['CREATED', 'EXPIRED']);
    expect(events[1]).toMatchObject({
      amount: { currency: 'NOK', value: 10_000 },
      success: true,
      idempotencyKey: null,
    });
    expect(events[1]!.timestamp).toBe(new Date(api.started.clock.now()).toISOString());
  });

  it('a WEB_REDIRECT payment nobody opens is EXPIRED by +10:00, with one EXPIRED event', async () => {
    const reference = ref('exp-web');
    await api.create(webRedirect(reference));
    api.started.clock.advance(10 * MINUTE);
    expect((await api.get(reference)).body.state).toBe('EXPIRED');
    expect(await names(reference)).toEqual(['CREATED', 'EXPIRED']);
  });

  it('10 concurrent reads of an overdue payment write one EXPIRED event', async () => {
    const reference = ref('exp-race');
    await push(reference);
    api.started.clock.advance(10 * MINUTE);
    const reads = await Promise.all([
      ...Array.from({ length: 5 }, () => api.get(reference)),
      ...Array.from({ length: 5 }, () => api.events(reference)),
    ]);
    for (const res of reads) expect(res.status).toBe(200);
    expect(await names(reference)).toEqual(['CREATED', 'EXPIRED']);
  });

  it('expires through POST /betal/clock/advance, which reports how many it expired', async () => {
    const a = ref('exp-a');
    const b = ref('exp-b');
    await push(a);
    await push(b);
    const early = await api.advance(599);
    expect(early.status).toBe(200);
    expect(early.body.expired).toBe(0);
    expect((await api.get(a)).body.state).toBe('CREATED');
    const due = await api.advance(1);
    expect(due.body.expired).toBe(2);
    expect(due.body.now).toBe(new Date(api.started.clock.now()).toISOString());
    expect((await api.get(a)).body.state).toBe('EXPIRED');
    expect(await names(a)).toEqual(['CREATED', 'EXPIRED']);
    expect(await names(b)).toEqual(['CREATED', 'EXPIRED']);
    expect((await api.advance(600)).body.expired).toBe(0);
    expect(await names(a)).toEqual(['CREATED', 'EXPIRED']);
  });

  it('an expired payment cannot be approved (10020), captured (6200) or cancelled (6190)', async () => {
    const reference = ref('exp-ops');
    await api.create(webRedirect(reference));
    api.started.clock.advance(10 * MINUTE);
    // No GET in between: the operation itself sees the state the clock implies.
    const cancel = await api.cancel(reference);
    expect(cancel.status).toBe(400);
    expect(errorCode(cancel.body)).toBe('6190');
    expect(await names(reference)).toEqual(['CREATED', 'EXPIRED']);
    expect(errorCode((await api.approve(reference)).body)).toBe('10020');
    expect(errorCode((await api.modify('capture', reference, 100, `${reference}-c`)).body)).toBe('6200');
    expect(await names(reference)).toEqual(['CREATED', 'EXPIRED']);
  });

  it('an approved payment does not expire', async () => {
    const reference = ref('exp-auth');
    await api.create(webRedirect(reference));
    await api.approve(reference);
    await api.advance(3_600);
    expect((await api.get(reference)).body.state).toBe('AUTHORIZED');
    expect(await names(reference)).toEqual(['CREATED', 'AUTHORIZED']);
  });
});

describe('a long-living payment (contract 3.12)', () => {
  it('stays CREATED past 10 minutes and expires at expiresAt', async () => {
    const reference = ref('long');
    const expiresAt = api.started.clock.now() + 2 * DAY;
    const res = await api.create({
      amount: { currency: 'NOK', value: 25_000 },
      paymentMethod: { type: 'WALLET' },
      reference,
      userFlow: 'PUSH_MESSAGE',
      customer: { phoneNumber: '4712345678' },
      paymentDescription: 'Invoice 2026-11',
      expiresAt: new Date(expiresAt).toISOString(),
      receipt,
    });
    expect(res.status).toBe(201);
    api.started.clock.advance(10 * MINUTE);
    expect((await api.get(reference)).body.state).toBe('CREATED');
    expect((await api.advance(DAY / SECOND)).body.expired).toBe(0);
    api.started.clock.advance(expiresAt - api.started.clock.now() - SECOND);
    expect((await api.get(reference)).body.state).toBe('CREATED');
    api.started.clock.advance(SECOND);
    expect((await api.get(reference)).body.state).toBe('EXPIRED');
    expect(await names(reference)).toEqual(['CREATED', 'EXPIRED']);
  });

  it('can be approved a day later', async () => {
    const reference = ref('long-pay');
    await api.create({
      amount: { currency: 'NOK', value: 25_000 },
      paymentMethod: { type: 'WALLET' },
      reference,
      userFlow: 'QR',
      expiresAt: new Date(api.started.clock.now() + 2 * DAY).toISOString(),
      receipt,
    });
    await api.advance(DAY / SECOND);
    expect((await api.approve(reference)).status).toBe(200);
    expect((await api.get(reference)).body.state).toBe('AUTHORIZED');
  });
});
