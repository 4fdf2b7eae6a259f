import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PlatformClock } from '../../src/clock.js';
import { SalesUnitDirectory } from '../../src/services/directory.js';
import { ProcessSync } from '../../src/services/processes.js';
import type { SharedChange } from '../../src/storage/ports.js';
import { PostgresStore } from '../../src/storage/postgres/store.js';
import { startPlatform } from '../../src/testing.js';
import { createdPayment } from '../domain/fixtures.js';
import { Receiver, startWebhookApi } from '../webhooks/support.js';
import { Api, ref, tokenOf, webRedirect } from '../support/harness.js';
import { createTestDatabase, pgUnreachable, type TestDatabase } from './pg-support.js';

/** Issue #12: what two processes on one PostgreSQL database keep in step (sales units, clock, change feed). */

const PATIENT = { storeLockWaitMs: 30_000 };
const unreachable = await pgUnreachable();

interface Sandbox {
  msn: string;
  clientId: string;
  clientSecret: string;
  subscriptionKeys: string[];
}

/** Polls `check` every 10 ms until it is true; fails after `ms` of real time. */
async function until(check: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`waited ${ms} ms for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function sandboxToken(api: Api, unit: Sandbox): Promise<number> {
  const res = await fetch(`${api.url}/accesstoken/get`, {
    method: 'POST',
    headers: {
      client_id: unit.clientId,
      client_secret: unit.clientSecret,
      'ocp-apim-subscription-key': unit.subscriptionKeys[0] as string,
    },
  });
  return res.status;
}

/** GET of a payment with a sales unit's key and token from `tokenOf` (another process's token is as good). */
async function getAs(api: Api, unit: Sandbox, token: string, reference: string): Promise<number> {
  const res = await fetch(`${api.url}/epayment/v1/payments/${reference}`, {
    headers: {
      authorization: `Bearer ${token}`,
      'ocp-apim-subscription-key': unit.subscriptionKeys[0] as string,
      'merchant-serial-number': unit.msn,
    },
  });
  return res.status;
}

describe.skipIf(unreachable !== undefined)('two platforms on one PostgreSQL database keep in step', () => {
  let db: TestDatabase;
  const apis: Api[] = [];
  beforeEach(async () => {
    db = await createTestDatabase();
  });
  afterEach(async () => {
    for (const api of apis.splice(0)) await api.close();
    await db?.drop();
  });
  async function two(): Promise<[Api, Api]> {
    for (let i = 0; i < 2; i++) {
      apis.push(new Api(await startPlatform({ database: db.url, config: PATIENT })));
    }
    return apis as [Api, Api];
  }

  it('a sandbox created on one is known on the other at once, and unknown there once deleted', async () => {
    const [one, other] = await two();
    const created = await one.call<Sandbox>('POST', '/betal/merchants', {
      body: { name: 'Shared shop', market: 'NO' },
    });
    expect(created.status).toBe(201);
    const unit = created.body;
    // The other process issues it a token and lists it, with no wait.
    expect(await sandboxToken(other, unit)).toBe(200);
    const listed = await other.call<{ merchants: Array<{ msn: string }> }>('GET', '/betal/merchants');
    expect(listed.body.merchants.map((m) => m.msn)).toContain(unit.msn);
    const tokenRes = await fetch(`${other.url}/accesstoken/get`, {
      method: 'POST',
      headers: {
        client_id: unit.clientId,
        client_secret: unit.clientSecret,
        'ocp-apim-subscription-key': unit.subscriptionKeys[0] as string,
      },
    });
    const { access_token } = (await tokenRes.json()) as { access_token: string };
    expect(await getAs(other, unit, access_token, 'nothing-yet')).toBe(404);

    // Deleted through the other process: the first one refuses its key and its token at once.
    expect((await other.call('DELETE', `/betal/merchants/${unit.msn}`)).status).toBe(204);
    expect(await getAs(one, unit, access_token, 'nothing-yet')).toBe(401);
    expect(await sandboxToken(one, unit)).toBe(401);
    expect((await one.call('DELETE', `/betal/merchants/${unit.msn}`)).status).toBe(404);
  });

  it('concurrent clock advances on both add up, and both see the sum', async () => {
    const [one, other] = await two();
    const steps = Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? one : other));
    const answers = await Promise.all(
      steps.map((api) =>
        api.call<{ offsetSeconds: number }>('POST', '/betal/clock/advance', { body: { seconds: 60 } }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(steps.map(() => 200));
    // An answer shows the sum as far as its process has seen it: at least its own step, at most all of them.
    for (const a of answers) expect(a.body.offsetSeconds).toBeGreaterThanOrEqual(60);
    expect(Math.max(...answers.map((a) => a.body.offsetSeconds))).toBe(600);
    for (const api of [one, other]) {
      const seen = await api.call<{ offsetSeconds: number }>('GET', '/betal/clock');
      expect(seen.body.offsetSeconds).toBe(600);
    }
  });

  it('the rate limits count calls on both processes together', async () => {
    const config = { ...PATIENT, rateLimits: 'enforce' as const };
    const one = new Api(await startPlatform({ database: db.url, config }));
    apis.push(one);
    const other = new Api(await startPlatform({ database: db.url, config }));
    apis.push(other);
    const reference = ref('limits');
    expect((await one.create(webRedirect(reference, 10_000))).status).toBe(201);
    expect((await one.approve(reference)).status).toBe(200);
    // Capture, refund and cancel: 5 per minute per reference and MSN (contract 3.1), whichever process counts.
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const api = i % 2 === 0 ? one : other;
      const res = await api.modify('capture', reference, 100, `cap-${i}`);
      statuses.push(res.status);
      if (i === 5) expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
  });

  it('the dispatcher of one sends at once what the other committed, not at its next poll', async () => {
    const receiver = await new Receiver().start();
    // Polls an hour apart: only the change feed can wake it within the test.
    const sender = await startWebhookApi({
      database: db.url,
      running: true,
      webhooks: { pollMs: 3_600_000 },
    });
    apis.push(sender);
    const writer = new Api(await startPlatform({ database: db.url, config: PATIENT }));
    apis.push(writer);
    try {
      // The writer's own dispatcher stays out: whatever is delivered, the sender delivered.
      await writer.started.platform.webhooks.stop();
      expect((await writer.registerWebhook(receiver.url, ['epayments.payment.created.v1'])).status).toBe(201);
      await (sender.started.platform.store as PostgresStore).shared.ready();
      const reference = ref('woken');
      expect((await writer.create(webRedirect(reference, 1_000))).status).toBe(201);
      await receiver.until((got) => got.some((r) => r.json.reference === reference), 10_000);
      expect(receiver.requests.map((r) => r.json.name)).toEqual(['CREATED']);
    } finally {
      await receiver.close();
    }
  });

  it("a landing page's live stream on one hears a change made on the other", async () => {
    const [one, other] = await two();
    const reference = ref('live-x');
    const created = await one.create(webRedirect(reference, 1_000));
    expect(created.status).toBe(201);
    const token = tokenOf(created.body.redirectUrl as string);
    const controller = new AbortController();
    const res = await fetch(`${other.url}/app/api/landing/${encodeURIComponent(token)}/events`, {
      signal: controller.signal,
    });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader();
    let text = '';
    // The first `clock` event says the stream is open (and so subscribed to the other processes' changes).
    while (!text.includes('event: clock')) text += new TextDecoder().decode((await reader.read()).value);
    await (other.started.platform.store as PostgresStore).shared.ready();
    expect((await one.approve(reference)).status).toBe(200);
    while (!/event: change\ndata: [^\n]*"state":"AUTHORIZED"/.test(text)) {
      const chunk = await reader.read();
      if (chunk.done) break;
      text += new TextDecoder().decode(chunk.value);
    }
    controller.abort();
    expect(text).toMatch(
      new RegExp(`event: change\\ndata: [^\\n]*"reference":"${reference}","state":"AUTHORIZED"`),
    );
  });
});

describe.skipIf(unreachable !== undefined)('the change feed (LISTEN/NOTIFY) of the PostgreSQL store', () => {
  let db: TestDatabase;
  const stores: PostgresStore[] = [];
  beforeEach(async () => {
    db = await createTestDatabase();
  });
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    await db?.drop();
  });
  async function open(): Promise<PostgresStore> {
    const store = await PostgresStore.open(db.url, { lockWaitMs: 30_000 });
    stores.push(store);
    return store;
  }

  it('a clock advanced on one store wakes the other process: caught up, dispatcher woken, sweep run', async () => {
    const a = await open();
    const b = await open();
    const clock = new PlatformClock();
    let wakes = 0;
    let sweeps = 0;
    const sync = new ProcessSync({
      shared: b.shared,
      payments: b,
      clock,
      directory: await SalesUnitDirectory.open(b),
      wake: () => void wakes++,
      sweep: async () => void sweeps++,
      onError: (error) => {
        throw error;
      },
    });
    try {
      await b.shared.ready();
      expect(await a.shared.advanceClock(90_000)).toBe(90_000);
      await until(() => sweeps > 0, 'the sweep');
      expect(clock.offset).toBe(90_000);
      expect(wakes).toBeGreaterThan(0);
    } finally {
      sync.close();
    }
  });

  it("a payment committed on one store wakes the other's dispatcher and reaches its live pages", async () => {
    const a = await open();
    const b = await open();
    let wakes = 0;
    const remote: string[] = [];
    const sync = new ProcessSync({
      shared: b.shared,
      payments: b,
      clock: new PlatformClock(),
      directory: await SalesUnitDirectory.open(b),
      wake: () => void wakes++,
      sweep: async () => undefined,
      onError: (error) => {
        throw error;
      },
    });
    const stop = sync.onRemotePayment((payment) => remote.push(`${payment.reference}:${payment.state}`));
    try {
      await b.shared.ready();
      await a.execute({
        msn: '123456',
        reference: 'feed-1',
        decide: () => ({
          write: {
            payment: createdPayment(100, { msn: '123456', reference: 'feed-1', token: 'tok-feed-1' }),
            insert: true,
            events: [
              {
                name: 'CREATED',
                pspReference: 'psp',
                amount: 100,
                timestamp: 1,
                idempotencyKey: null,
                success: true,
              },
            ],
          },
          result: { status: 201, body: undefined },
        }),
      });
      await until(() => remote.length > 0, 'the remote payment');
      expect(remote).toEqual(['feed-1:CREATED']);
      expect(wakes).toBeGreaterThan(0);
    } finally {
      stop();
      sync.close();
    }
  });

  it('hears another store, not itself, and listens again after its connection is terminated', async () => {
    const a = await open();
    const b = await open();
    const heard: SharedChange[] = [];
    const ownHeard: SharedChange[] = [];
    b.shared.onChange((c) => heard.push(c));
    a.shared.onChange((c) => ownHeard.push(c));
    await Promise.all([a.shared.ready(), b.shared.ready()]);
    await a.shared.advanceClock(1);
    await until(() => heard.some((c) => c.kind === 'clock'), 'the clock note');
    expect(ownHeard).toEqual([]);

    // Every connection to the database cut, as a server restart would: the feed comes back with `resync`.
    const admin = await open();
    await admin.pool.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    await until(() => heard.some((c) => c.kind === 'resync'), 'the resync');
    await b.shared.ready();
    const before = heard.length;
    await until(async () => {
      await a.shared.advanceClock(1).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 20));
      return heard.slice(before).some((c) => c.kind === 'clock');
    }, 'a note after the reconnect');
  });

  it('adds up concurrent advances of the shared clock and counts one rate-limit window across stores', async () => {
    const a = await open();
    const b = await open();
    const offsets = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).shared.advanceClock(1000)),
    );
    expect(offsets.sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => (i + 1) * 1000));
    expect((await a.shared.sync()).clockOffsetMs).toBe(20_000);

    const counts = await Promise.all(
      Array.from({ length: 8 }, (_, i) => (i % 2 ? a : b).shared.hitRateLimit('k', 1_000, 60_000)),
    );
    expect(counts.map((c) => c.count).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(new Set(counts.map((c) => c.start))).toEqual(new Set([1_000]));
    // The window ends 60 s after its start: the next call starts a new one.
    expect(await b.shared.hitRateLimit('k', 61_000, 60_000)).toEqual({ start: 61_000, count: 1 });
  });
});

if (unreachable) {
  describe('two platforms on one PostgreSQL database keep in step', () => {
    it.skip(`skipped: ${unreachable}`, () => undefined);
  });
}
