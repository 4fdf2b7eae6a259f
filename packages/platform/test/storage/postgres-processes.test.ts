import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../src/storage/postgres/store.js';
import { startPlatform } from '../../src/testing.js';
import { Api, T0, ref, webRedirect } from '../support/harness.js';
import { ALL_EPAYMENT_EVENTS, startWebhookApi } from '../webhooks/support.js';
import { createTestDatabase, pgUnreachable, type TestDatabase } from './pg-support.js';

/** These tests are about work done once across processes, not lock waits: a loaded machine may queue longer than 250 ms. */
const PATIENT = { storeLockWaitMs: 30_000 };

const unreachable = await pgUnreachable();

/** One webhook request as the receiver saw it. */
interface Got {
  delivery: string;
  name: string;
  reference: string;
}

/**
 * A receiver on 127.0.0.1 that answers each request after `delayMs` (so that two senders of one delivery would
 * overlap), and records every request and the most requests of one delivery it ever had open at once.
 */
class SlowReceiver {
  readonly got: Got[] = [];
  maxOpenPerDelivery = 0;
  private readonly open = new Map<string, number>();
  private server!: Server;
  url = '';
  constructor(private readonly delayMs: number) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const json = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, string>;
        const delivery = String(req.headers['x-betal-delivery-id']);
        const open = (this.open.get(delivery) ?? 0) + 1;
        this.open.set(delivery, open);
        this.maxOpenPerDelivery = Math.max(this.maxOpenPerDelivery, open);
        this.got.push({ delivery, name: String(json.name), reference: String(json.reference) });
        setTimeout(() => {
          this.open.set(delivery, (this.open.get(delivery) ?? 1) - 1);
          res.writeHead(200).end('ok');
        }, this.delayMs);
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
    return this;
  }

  /** Resolves once `n` requests arrived, and stays `settleMs` more to catch duplicates; rejects after `ms`. */
  async until(n: number, ms = 15_000, settleMs = 300): Promise<void> {
    const deadline = Date.now() + ms;
    while (this.got.length < n) {
      if (Date.now() > deadline) throw new Error(`got ${this.got.length} of ${n} requests in ${ms} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
    await new Promise((r) => setTimeout(r, settleMs));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

describe.skipIf(unreachable !== undefined)('several processes on one PostgreSQL database', () => {
  // A database per test: each starts from an empty outbox and cursor.
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase();
  });
  afterEach(async () => {
    await db?.drop();
  });

  it('claims a due delivery once for its lease, and again once the lease is over', async () => {
    const a = await PostgresStore.open(db.url, { lockWaitMs: 30_000 });
    const b = await PostgresStore.open(db.url, { lockWaitMs: 30_000 });
    try {
      await a.webhooks.register(
        {
          id: 'claim-r1',
          msn: 'M1',
          url: 'https://example.com/hooks',
          events: ['epayments.payment.created.v1'],
          secret: 's',
          createdAt: 0,
          fromSeq: 0,
          failingSince: null,
          deletedAt: null,
          deletedReason: null,
        },
        () => 25,
      );
      const from = await a.webhooks.cursor();
      const delivery = (seq: number, reference: string) => ({
        registrationId: 'claim-r1',
        seq,
        msn: 'M1',
        reference,
        eventType: 'epayments.payment.created.v1',
        body: '{}',
        createdAt: 0,
      });
      expect(
        await a.webhooks.fanOut(from, from + 3, [
          delivery(from + 1, 'p1'),
          delivery(from + 2, 'p1'),
          delivery(from + 3, 'p2'),
        ]),
      ).toBe(true);
      const none = new Set<number>();
      /** Claims the due heads of registration claim-r1 at 10 ms on `store` for `leaseMs`. */
      const claim = (store: typeof a, leaseMs: number) =>
        store.webhooks.claimDueHeads({
          registrationId: 'claim-r1',
          now: 10,
          limit: 10,
          exclude: none,
          leaseMs,
        });
      // A claims both heads (p1's first, p2's); B finds nothing: p1's second waits behind the claimed first.
      const claimed = await claim(a, 60_000);
      expect(claimed.map((d) => d.seq)).toEqual([from + 1, from + 3]);
      expect(await claim(b, 60_000)).toEqual([]);
      // Recording p1's first frees its successor for whoever claims next.
      await a.webhooks.record([
        {
          registrationId: 'claim-r1',
          attempt: {
            deliveryId: claimed[0]!.id,
            at: 10,
            statusCode: 200,
            latencyMs: 1,
            error: null,
            manual: false,
          },
          next: { status: 'delivered' },
          counts: true,
        },
      ]);
      expect((await claim(b, 0)).map((d) => d.seq)).toEqual([from + 2]);
      // B's lease was 0 ms: it is over at once, so A takes that delivery again (at least once).
      expect((await claim(a, 60_000)).map((d) => d.seq)).toEqual([from + 2]);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('two platforms on one database deliver every event once, in per-payment order', async () => {
    const receiver = await new SlowReceiver(15).start();
    const apis: Api[] = [];
    try {
      for (let i = 0; i < 2; i++) {
        apis.push(await startWebhookApi({ database: db.url, webhooks: { pollMs: 20 } }));
      }
      const [one, two] = apis as [Api, Api];
      expect((await one.registerWebhook(receiver.url, ALL_EPAYMENT_EVENTS)).status).toBe(201);
      const references: string[] = [];
      for (let i = 0; i < 12; i++) {
        const api = i % 2 === 0 ? one : two;
        const reference = ref(`two-${i}`);
        references.push(reference);
        expect((await api.create(webRedirect(reference, 10_000))).status).toBe(201);
        expect((await api.approve(reference)).status).toBe(200);
        expect(
          (await (i % 2 === 0 ? two : one).modify('capture', reference, 1_000, `c-${reference}`)).status,
        ).toBe(200);
      }
      await receiver.until(references.length * 3);
      // Every delivery once: no delivery sent twice, not even one after the other.
      expect(receiver.got.length).toBe(references.length * 3);
      expect(new Set(receiver.got.map((g) => g.delivery)).size).toBe(receiver.got.length);
      expect(receiver.maxOpenPerDelivery).toBe(1);
      for (const reference of references) {
        expect(receiver.got.filter((g) => g.reference === reference).map((g) => g.name)).toEqual([
          'CREATED',
          'AUTHORIZED',
          'CAPTURED',
        ]);
      }
    } finally {
      for (const api of apis) await api.close();
      await receiver.close();
    }
  });

  it('the expiry sweep of two platforms on one database expires each overdue payment once', async () => {
    const one = new Api(await startPlatform({ database: db.url, frozenAt: T0, config: PATIENT }));
    const two = new Api(await startPlatform({ database: db.url, frozenAt: T0, config: PATIENT }));
    try {
      const references: string[] = [];
      for (let i = 0; i < 20; i++) {
        const reference = ref(`exp-${i}`);
        references.push(reference);
        expect((await (i % 2 ? one : two).create(webRedirect(reference, 1_000))).status).toBe(201);
      }
      // Both clocks a day on (each process has its own clock here); both sweeps run at once.
      for (const api of [one, two]) api.started.clock.advance(86_400_000);
      const [a, b] = await Promise.all([
        one.started.platform.payments.expireOverdue(5),
        two.started.platform.payments.expireOverdue(5),
      ]);
      expect(a + b).toBe(references.length);
      for (const reference of references) {
        const names = (await one.events(reference)).body.map((e) => e.name);
        expect(names).toEqual(['CREATED', 'EXPIRED']);
      }
    } finally {
      await one.close();
      await two.close();
    }
  });

  it('advancing the test clock on one platform moves the clock of another on the same database', async () => {
    // Running clocks (the offset is what is shared); each process starts at offset 0.
    const one = new Api(await startPlatform({ database: db.url, config: PATIENT }));
    const two = new Api(await startPlatform({ database: db.url, config: PATIENT }));
    try {
      const reference = ref('clock');
      expect((await two.create(webRedirect(reference, 1_000))).status).toBe(201);
      const advanced = await one.call<{ offsetSeconds: number }>('POST', '/betal/clock/advance', {
        body: { seconds: 86_400 },
      });
      expect(advanced.status).toBe(200);
      expect(advanced.body.offsetSeconds).toBe(86_400);
      const seen = await two.call<{ offsetSeconds: number }>('GET', '/betal/clock');
      expect(seen.body.offsetSeconds).toBe(86_400);
      expect(two.started.clock.offset).toBe(86_400_000);
      // Expired by the advance, and so seen on the other platform.
      const got = await two.call<{ state: string }>('GET', `/epayment/v1/payments/${reference}`);
      expect(got.body.state).toBe('EXPIRED');
    } finally {
      await one.close();
      await two.close();
    }
  });
});

if (unreachable) {
  describe('several processes on one PostgreSQL database', () => {
    it.skip(`skipped: ${unreachable}`, () => undefined);
  });
}
