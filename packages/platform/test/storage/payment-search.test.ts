import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Payment } from '../../src/domain/payment.js';
import { openStorage } from '../../src/storage/open.js';
import { PostgresStore } from '../../src/storage/postgres/store.js';
import type { PaymentSearch } from '../../src/storage/payment-search.js';
import type { Storage } from '../../src/storage/ports.js';
import { NOW, authorizedPayment, createdPayment } from '../domain/fixtures.js';
import { createTestDatabase, pgUnreachable, type TestDatabase } from './pg-support.js';

/** The payments the searches run over, in the order they are stored (so newest last). */
const STORED: Payment[] = [
  createdPayment(100, { msn: '123456', reference: 'shop-0001', token: 't1', createdAt: NOW }),
  authorizedPayment(200, {}, { msn: '123456', reference: 'shop-0002', token: 't2', createdAt: NOW + 1000 }),
  createdPayment(300, { msn: '654321', reference: 'shop-0003', token: 't3', createdAt: NOW + 2000 }),
  createdPayment(400, { msn: '123456', reference: 'Shop-0004', token: 't4', createdAt: NOW + 3000 }),
  authorizedPayment(500, {}, { msn: '123456', reference: 'invoice-05', token: 't5', createdAt: NOW + 4000 }),
];

async function fill(storage: Storage): Promise<void> {
  for (const p of STORED) {
    await storage.execute({
      msn: p.msn,
      reference: p.reference,
      decide: () => ({ write: { payment: p, insert: true, events: [] }, result: undefined }),
    });
  }
}

function describeSearch(name: string, open: () => Promise<Storage>): void {
  describe(`searchPayments (${name})`, () => {
    let storage: Storage;
    beforeAll(async () => {
      storage = await open();
      await fill(storage);
    });
    afterAll(() => storage?.close());

    const refs = async (query: PaymentSearch) =>
      (await storage.searchPayments(query)).payments.map((p) => p.reference);

    it('lists every MSN newest first, whole payments', async () => {
      const page = await storage.searchPayments({ limit: 10 });
      expect(page.payments.map((p) => p.reference)).toEqual([
        'invoice-05',
        'Shop-0004',
        'shop-0003',
        'shop-0002',
        'shop-0001',
      ]);
      expect(page.next).toBeUndefined();
      expect(page.payments[3]).toEqual(STORED[1]);
    });

    it('filters by MSN, states, reference prefix (case-sensitive) and created since/until', async () => {
      expect(await refs({ msn: '654321', limit: 10 })).toEqual(['shop-0003']);
      expect(await refs({ states: ['AUTHORIZED'], limit: 10 })).toEqual(['invoice-05', 'shop-0002']);
      expect(await refs({ states: ['AUTHORIZED', 'CREATED'], msn: '123456', limit: 10 })).toHaveLength(4);
      expect(await refs({ referencePrefix: 'shop-', limit: 10 })).toEqual([
        'shop-0003',
        'shop-0002',
        'shop-0001',
      ]);
      expect(await refs({ referencePrefix: 'shop-%', limit: 10 })).toEqual([]);
      expect(await refs({ since: NOW + 1000, until: NOW + 3000, limit: 10 })).toEqual([
        'shop-0003',
        'shop-0002',
      ]);
      expect(await refs({ msn: 'nobody', limit: 10 })).toEqual([]);
    });

    it('pages with a cursor: no payment twice, none left out, the last page without a cursor', async () => {
      const first = await storage.searchPayments({ limit: 2 });
      expect(first.payments.map((p) => p.reference)).toEqual(['invoice-05', 'Shop-0004']);
      expect(first.next).toBeTypeOf('number');
      const second = await storage.searchPayments({ limit: 2, before: first.next! });
      expect(second.payments.map((p) => p.reference)).toEqual(['shop-0003', 'shop-0002']);
      const third = await storage.searchPayments({ limit: 2, before: second.next! });
      expect(third.payments.map((p) => p.reference)).toEqual(['shop-0001']);
      expect(third.next).toBeUndefined();
      // A page that ends exactly at the last payment has no cursor either.
      const exact = await storage.searchPayments({ limit: 5 });
      expect(exact.next).toBeUndefined();
      // The cursor keeps the filters' order: the next AUTHORIZED page.
      const auth = await storage.searchPayments({ states: ['AUTHORIZED'], limit: 1 });
      expect(await refs({ states: ['AUTHORIZED'], limit: 1, before: auth.next! })).toEqual(['shop-0002']);
    });
  });
}

describeSearch('SQLite', () => openStorage({ database: ':memory:' }));

const unreachable = await pgUnreachable();
if (unreachable) {
  describe('searchPayments (PostgreSQL)', () => {
    it.skip(`skipped: ${unreachable}`, () => undefined);
  });
} else {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });
  describeSearch('PostgreSQL', () => PostgresStore.open(db.url, { schema: 'search' }));
}
