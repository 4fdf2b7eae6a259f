import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { NewPaymentEvent, Payment } from '../../src/domain/payment.js';
import { PostgresStore } from '../../src/storage/postgres/store.js';
import type { PaymentCommand, Storage } from '../../src/storage/ports.js';
import { SqliteStore } from '../../src/storage/sqlite/store.js';
import { NOW, createdPayment, salesUnit } from '../domain/fixtures.js';
import { createTestDatabase, pgUnreachable, type TestDatabase } from './pg-support.js';

/** The snapshots port (storage/ports.ts `SnapshotsPort`) on SQLite and PostgreSQL. */

const unreachable = await pgUnreachable();
const MSN = '123456';

function event(name: NewPaymentEvent['name'], amount: number): NewPaymentEvent {
  return { name, pspReference: `psp-${name}`, amount, timestamp: NOW, idempotencyKey: null, success: true };
}

function create(reference: string): PaymentCommand {
  const p: Payment = createdPayment(10_000, { msn: MSN, reference, token: `tok-${reference}` });
  return {
    msn: MSN,
    reference,
    idempotencyKey: `key-${reference}`,
    operation: 'create',
    decide: (current, existing) => {
      if (existing) return { result: existing.response };
      if (current) return { result: { status: 409, body: undefined } };
      return {
        write: { payment: p, insert: true, events: [event('CREATED', p.value)] },
        result: { status: 201, body: { reference } },
        remember: { operation: 'create', fingerprint: 'f', response: { status: 201, body: { reference } } },
      };
    },
  };
}

let db: TestDatabase | undefined;
let schemas = 0;
beforeAll(async () => {
  if (unreachable === undefined) db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

describe.each([
  { name: 'SQLite', skip: false, open: async (): Promise<Storage> => new SqliteStore(':memory:') },
  {
    name: 'PostgreSQL',
    skip: unreachable !== undefined,
    open: async (): Promise<Storage> => PostgresStore.open(db!.url, { schema: `snap${++schemas}` }),
  },
])('the snapshots port on $name', ({ skip, open }) => {
  let store: Storage;
  beforeEach(async () => {
    if (!skip) store = await open();
  });
  afterEach(async () => {
    await store?.close();
  });

  it.skipIf(skip)('puts back every table as saved, keeps the settings it is told to keep', async () => {
    await store.saveSalesUnit(salesUnit({ msn: MSN }));
    await store.execute(create('kept'));
    await store.setSetting('token_signing_key', 'old-key');
    await store.setSetting('dev_seeded', 'then');
    await store.inbox.add('4712345678', MSN, 'kept', NOW);
    await store.orderManagement.insertImage({
      msn: MSN,
      imageId: 'img',
      mediaType: 'image/png',
      width: 1,
      height: 1,
      bytes: Buffer.from([0, 1, 2, 255]),
      createdAt: NOW,
    });
    const saved = await store.snapshots.save('s1', NOW, { clock: { offsetMs: 5 } });
    expect(saved).toMatchObject({ name: 's1', createdAt: NOW, meta: { clock: { offsetMs: 5 } } });
    expect(saved.counts).toMatchObject({ payments: 1, payment_events: 1, sales_units: 1, om_images: 1 });
    const seqBefore = await store.latestEventSeq();

    await store.execute(create('later'));
    await store.setSetting('token_signing_key', 'new-key');
    await store.setSetting('dev_seeded', 'now');
    await store.setSetting('extra', 'x');
    await store.deleteMerchant(MSN);

    const restored = await store.snapshots.restore('s1', { keepSettings: ['token_signing_key'] });
    expect(restored?.name).toBe('s1');
    expect(await store.findSalesUnitByMsn(MSN)).toBeDefined();
    expect((await store.findPayment(MSN, 'kept'))?.reference).toBe('kept');
    expect(await store.findPayment(MSN, 'later')).toBeUndefined();
    expect(await store.inbox.has('4712345678', MSN, 'kept')).toBe(true);
    expect((await store.orderManagement.findImage(MSN, 'img'))?.bytes).toEqual(Buffer.from([0, 1, 2, 255]));
    expect(await store.getSetting('token_signing_key')).toBe('new-key');
    expect(await store.getSetting('dev_seeded')).toBe('then');
    expect(await store.getSetting('extra')).toBeUndefined();
    // The idempotency record came back: the key answers what it answered.
    expect(await store.execute(create('kept'))).toEqual({ status: 201, body: { reference: 'kept' } });
    // Outbox positions are not handed out again.
    expect(await store.latestEventSeq()).toBe(seqBefore);
    await store.execute(create('after'));
    expect(await store.latestEventSeq()).toBeGreaterThan(seqBefore + 1);
  });

  it.skipIf(skip)(
    'lists, replaces, deletes; unknown names restore nothing; survives deleteEverything',
    async () => {
      await store.snapshots.save('b', NOW + 1, null);
      await store.snapshots.save('a', NOW, null);
      await store.snapshots.save('b', NOW + 2, null);
      expect((await store.snapshots.list()).map((s) => [s.name, s.createdAt])).toEqual([
        ['a', NOW],
        ['b', NOW + 2],
      ]);
      await store.deleteEverything({ keepSettings: [] });
      expect(await store.snapshots.list()).toHaveLength(2);
      expect(await store.snapshots.restore('nope', { keepSettings: [] })).toBeUndefined();
      expect(await store.snapshots.delete('a')).toBe(true);
      expect(await store.snapshots.delete('a')).toBe(false);
      expect((await store.snapshots.list()).map((s) => s.name)).toEqual(['b']);
    },
  );
});
