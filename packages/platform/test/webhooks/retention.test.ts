/**
 * The delivery log keeps finished deliveries for 7 days of platform time, the whole retry horizon; a pending
 * delivery stays whatever its age, so pruning never loses an event that is still owed.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ref, webRedirect } from '../support/harness.js';
import { Receiver, useWebhookApi } from './support.js';

const DAY = 24 * 60 * 60 * 1000;
const api = useWebhookApi();
let ok: Receiver;
let down: Receiver;
beforeAll(async () => {
  ok = await new Receiver().start();
  down = await new Receiver(() => 503).start();
});
afterAll(async () => {
  await ok.close();
  await down.close();
});

it('prunes delivered rows older than 7 days and keeps younger ones and pending ones', async () => {
  const healthy = await api.registerWebhook(ok.url, ['epayments.payment.created.v1']);
  expect(healthy.status).toBe(201);
  const webhooks = api.started.platform.webhooks;
  expect((await api.create(webRedirect(ref('retention-old')))).status).toBe(201);
  await webhooks.drain();
  expect((await api.deliveries(healthy.body.id)).body.deliveries.map((d) => d.status)).toEqual(['delivered']);

  // Six days later a failing receiver joins: its delivery of a new event stays pending (retried for 7 days from its
  // first try), so no background retry can finish it before the prune below, whatever the timers do.
  api.started.clock.advance(6 * DAY);
  const failing = await api.registerWebhook(down.url, ['epayments.payment.created.v1']);
  expect(failing.status).toBe(201);
  const young = ref('retention-young');
  expect((await api.create(webRedirect(young))).status).toBe(201);
  await webhooks.drain();
  expect((await api.deliveries(healthy.body.id)).body.deliveries).toHaveLength(2);
  expect((await api.deliveries(failing.body.id)).body.deliveries.map((d) => d.status)).toEqual(['pending']);

  api.started.clock.advance(DAY + 1);
  await webhooks.runDue();
  const kept = (await api.deliveries(healthy.body.id)).body.deliveries;
  expect(kept.map((d) => d.status)).toEqual(['delivered']);
  expect(JSON.stringify(kept)).toContain(young);
  const stillOwed = (await api.deliveries(failing.body.id)).body.deliveries;
  expect(stillOwed.map((d) => d.status)).toEqual(['pending']);
});
