import {
  createTestDatabase as createDatabase,
  pgUnreachable,
  type TestDatabase,
} from '../../../../test-support/postgres.js';
import { PostgresMerchantStore } from '../../src/store/postgres.js';
import { SqliteMerchantStore } from '../../src/store/sqlite.js';
import type { MerchantStore } from '../../src/store/store.js';

/**
 * The stores the merchant's tests run against: SQLite in memory, and PostgreSQL on a database of its own per
 * store opened (created through `BETAL_TEST_PG`, default `postgres://postgres@127.0.0.1:5432/postgres`, and
 * dropped after). The PostgreSQL tests are skipped when it cannot be reached. The database helpers are the
 * repository's (test-support/postgres.ts), passed on here for the merchant's tests.
 */

export { pgUnreachable, type TestDatabase };

/** Creates a fresh `betal_merchant_test_<random>` database on the server of `BETAL_TEST_PG`. */
export function createTestDatabase(): Promise<TestDatabase> {
  return createDatabase('betal_merchant_test');
}

/** A store opened for a test, and what removes it once the store is closed. */
export interface OpenedStore {
  store: MerchantStore;
  /** Drops what `open` created (the PostgreSQL database); call after closing the store. */
  drop(): Promise<void>;
}

/** One kind of store the tests run against. */
export interface StoreBackend {
  name: 'sqlite' | 'postgres';
  /** Why it cannot run here (its tests are skipped), or undefined. */
  unavailable: string | undefined;
  open(): Promise<OpenedStore>;
}

const unreachable = await pgUnreachable();

/** SQLite in memory, and PostgreSQL on a fresh database (skipped when unreachable). */
export const STORE_BACKENDS: readonly StoreBackend[] = [
  {
    name: 'sqlite',
    unavailable: undefined,
    async open() {
      return { store: new SqliteMerchantStore(':memory:'), drop: async () => undefined };
    },
  },
  {
    name: 'postgres',
    unavailable: unreachable,
    async open() {
      const db = await createTestDatabase();
      try {
        return { store: await PostgresMerchantStore.open(db.url), drop: () => db.drop() };
      } catch (error) {
        await db.drop();
        throw error;
      }
    },
  },
];
