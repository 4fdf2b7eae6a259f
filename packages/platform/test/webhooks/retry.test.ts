import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { retryDelayMs } from '../../src/internal-entry.js';
import { Api, ref, T0, webRedirect } from '../support/harness.js';
import { Receiver, startWebhookApi, verify } from './support.js';

let api: Api | undefined;
const receivers: Receiver[] = [];
afterEach(async () => {
  await api?.close();
  api = undefined;
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

async function receiver(behaviour?: ConstructorParameters<typeof Receiver>[0]): Promise<Receiver> {
  const r = await new Receiver(behaviour).start();
  receivers.push(r);
  return r;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

const wh = () => (api as Api).started.platform.webhooks;
const advanceMs = (ms: number) => (api as Api).started.clock.advance(ms);

describe('failures and the retry schedule on the platform clock (contract 4.5)', () => {
  it('retries a 5xx on the schedule, logs each attempt, and delivers once the receiver recovers', async () => {
    api = await startWebhookApi();
    let failing = true;
    const r = await receiver(() => (failing ? 503 : 200));
    const reg = await api.registerWebhook(r.url, ['epayments.payment.created.v1']);
    const reference = ref('retry');
    await api.create(webRedirect(reference));
    await wh().drain();
    expect(r.requests).toHaveLength(1);

    // Walk the schedule: nothing is sent a millisecond early, the next try is sent on time.
    for (let tries = 1; tries < 8; tries++) {
      advanceMs(retryDelayMs(tries) - 1);
      await wh().drain();
      expect(r.requests, `before try ${tries + 1}`).toHaveLength(tries);
      advanceMs(1);
      await wh().drain();
      expect(r.requests, `try ${tries + 1}`).toHaveLength(tries + 1);
    }
    const log = await api.deliveries(reg.body.id);
    const [delivery] = log.body.deliveries;
    expect(delivery.status).toBe('pending');
    expect(delivery.attempts).toHaveLength(8);
    const times = delivery.attempts.map((a: any) => Date.parse(a.at) - T0);
    let expected = 0;
    expect(times).toEqual(times.map((_: number, i: number) => (i === 0 ? 0 : (expected += retryDelayMs(i)))));
    for (const a of delivery.attempts) {
      expect(a).toMatchObject({ statusCode: 503, manual: false });
      expect(a.error).toMatch(/^HTTP 503: refused with 503/);
      expect(a.latencyMs).toBeGreaterThan(0);
    }
    expect(Date.parse(delivery.nextAttemptAt) - T0).toBe(expected + retryDelayMs(8));
    // Every retry is signed afresh and verifies.
    expect(r.requests.every((q) => verify(q, reg.body.secret).ok)).toBe(true);

    failing = false;
    advanceMs(retryDelayMs(8));
    await wh().drain();
    const after = (await api.deliveries(reg.body.id)).body.deliveries[0];
    expect(after.status).toBe('delivered');
    expect(after.attempts.at(-1)).toMatchObject({ statusCode: 200, error: null });
    expect(after.nextAttemptAt).toBeNull();
  });

  it('gives an event up after 7 days; later events of that payment then go', async () => {
    api = await startWebhookApi();
    const r = await receiver((req) => (req.json.name === 'CREATED' ? 500 : 200));
    const reg = await api.registerWebhook(r.url);
    const reference = ref('giveup');
    await api.create(webRedirect(reference));
    await api.approve(reference);
    await wh().drain();
    expect(r.about(reference).map((q) => q.json.name)).toEqual(['CREATED']);
    for (let i = 0; i < 60; i++) {
      const next = (await api.deliveries(reg.body.id, '?status=pending')).body.deliveries.find(
        (d) => d.eventType === 'epayments.payment.created.v1',
      );
      if (!next) break;
      advanceMs(Date.parse(next.nextAttemptAt) - api.started.clock.now());
      await wh().drain();
    }
    const created = r.about(reference).filter((q) => q.json.name === 'CREATED');
    expect(created).toHaveLength(35);
    const first = Date.parse(String(created[0]?.json.timestamp));
    const log = (await api.deliveries(reg.body.id, '?status=failed')).body.deliveries;
    expect(log).toHaveLength(1);
    const attemptTimes = log[0].attempts.map((a: any) => Date.parse(a.at));
    expect((attemptTimes.at(-1) as number) - first).toBeLessThanOrEqual(7 * 24 * 3600_000);
    expect(
      r
        .about(reference)
        .map((q) => q.json.name)
        .at(-1),
    ).toBe('AUTHORIZED');
  });

  it('counts no answer within the timeout as a failure (statusCode null)', async () => {
    api = await startWebhookApi({ webhooks: { timeoutMs: 150 } });
    let hang = true;
    const r = await receiver(() => (hang ? 'hold' : 200));
    const reg = await api.registerWebhook(r.url, ['epayments.payment.created.v1']);
    await api.create(webRedirect(ref('timeout')));
    await wh().drain();
    const [d] = (await api.deliveries(reg.body.id)).body.deliveries;
    expect(d.status).toBe('pending');
    expect(d.attempts[0]).toMatchObject({ statusCode: null });
    expect(d.attempts[0].error).toMatch(/timeout: no answer within 150 ms/);
    expect(d.attempts[0].latencyMs).toBeGreaterThanOrEqual(140);
    hang = false;
    advanceMs(2_000);
    await wh().drain();
    expect((await api.deliveries(reg.body.id)).body.deliveries[0].status).toBe('delivered');
  });

  it('counts a refused connection and a dropped connection as failures', async () => {
    api = await startWebhookApi();
    const closedPort = await freePort();
    const refused = await api.registerWebhook(`http://127.0.0.1:${closedPort}/gone`, [
      'epayments.payment.created.v1',
    ]);
    const dropper = await receiver(() => 'drop');
    const dropped = await api.registerWebhook(dropper.url, ['epayments.payment.created.v1']);
    await api.create(webRedirect(ref('refused')));
    await wh().drain();
    const a = (await api.deliveries(refused.body.id)).body.deliveries[0];
    expect(a.attempts[0]).toMatchObject({ statusCode: null });
    expect(a.attempts[0].error).toMatch(/ECONNREFUSED/);
    expect(a.status).toBe('pending');
    const b = (await api.deliveries(dropped.body.id)).body.deliveries[0];
    expect(b.attempts[0].statusCode).toBeNull();
    expect(b.attempts[0].error).toMatch(/socket|closed|reset/i);
  });

  it('does not follow a redirect: a 3xx is a failure', async () => {
    api = await startWebhookApi();
    // A receiver that redirects every POST to another path of its own (307 keeps the method, as a follower would):
    // a followed redirect would show as a second request, to /followed.
    const paths: string[] = [];
    const redirecting = createHttpServer((req, res) => {
      paths.push(req.url ?? '');
      req.resume();
      req.on('end', () => res.writeHead(307, { location: '/followed', 'content-length': '0' }).end());
    });
    await new Promise<void>((resolve) => redirecting.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = redirecting.address() as { port: number };
      const reg = await api.registerWebhook(`http://127.0.0.1:${port}/hooks/vipps`, [
        'epayments.payment.created.v1',
      ]);
      await api.create(webRedirect(ref('redirect')));
      await wh().drain();
      const [d] = (await api.deliveries(reg.body.id)).body.deliveries;
      expect(d.attempts[0]).toMatchObject({ statusCode: 307 });
      expect(d.status).toBe('pending');
      expect(paths).toEqual(['/hooks/vipps']);
    } finally {
      redirecting.closeAllConnections();
      await new Promise((resolve) => redirecting.close(resolve));
    }
  });
});

describe('ordering (contract 4.5): a failing event holds back later events of the same payment only', () => {
  it('holds back the payment, lets other payments and other registrations go on', async () => {
    api = await startWebhookApi();
    const stuck = ref('stuck');
    let failStuck = true;
    const a = await receiver((req) => (failStuck && req.json.reference === stuck ? 500 : 200));
    const b = await receiver();
    await api.registerWebhook(a.url);
    await api.registerWebhook(b.url);
    const other = ref('other');
    for (const reference of [stuck, other]) {
      await api.create(webRedirect(reference));
      await api.approve(reference);
      await api.modify('capture', reference, 1_000, `${reference}-c`);
    }
    await wh().drain();
    expect(a.about(stuck).map((q) => q.json.name)).toEqual(['CREATED']);
    expect(a.about(other).map((q) => q.json.name)).toEqual(['CREATED', 'AUTHORIZED', 'CAPTURED']);
    expect(b.about(stuck).map((q) => q.json.name)).toEqual(['CREATED', 'AUTHORIZED', 'CAPTURED']);

    advanceMs(2_000);
    await wh().drain();
    expect(a.about(stuck).map((q) => q.json.name)).toEqual(['CREATED', 'CREATED']);
    failStuck = false;
    advanceMs(2_000);
    await wh().drain();
    expect(a.about(stuck).map((q) => q.json.name)).toEqual([
      'CREATED',
      'CREATED',
      'CREATED',
      'AUTHORIZED',
      'CAPTURED',
    ]);
  });

  it('a slow receiver never delays another endpoint, and has at most its concurrency in flight', async () => {
    api = await startWebhookApi({ webhooks: { concurrencyPerEndpoint: 3, timeoutMs: 10_000 } });
    const slow = await receiver(() => 'hold');
    const fast = await receiver();
    await api.registerWebhook(slow.url, ['epayments.payment.created.v1']);
    await api.registerWebhook(fast.url, ['epayments.payment.created.v1']);
    const refs = Array.from({ length: 8 }, () => ref('slow'));
    for (const reference of refs) await api.create(webRedirect(reference));
    await fast.until((reqs) => reqs.length === refs.length);
    await slow.until((reqs) => reqs.length === 3);
    expect(fast.requests.map((q) => q.json.reference)).toEqual(refs);
    expect(slow.heldCount).toBe(3);
    expect(slow.requests).toHaveLength(3);
    slow.release();
    await slow.until((reqs) => reqs.length === 6);
    slow.behaviour = () => 200;
    slow.release();
    await wh().drain();
    expect(slow.requests.map((q) => q.json.reference)).toEqual(refs);
  });
});

describe('the delivery log and redelivery by hand', () => {
  it('redelivers a delivered event on request, logged as manual', async () => {
    api = await startWebhookApi();
    const r = await receiver();
    const reg = await api.registerWebhook(r.url, ['epayments.payment.created.v1']);
    const reference = ref('again');
    await api.create(webRedirect(reference));
    await wh().drain();
    const [d] = (await api.deliveries(reg.body.id)).body.deliveries;
    const again = await api.call<any>('POST', `/betal/deliveries/${d.id}/redeliver`, { headers: {} });
    expect(again.status).toBe(200);
    expect(again.body.attempts).toHaveLength(2);
    expect(again.body.attempts[1]).toMatchObject({ attempt: 2, statusCode: 200, manual: true, error: null });
    expect(r.about(reference)).toHaveLength(2);
    expect(r.requests[1]?.body).toBe(r.requests[0]?.body);
    expect(verify(r.requests[1]!, reg.body.secret).ok).toBe(true);
    const one = await api.call<any>('GET', `/betal/deliveries/${d.id}`, { headers: {} });
    expect(one.body.attempts).toHaveLength(2);
    expect((await api.call('POST', '/betal/deliveries/999999/redeliver', { headers: {} })).status).toBe(404);
    expect((await api.call('POST', '/betal/deliveries/abc/redeliver', { headers: {} })).status).toBe(404);
  });

  it('a manual redelivery of a given-up event that succeeds marks it delivered', async () => {
    api = await startWebhookApi();
    let fail = true;
    const r = await receiver(() => (fail ? 500 : 200));
    const reg = await api.registerWebhook(r.url, ['epayments.payment.created.v1']);
    await api.create(webRedirect(ref('manual')));
    await wh().drain();
    const [d] = (await api.deliveries(reg.body.id)).body.deliveries;
    const failedManual = await api.call<any>('POST', `/betal/deliveries/${d.id}/redeliver`, { headers: {} });
    expect(failedManual.body).toMatchObject({ status: 'pending', nextAttemptAt: d.nextAttemptAt });
    fail = false;
    const ok = await api.call<any>('POST', `/betal/deliveries/${d.id}/redeliver`, { headers: {} });
    expect(ok.body.status).toBe('delivered');
    expect(ok.body.attempts.map((a: any) => a.manual)).toEqual([false, true, true]);
  });

  it('deleting a registration discards its pending deliveries and keeps its log', async () => {
    api = await startWebhookApi();
    const r = await receiver(() => 500);
    const reg = await api.registerWebhook(r.url, ['epayments.payment.created.v1']);
    await api.create(webRedirect(ref('discard')));
    await wh().drain();
    expect((await api.deleteWebhook(reg.body.id)).status).toBe(204);
    advanceMs(3_600_000);
    await wh().drain();
    expect(r.requests).toHaveLength(1);
    const log = await api.deliveries(reg.body.id);
    expect(log.body.webhook.deletedReason).toBe('deleted');
    expect(log.body.deliveries[0].status).toBe('discarded');
    const [d] = log.body.deliveries;
    expect((await api.call('POST', `/betal/deliveries/${d.id}/redeliver`, { headers: {} })).status).toBe(409);
  });

  it('deletes a registration whose endpoint failed everything for 14 days', async () => {
    api = await startWebhookApi();
    const r = await receiver(() => 503);
    const reg = await api.registerWebhook(r.url, ['epayments.payment.created.v1']);
    await api.create(webRedirect(ref('dead')));
    await wh().drain();
    advanceMs(13 * 24 * 3600_000);
    await wh().drain();
    expect((await api.listWebhooks()).body.webhooks.map((w) => w.id)).toContain(reg.body.id);
    advanceMs(24 * 3600_000);
    await wh().drain();
    expect((await api.listWebhooks()).body.webhooks.map((w) => w.id)).not.toContain(reg.body.id);
    expect((await api.deliveries(reg.body.id)).body.webhook.deletedReason).toBe('unresponsive');
  });

  it('wakes the dispatcher when the test clock is advanced over HTTP', async () => {
    api = await startWebhookApi();
    let fail = true;
    const r = await receiver(() => (fail ? 500 : 200));
    await api.registerWebhook(r.url, ['epayments.payment.created.v1']);
    await api.create(webRedirect(ref('wake')));
    await r.until((reqs) => reqs.length === 1);
    fail = false;
    await api.advance(2);
    await r.until((reqs) => reqs.some((q) => q.status === 200));
    expect(r.requests.map((q) => q.status)).toEqual([500, 200]);
  });
});
