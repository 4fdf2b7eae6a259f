import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { httpDate, signWebhook, VippsClient } from '@betal/client';
import { startPlatform, type StartedPlatform } from '@betal/platform';
import { derive } from '../../src/domain/order-status.js';
import { receiptOf } from '../../src/domain/receipt.js';
import { WebhookRegistrar } from '../../src/services/webhooks.js';
import { PostgresMerchantStore } from '../../src/store/postgres.js';
import { startMerchant, type StartedMerchant } from '../../src/testing.js';
import { postSignedWebhook, T0 } from '../support/setup.js';
import { createTestDatabase, pgUnreachable, type TestDatabase } from '../support/stores.js';

const unreachable = await pgUnreachable();
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const merchantMain = join(repoRoot, 'packages/merchant/dist/main.js');

/** A WEB_REDIRECT payment of 10.00 NOK the merchant asks for (a link payment, receipt with create). */
function newPayment(m: StartedMerchant, ownerId: string) {
  return m.merchant.payments.create(
    {
      purpose: 'link',
      ownerId,
      amount: 1000,
      description: 'Two merchant processes',
      userFlow: 'WEB_REDIRECT',
      receipt: receiptOf(
        [{ id: 'tour', name: 'Guided tour', quantity: 1, unitPrice: 1000, taxRate: 2500 }],
        'NOK',
      ),
      receiptInCreate: true,
      returnUrl: `${m.url}/return`,
    },
    'link',
  );
}

/** POSTs `payload` to a merchant's webhook receiver, signed with the secret of its registration. */
async function deliver(m: StartedMerchant, payload: unknown): Promise<string> {
  const res = await postSignedWebhook(m, payload);
  expect(res.status).toBe(200);
  return ((await res.json()) as { outcome: string }).outcome;
}

/**
 * Several merchant processes on one PostgreSQL database (issue 12, item 4): a webhook event is processed once
 * whichever process receives it, concurrent duplicates included, and reconciliation queries each payment once.
 * Each test has a database of its own; two merchants in this process have separate stores (pools), and one test
 * runs the second merchant as a real process.
 */
