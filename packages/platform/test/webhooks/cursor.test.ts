import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ref, webRedirect } from '../support/harness.js';
import { ALL_EPAYMENT_EVENTS, Receiver, useWebhookApi } from './support.js';

const api = useWebhookApi();
let receiver: Receiver;

beforeAll(async () => {
  receiver = await new Receiver().start('/hooks');
});
afterAll(async () => {
  await receiver.close();
});

describe('the outbox cursor (issue #15: no upkeep after each commit while nobody is registered)', () => {
  it('is not written while no webhook is registered, and delivers only what follows a registration', async () => {
    const { store, webhooks } = api.started.platform;
    const before = ref('cur-before');
    expect((await api.create(webRedirect(before))).status).toBe(201);
    expect((await api.approve(before)).status).toBe(200);
    await webhooks.drain();
    expect(await store.latestEventSeq()).toBeGreaterThan(0);
    expect(await store.webhooks.cursor()).toBe(0);

    expect((await api.registerWebhook(receiver.url, ALL_EPAYMENT_EVENTS)).status).toBe(201);
    const after = ref('cur-after');
    expect((await api.create(webRedirect(after))).status).toBe(201);
    expect((await api.cancel(before)).status).toBe(200);
    await webhooks.drain();
    expect(receiver.about(after).map((r) => r.json.name)).toEqual(['CREATED']);
    expect(receiver.about(before).map((r) => r.json.name)).toEqual(['CANCELLED']);
    expect(await store.webhooks.cursor()).toBe(await store.latestEventSeq());
  });
});
