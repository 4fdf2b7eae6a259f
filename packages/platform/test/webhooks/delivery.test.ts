import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV, ref, T0, webRedirect } from '../support/harness.js';
import { ALL_EPAYMENT_EVENTS, Receiver, useWebhookApi, verify } from './support.js';

const api = useWebhookApi();
let receiver: Receiver;
let secret: string;
let webhookId: string;

beforeAll(async () => {
  receiver = await new Receiver().start('/hooks/vipps?shop=betal');
  const registered = await api.registerWebhook(receiver.url, ALL_EPAYMENT_EVENTS);
  expect(registered.status).toBe(201);
  secret = registered.body.secret;
  webhookId = registered.body.id;
});
afterAll(async () => {
  await receiver.close();
});

const drain = () => api.started.platform.webhooks.drain();

/** The event log of a payment, as webhook payloads must repeat it (contract 4.3: the entry plus msn). */
async function expectDeliveredAsLogged(reference: string, names: string[]) {
  await drain();
  const log = (await api.events(reference)).body;
  expect(log.map((e) => e.name)).toEqual(names);
  const got = receiver.about(reference);
  expect(got.map((r) => r.json.name)).toEqual(names);
  got.forEach((r, i) => {
    // AUTHORIZED adds captureGuaranteedUntil (Aug 2026) and, with profile sharing, profile and userDetails.
    const {
      profile: _profile,
      userDetails: _details,
      captureGuaranteedUntil: guarantee,
      ...payload
    } = r.json;
    expect(payload).toEqual({ msn: DEV.msn, ...log[i] });
    if (r.json.name === 'AUTHORIZED') {
      expect(guarantee).toBe(
        new Date(Date.parse(String(log[i]?.timestamp)) + 7 * 86_400_000).toISOString().replace('Z', '+00:00'),
      );
    } else expect(guarantee).toBeUndefined();
    expect(r.method).toBe('POST');
    expect(r.url).toBe('/hooks/vipps?shop=betal');
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    expect(r.headers['x-betal-event-type']).toBe(
      `epayments.payment.${String(log[i]?.name).toLowerCase()}.v1`,
    );
    const verdict = verify(r, secret);
    expect(verdict, `${r.json.name} ${JSON.stringify(r.headers)}`).toMatchObject({ ok: true });
  });
  return got;
}

describe('every ePayment event reaches a real receiver, signed (contract 4.2-4.4)', () => {
  it('CREATED, AUTHORIZED, CAPTURED, REFUNDED, CANCELLED', async () => {
    const reference = ref('wh-life');
    expect((await api.create(webRedirect(reference, 10_000))).status).toBe(201);
    expect((await api.approve(reference)).status).toBe(200);
    expect((await api.modify('capture', reference, 6_000, `${reference}-c`)).status).toBe(200);
    expect((await api.modify('refund', reference, 1_000, `${reference}-r`)).status).toBe(200);
    expect((await api.cancel(reference)).status).toBe(200);
    const got = await expectDeliveredAsLogged(reference, [
      'CREATED',
      'AUTHORIZED',
      'CAPTURED',
      'REFUNDED',
      'CANCELLED',
    ]);
    expect(got.map((r) => r.json.amount.value)).toEqual([10_000, 10_000, 6_000, 1_000, 4_000]);
    expect(got[2]?.json.idempotencyKey).toBe(`${reference}-c`);
    expect(got[0]?.json.timestamp).toBe(new Date(T0).toISOString());
  });

  it('TERMINATED (cancel before approval)', async () => {
    const reference = ref('wh-term');
    await api.create(webRedirect(reference));
    expect((await api.cancel(reference)).status).toBe(200);
    await expectDeliveredAsLogged(reference, ['CREATED', 'TERMINATED']);
  });

  it('ABORTED (the customer rejects)', async () => {
    const reference = ref('wh-abort');
    await api.create(webRedirect(reference));
    expect((await api.started.platform.payments.reject(DEV.msn, reference)).state).toBe('ABORTED');
    await expectDeliveredAsLogged(reference, ['CREATED', 'ABORTED']);
  });

  it('EXPIRED (the test clock moves past the expiry)', async () => {
    const reference = ref('wh-expire');
    await api.create(webRedirect(reference));
    await drain();
    const advanced = await api.advance(11 * 60);
    expect(advanced.body.expired).toBeGreaterThanOrEqual(1);
    await receiver.until(() => receiver.about(reference).length === 2);
    await expectDeliveredAsLogged(reference, ['CREATED', 'EXPIRED']);
  });

  it('adds profile.sub and userDetails to AUTHORIZED when profile sharing was asked for', async () => {
    const reference = ref('wh-sub');
    await api.create(webRedirect(reference, 5_000, { profile: { scope: 'name phoneNumber' } }));
    expect((await api.approve(reference)).status).toBe(200);
    const got = await expectDeliveredAsLogged(reference, ['CREATED', 'AUTHORIZED']);
    const sub = (await api.get(reference)).body.profile.sub;
    expect(sub).toMatch(/^[0-9a-f-]{36}$/);
    expect(got[1]?.json.profile).toEqual({ sub });
    expect(got[1]?.json.userDetails).toEqual({
      firstName: 'Kari',
      lastName: 'Nordmann',
      mobileNumber: '4712345678',
    });
    expect(got[0]?.json.profile).toBeUndefined();
    expect(got[0]?.json.userDetails).toBeUndefined();
  });

  it('sends x-ms-date in real time, so that a receiver checking freshness accepts it', async () => {
    const reference = ref('wh-date');
    await api.create(webRedirect(reference));
    await drain();
    const [r] = receiver.about(reference);
    expect(Math.abs(Date.parse(String(r?.headers['x-ms-date'])) - Date.now())).toBeLessThan(60_000);
    expect(r?.headers.host).toBe(new URL(receiver.url).host);
  });
});

