import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ref, webRedirect } from '../support/harness.js';
import { expectInOrder, Receiver, useWebhookApi } from './support.js';

/** A small seeded PRNG (mulberry32), so that the failures are random but the same on every run. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const api = useWebhookApi({ webhooks: { concurrencyPerEndpoint: 8 } });
let flaky: Receiver;
let steady: Receiver;
beforeAll(async () => {
  const random = prng(20261122);
  flaky = await new Receiver(() => (random() < 0.3 ? 500 : 200)).start();
  steady = await new Receiver().start();
  await api.registerWebhook(flaky.url);
  await api.registerWebhook(steady.url);
});
afterAll(async () => {
  await flaky.close();
  await steady.close();
});

describe('deliveries under load keep their order per payment', () => {
  it('delivers every event of 120 payments to a flaky and a steady receiver, in order per payment', async () => {
    const references = Array.from({ length: 120 }, () => ref('load'));
    const lifecycle = async (reference: string, i: number) => {
      expect((await api.create(webRedirect(reference, 20_000))).status).toBe(201);
      expect((await api.approve(reference)).status).toBe(200);
      expect((await api.modify('capture', reference, 5_000, `${reference}-c1`)).status).toBe(200);
      if (i % 2 === 0)
        expect((await api.modify('refund', reference, 1_000, `${reference}-r1`)).status).toBe(200);
      expect((await api.cancel(reference)).status).toBe(200);
    };
    // 12 merchants' clients at once, while the dispatcher delivers in the background.
    for (let i = 0; i < references.length; i += 12) {
      await Promise.all(references.slice(i, i + 12).map((r, j) => lifecycle(r, i + j)));
    }
    const webhooks = api.started.platform.webhooks;
    for (let round = 0; round < 30; round++) {
      await webhooks.drain();
      const pending = (await api.call<any>('GET', '/betal/webhooks', { headers: {} })).body.webhooks.reduce(
        (n: number, w: any) => n + w.deliveries.pending,
        0,
      );
      if (pending === 0) break;
      api.started.clock.advance(3_600_000);
    }
    let events = 0;
    for (const reference of references) {
      const log = (await api.events(reference)).body.map((e) => `${e.name}/${e.pspReference}`);
      events += log.length;
      expectInOrder(flaky.about(reference), log, reference);
      expectInOrder(steady.about(reference), log, reference);
      expect(steady.about(reference)).toHaveLength(log.length);
    }
    expect(events).toBe(120 * 4 + 60);
    expect(flaky.requests.filter((r) => r.status === 500).length).toBeGreaterThan(50);
  });
});
