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

it('prunes delivered rows older than 7 days and keeps pending ones', async () => {
  const healthy = await api.registerWebhook(ok.url, ['epayments.payment.created.v1']);
  const failing = await api.registerWebhook(down.url, ['epayments.payment.created.v1']);
  expect(healthy.status).toBe(201);
  expect(failing.status).toBe(201);
  const reference = ref('retention');
  expect((await api.create(webRedirect(reference))).status).toBe(201);
  const webhooks = api.started.platform.webhooks;
  await webhooks.drain();
  expect((await api.deliveries(healthy.body.id)).body.deliveries.map((d) => d.status)).toEqual(['delivered']);
  expect((await api.deliveries(failing.body.id)).body.deliveries.map((d) => d.status)).toEqual(['pending']);

  api.started.clock.advance(6 * DAY);
  await webhooks.runDue();
  expect((await api.deliveries(healthy.body.id)).body.deliveries).toHaveLength(1);

  api.started.clock.advance(DAY + 1);
  await webhooks.runDue();
  expect((await api.deliveries(healthy.body.id)).body.deliveries).toHaveLength(0);
  const stillOwed = (await api.deliveries(failing.body.id)).body.deliveries;
  expect(stillOwed).toHaveLength(1);
  expect(stillOwed[0]?.status).not.toBe('delivered');
});