describe.skipIf(unreachable !== undefined)('several merchant processes on one PostgreSQL database', () => {
  let db: TestDatabase;
  let platform: StartedPlatform;
  const started: StartedMerchant[] = [];
  beforeEach(async () => {
    db = await createTestDatabase();
    platform = await startPlatform({ frozenAt: T0 });
  });
  afterEach(async () => {
    for (const m of started.splice(0)) await m.close();
    await platform?.close();
    await db?.drop();
  });

  /** A merchant in this process on its own pool of the test database, on the platform's clock. */
  async function merchant(options: { registerWebhook?: boolean } = {}): Promise<StartedMerchant> {
    const store = await PostgresMerchantStore.open(db.url);
    const m = await startMerchant(platform.url, {
      now: () => platform.clock.now(),
      store,
      config: { registerWebhook: options.registerWebhook ?? true },
    });
    started.push(m);
    return m;
  }

  it('two stores starting together migrate once, and a webhook event recorded by both at once is fresh for one', async () => {
    const [a, b] = await Promise.all([
      PostgresMerchantStore.open(db.url),
      PostgresMerchantStore.open(db.url),
    ]);
    try {
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, (_, i) => i).flatMap((i) =>
          [a, b].map((store) =>
            store.transaction(async (tx) => {
              await tx.lockPayment(`ref-${i % 4}`);
              return tx.recordWebhookEvent({
                reference: `ref-${i % 4}`,
                pspReference: `psp-${i}`,
                name: 'AUTHORIZED',
                payload: '{}',
                receivedAt: T0,
              });
            }),
          ),
        ),
      );
      // per event, exactly one of the two was first
      for (let i = 0; i < 20; i++)
        expect([outcomes[2 * i], outcomes[2 * i + 1]].sort()).toEqual([false, true]);
      const history = await a.listWebhookEvents('ref-0');
      expect(history.filter((e) => !e.duplicate)).toHaveLength(5);
      expect(history.filter((e) => e.duplicate)).toHaveLength(5);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('changes to one payment from two stores at once are serialized by its row lock: none is lost', async () => {
    const [a, b] = await Promise.all([
      PostgresMerchantStore.open(db.url),
      PostgresMerchantStore.open(db.url),
    ]);
    try {
      const first = (await newPayment(await merchant({ registerWebhook: false }), 'link-counter')).reference;
      // each change reads the record, waits a moment (another change may start meanwhile) and writes it back + 1
      const bump = (store: PostgresMerchantStore) =>
        store.transaction(async (tx) => {
          const r = (await tx.lockPayment(first))!;
          await new Promise((resolve) => setImmediate(resolve));
          await tx.savePayment({ ...r, updatedAt: r.updatedAt + 1 });
        });
      const before = (await a.getPayment(first))!.updatedAt;
      await Promise.all(Array.from({ length: 20 }, (_, i) => bump(i % 2 ? a : b)));
      expect((await b.getPayment(first))!.updatedAt).toBe(before + 20);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('the same webhook delivered to two merchants at once is applied by one; the platform’s own deliveries too', async () => {
    const [a, b] = [await merchant(), await merchant()];
    const record = await newPayment(a, 'link-webhooks');
    const reference = record.reference;
    // The platform delivers every event to both registrations (each merchant has its own URL).
    await a.merchant.client.epayment.forceApprove(reference, { customer: { phoneNumber: '4791234567' } });
    await expect
      .poll(
        async () =>
          (await a.merchant.store.listWebhookEvents(reference)).filter((e) => e.name === 'AUTHORIZED').length,
        {
          timeout: 15_000,
          interval: 25,
        },
      )
      .toBe(2);
    const authorized = (await a.merchant.store.listWebhookEvents(reference)).filter(
      (e) => e.name === 'AUTHORIZED',
    );
    expect(authorized.map((e) => e.duplicate).sort()).toEqual([false, true]);
    expect(derive((await b.merchant.payments.get(reference))!.view).state).toBe('AUTHORIZED');

    // Ten more events, each sent to both at the same moment: one applies it, the other sees a duplicate.
    const event = (i: number) => ({
      msn: '123456',
      reference,
      pspReference: `psp-both-${i}`,
      name: 'CAPTURED',
      amount: { currency: 'NOK', value: 100 },
      timestamp: new Date(T0).toISOString(),
      idempotencyKey: null,
      success: true,
    });
    for (let i = 0; i < 10; i++) {
      const outcomes = await Promise.all([deliver(a, event(i)), deliver(b, event(i))]);
      expect(outcomes.sort()).toEqual(['applied', 'duplicate']);
    }
    await a.merchant.payments.idle();
    await b.merchant.payments.idle();
    const after = (await a.merchant.payments.get(reference))!;
    expect(Object.keys(after.view.events).filter((k) => k.startsWith('psp-both-'))).toHaveLength(10);
    const ours = (await a.merchant.store.listWebhookEvents(reference)).filter((e) =>
      e.pspReference.startsWith('psp-both-'),
    );
    expect(ours.filter((e) => !e.duplicate)).toHaveLength(10);
    expect(ours.filter((e) => e.duplicate)).toHaveLength(10);
  });

  it('reconciliation run by two merchants at once queries each quiet payment once', async () => {
    const [a, b] = [await merchant({ registerWebhook: false }), await merchant({ registerWebhook: false })];
    const references: string[] = [];
    for (let i = 0; i < 8; i++) {
      const r = await newPayment(i % 2 ? a : b, `link-quiet-${i}`);
      await a.merchant.client.epayment.forceApprove(r.reference, { customer: { phoneNumber: '4791234567' } });
      references.push(r.reference);
    }
    const quietMs = 60_000;
    platform.clock.advance(quietMs);
    /** Reconciles in small rounds until a round finds nothing due; answers every reference it checked. */
    const drain = async (m: StartedMerchant) => {
      const checked: string[] = [];
      for (;;) {
        const round = await m.merchant.payments.reconcile(quietMs, 2);
        expect(round.failed).toEqual([]);
        if (round.checked.length === 0) return checked;
        checked.push(...round.checked);
      }
    };
    const [byA, byB] = await Promise.all([drain(a), drain(b)]);
    expect([...byA, ...byB].sort()).toEqual([...references].sort());
    expect(byA.filter((r) => byB.includes(r))).toEqual([]);
    for (const reference of references) {
      const record = (await a.merchant.payments.get(reference))!;
      expect(derive(record.view).state).toBe('AUTHORIZED');
      expect(record.view.lastQueriedAt).toBeDefined();
    }
  });

  it('merchants behind one public URL register one webhook between them, and each verifies its deliveries', async () => {
    const url = 'http://127.0.0.1:9/webhooks/vipps';
    const client = new VippsClient({
      baseUrl: platform.url,
      clientId: 'dev-client-id',
      clientSecret: 'dev-client-secret',
      subscriptionKey: 'dev-subscription-key',
      merchantSerialNumber: '123456',
    });
    const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
    const stores = await Promise.all([1, 2, 3].map(() => PostgresMerchantStore.open(db.url)));
    try {
      const [ra, rb, rc] = stores.map(
        (store) =>
          new WebhookRegistrar({
            store,
            client,
            url: () => url,
            now: () => platform.clock.now(),
            log: quiet,
          }),
      ) as [WebhookRegistrar, WebhookRegistrar, WebhookRegistrar];
      const mine = async () => (await client.webhooks.list()).webhooks.filter((w) => w.url === url);
      // two processes starting at the same moment: one registers, the other finds it
      const [a, b] = await Promise.all([ra.ensure(), rb.ensure()]);
      if (!a.ok || !b.ok) throw new Error('registration failed');
      expect(b.registration).toEqual(a.registration);
      expect((await mine()).map((w) => w.id)).toEqual([a.registration.id]);
      // a delivery signed with the secret verifies on a process that has not ensured anything itself
      const signed = (secret: string) => {
        const body = '{"name":"AUTHORIZED"}';
        const headers = signWebhook({ secret, url, body, date: httpDate(Date.now()) });
        return { pathAndQuery: '/webhooks/vipps', host: '127.0.0.1:9', headers: { ...headers }, body };
      };
      expect((await rc.verify(signed(a.registration.secret))).ok).toBe(true);
      // the registration is lost on the platform: one process registers anew, the others take the new secret
      await client.webhooks.delete(a.registration.id);
      const again = await ra.ensure();
      if (!again.ok) throw new Error('registration failed');
      expect(again.registration.id).not.toBe(a.registration.id);
      expect((await rb.verify(signed(again.registration.secret))).ok).toBe(true);
      expect((await rb.verify(signed(a.registration.secret))).ok).toBe(false);
      expect((await mine()).map((w) => w.id)).toEqual([again.registration.id]);
    } finally {
      for (const store of stores) await store.close();
    }
  });

  describe('with the second merchant as a real process', () => {
    let child: ChildProcess | undefined;
    beforeAll(() => {
      // The child runs the built merchant: build it (incremental) so that it is this source.
      execFileSync('npx', ['tsc', '-b', 'packages/merchant'], { cwd: repoRoot, stdio: 'inherit' });
    }, 180_000);
    afterEach(async () => {
      if (child && child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((done) => child!.once('exit', done));
        child.kill('SIGTERM');
        await exited;
      }
      child = undefined;
    });

    /** Starts `node packages/merchant/dist/main.js` on the test database; answers its URL once it is ready. */
    async function startChild(): Promise<string> {
      child = spawn(process.execPath, [merchantMain], {
        cwd: repoRoot,
        env: {
          ...process.env,
          MERCHANT_DB: db.url,
          MERCHANT_HOST: '127.0.0.1',
          MERCHANT_PORT: '0',
          MERCHANT_RECONCILE_SECONDS: '0',
          VIPPS_BASE_URL: platform.url,
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      const proc = child;
      return new Promise<string>((ready, fail) => {
        const timer = setTimeout(
          () => fail(new Error(`the merchant did not start within 30 s:\n${output}`)),
          30_000,
        );
        proc.stdout?.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const match = /merchant ready at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
          if (match?.[1]) {
            clearTimeout(timer);
            ready(match[1]);
          }
        });
        proc.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
        proc.once('exit', (code, signal) => {
          clearTimeout(timer);
          fail(new Error(`the merchant exited (${code ?? signal}) before it was ready:\n${output}`));
        });
      });
    }

    it('each event the platform delivers to both processes is applied once', async () => {
      const a = await merchant();
      const childUrl = await startChild();
      const registered = (await a.merchant.client.webhooks.list()).webhooks.map((w) => w.url);
      expect(registered).toEqual(
        expect.arrayContaining([`${a.url}/webhooks/vipps`, `${childUrl}/webhooks/vipps`]),
      );

      const { reference } = await newPayment(a, 'link-two-processes');
      await a.merchant.client.epayment.forceApprove(reference, { customer: { phoneNumber: '4791234567' } });
      await a.merchant.client.epayment.capture(
        reference,
        { currency: 'NOK', value: 400 },
        'two-processes-capture-1',
      );
      // CREATED, AUTHORIZED and CAPTURED, each delivered to both URLs: twice in the history, applied once.
      await expect
        .poll(async () => (await a.merchant.store.listWebhookEvents(reference)).length, {
          timeout: 20_000,
          interval: 50,
        })
        .toBe(6);
      const history = await a.merchant.store.listWebhookEvents(reference);
      for (const name of ['CREATED', 'AUTHORIZED', 'CAPTURED']) {
        expect(
          history
            .filter((e) => e.name === name)
            .map((e) => e.duplicate)
            .sort(),
        ).toEqual([false, true]);
      }
      // The child's pages show the same payment, from the same database.
      const page = await (await fetch(`${childUrl}/merchant/payments/${reference}`)).text();
      expect(page).toContain(reference);
      expect(page).toContain('PARTIALLY_CAPTURED');
    });
  });
});
