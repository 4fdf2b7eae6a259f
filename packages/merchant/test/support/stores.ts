import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { PostgresMerchantStore } from '../../src/store/postgres.js';
import { SqliteMerchantStore } from '../../src/store/sqlite.js';
import type { MerchantStore } from '../../src/store/store.js';

/**
 * The stores the merchant's tests run against: SQLite in memory, and PostgreSQL on a database of its own per
 * store opened (created through `BETAL_TEST_PG`, default `postgres://postgres@127.0.0.1:5432/postgres`, and
 * dropped after). The PostgreSQL tests are skipped when it cannot be reached.
 */

/** Where the PostgreSQL tests connect to create their databases: `BETAL_TEST_PG`, or the local default. */
export const TEST_PG = process.env.BETAL_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Why PostgreSQL cannot be reached (its tests are skipped then), or undefined when it can. */
export async function pgUnreachable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: TEST_PG, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return `PostgreSQL at BETAL_TEST_PG cannot be reached: ${(error as Error).message}`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A database of its own: its URL, and `drop` (which ends its connections). */
export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** Creates a fresh `betal_merchant_test_<random>` database on the server of `TEST_PG`. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `betal_merchant_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_PG });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(TEST_PG);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: TEST_PG });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
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
