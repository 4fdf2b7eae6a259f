import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ref, webRedirect } from '../support/harness.js';
import { ALL_EPAYMENT_EVENTS, Receiver, useWebhookApi } from './support.js';

/** Issue #13 item 3: webhook faults (drop, duplicate, reorder, delay) as a local receiver sees them. */

const api = useWebhookApi();
let receiver: Receiver;
let webhookId: string;

beforeAll(async () => {
  receiver = await new Receiver().start();
  const registered = await api.registerWebhook(receiver.url, ALL_EPAYMENT_EVENTS);
  expect(registered.status).toBe(201);
  webhookId = registered.body.id;
});
afterAll(async () => {
  await receiver.close();
});
afterEach(async () => {
  await fetch(`${api.url}/betal/faults`, { method: 'DELETE' });
});

const drain = () => api.started.platform.webhooks.drain();
const names = (reference: string) => receiver.about(reference).map((r) => String(r.json.name));

async function addRule(body: unknown): Promise<{ id: string }> {
  const res = await api.call<{ id: string }>('POST', '/betal/faults', {
    headers: { 'content-type': 'application/json' },
    body: { on: 'webhook', ...(body as object) },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

async function createAndApprove(reference: string): Promise<void> {
  expect((await api.create(webRedirect(reference, 10_000))).status).toBe(201);
  expect((await api.approve(reference)).status).toBe(200);
}

describe('webhook faults', () => {
  it('drops a delivery: the receiver never gets it, the log counts it delivered', async () => {
    const reference = ref('wh-drop');
    const rule = await addRule({ match: { reference, event: 'created' }, action: { type: 'drop' } });
    await createAndApprove(reference);
    await drain();
    await receiver.until(() => names(reference).includes('AUTHORIZED'));
    expect(names(reference)).toEqual(['AUTHORIZED']);
    const log = await api.deliveries(webhookId);
    const created = log.body.deliveries.find(
      (d) => d.reference === reference && d.eventType === 'epayments.payment.created.v1',
    );
    expect(created?.status).toBe('delivered');
    expect(created?.attempts[0]?.error).toBe(`dropped by fault rule ${rule.id}`);
    const listed = await api.call<{ firedCount: number }>('GET', `/betal/faults/${rule.id}`, { headers: {} });
    expect(listed.body.firedCount).toBe(1);
  });

  it('duplicates a delivery', async () => {
    const reference = ref('wh-dup');
    await addRule({
      match: { reference, event: 'epayments.payment.authorized.v1' },
      action: { type: 'duplicate' },
    });
    await createAndApprove(reference);
    await drain();
    await receiver.until(() => names(reference).filter((n) => n === 'AUTHORIZED').length === 2);
    expect(names(reference)).toEqual(['CREATED', 'AUTHORIZED', 'AUTHORIZED']);
  });

  it('reorders: the held event arrives after the next event of the same payment', async () => {
    const reference = ref('wh-reorder');
    await addRule({ match: { reference, event: 'created' }, action: { type: 'reorder', ms: 30_000 } });
    expect((await api.create(webRedirect(reference, 10_000))).status).toBe(201);
    await drain();
    expect(names(reference)).toEqual([]);
    expect((await api.approve(reference)).status).toBe(200);
    await drain();
    await receiver.until(() => names(reference).length === 2);
    expect(names(reference)).toEqual(['AUTHORIZED', 'CREATED']);
  });

  it('delays a delivery: another payment’s event overtakes it', async () => {
    const slow = ref('wh-slow');
    const fast = ref('wh-fast');
    await addRule({ match: { reference: slow, event: 'created' }, action: { type: 'delay', ms: 500 } });
    expect((await api.create(webRedirect(slow, 10_000))).status).toBe(201);
    expect((await api.create(webRedirect(fast, 10_000))).status).toBe(201);
    await drain();
    await receiver.until(() => names(slow).length === 1 && names(fast).length === 1);
    const order = receiver.requests
      .filter((r) => r.json.reference === slow || r.json.reference === fast)
      .map((r) => r.json.reference);
    expect(order).toEqual([fast, slow]);
  });
});