describe('subscriptions', () => {
  it('delivers only the events a registration subscribed to, only its own MSN, only after it registered', async () => {
    const before = ref('wh-before');
    await api.create(webRedirect(before));
    const only = await new Receiver().start();
    try {
      const reg = await api.registerWebhook(only.url, ['epayments.payment.captured.v1']);
      await api.approve(before);
      await api.modify('capture', before, 100, `${before}-c`);
      const reference = ref('wh-only');
      await api.create(webRedirect(reference));
      await api.approve(reference);
      await api.modify('capture', reference, 2_000, `${reference}-c`);
      await drain();
      expect(only.requests.map((r) => `${r.json.reference} ${r.json.name}`)).toEqual([
        `${before} CAPTURED`,
        `${reference} CAPTURED`,
      ]);
      const late = await new Receiver().start();
      const lateReg = await api.registerWebhook(late.url, ['epayments.payment.created.v1']);
      await drain();
      expect(late.requests).toHaveLength(0);
      await api.deleteWebhook(lateReg.body.id);
      await late.close();
      await api.deleteWebhook(reg.body.id);
    } finally {
      await only.close();
    }
  });

  it('keeps a delivery log per registration: every attempt with time, status, latency and error', async () => {
    const log = await api.deliveries(webhookId, '?limit=3');
    expect(log.status).toBe(200);
    expect(log.body.webhook).toMatchObject({ id: webhookId, url: receiver.url, msn: DEV.msn });
    expect(log.body.deliveries).toHaveLength(3);
    for (const d of log.body.deliveries) {
      expect(d.status).toBe('delivered');
      expect(d.attempts).toHaveLength(1);
      expect(d.attempts[0]).toMatchObject({ attempt: 1, statusCode: 200, error: null, manual: false });
      expect(d.attempts[0].latencyMs).toBeGreaterThan(0);
      expect(Date.parse(d.attempts[0].at)).toBeGreaterThanOrEqual(T0);
      expect(d.payload.msn).toBe(DEV.msn);
    }
    const ids = log.body.deliveries.map((d) => Number(d.id));
    expect([...ids].sort((a, b) => b - a)).toEqual(ids);
    const older = await api.deliveries(webhookId, `?before=${ids[2]}&limit=2`);
    expect(older.body.deliveries.every((d) => Number(d.id) < (ids[2] as number))).toBe(true);
    expect((await api.deliveries(webhookId, '?status=bogus')).status).toBe(400);
    expect((await api.deliveries('00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });
});
