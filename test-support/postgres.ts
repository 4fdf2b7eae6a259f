/**
 * What every PostgreSQL test of the repository shares (platform, merchant and CLI): where the server is, the check
 * that skips the tests where it cannot be reached, and a database of its own per test file. Test code only: no
 * package builds it; the tests import it by relative path.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Where the PostgreSQL tests connect to create their databases: `BETAL_TEST_PG`, or the local default. */
export const TEST_PG = process.env.BETAL_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Why PostgreSQL cannot be reached (the tests are skipped then), or undefined when it can. */
export async function pgUnreachable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: TEST_PG, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return `PostgreSQL at BETAL_TEST_PG (${TEST_PG.replace(/:[^:@/]*@/, ':***@')}) cannot be reached: ${(error as Error).message}`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A database of its own for one test file (or one store), created through `TEST_PG` and dropped (with its connections) after. */
export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** Creates a fresh `<prefix>_<random>` database (default `betal_test_<random>`) on the server of `TEST_PG`. */
export async function createTestDatabase(prefix = 'betal_test'): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
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
