import pg from 'pg';

/**
 * The merchant's PostgreSQL plumbing: the pool, transactions and migrations under an advisory lock. It follows
 * the platform's `storage/postgres/connection.ts` in style, kept apart so the merchant depends on no platform
 * internals (the merchant runs against the real Vipps MobilePay API too).
 */

/** The advisory-lock class (first key of the two-key form) of every lock the merchant takes: 'merc'. */
export const LOCK_CLASS = 0x6d65_7263;
/** Second keys of {@link LOCK_CLASS} (a named lock of `exclusive` hashes its name instead). */
export const LOCK = {
  /** Held (session level) while migrating, so two processes starting together migrate one after the other. */
  migrate: 1,
} as const;

/** The schema the merchant's tables live in by default, so that it may share a database with the platform. */
export const DEFAULT_SCHEMA = 'merchant';

/** BIGINT (int8) as JS numbers: the store keeps epoch ms, minor units and ids below 2^53. */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

/** `name` as an SQL identifier, quoted. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A pool of at most `max` connections (default 10) to `url` whose `search_path` is `schema`. */
export function createPool(url: string, schema: string, max = 10): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    types,
    options: `-c search_path=${quoteIdent(schema)}`,
  });
  // An idle client whose connection drops emits 'error' on the pool; unheard, it would end the process. The next
  // query reconnects (or fails, and the request shows the error).
  pool.on('error', () => undefined);
  return pool;
}

/** A client of the pool or the pool itself: what a query runs on. */
export type Queryable = pg.Pool | pg.PoolClient;

/**
 * Runs `work` in one transaction on a client of the pool: COMMIT when it resolves, ROLLBACK when it rejects (the
 * rejection is passed on). A client whose ROLLBACK failed is destroyed rather than reused.
 */
export async function inTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackError) {
      broken = rollbackError as Error;
    }
    throw error;
  } finally {
    client.release(broken);
  }
}

/**
 * Runs `work` while this session holds the advisory lock (`LOCK_CLASS`, `key`), on a client of its own taken
 * from the pool; the lock is released (and the client returned) afterwards, also when `work` rejects. Other
 * sessions asking for the same lock wait.
 */
export async function withAdvisoryLock<T>(
  pool: pg.Pool,
  key: number | string,
  work: () => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  const keyExpr = typeof key === 'number' ? '$2::int' : 'hashtext($2::text)';
  let broken: Error | undefined;
  try {
    await client.query(`SELECT pg_advisory_lock($1, ${keyExpr})`, [LOCK_CLASS, key]);
    try {
      return await work();
    } finally {
      try {
        await client.query(`SELECT pg_advisory_unlock($1, ${keyExpr})`, [LOCK_CLASS, key]);
      } catch (error) {
        broken = error as Error;
      }
    }
  } finally {
    client.release(broken);
  }
}

/**
 * Creates `schema` when missing and applies the migrations not applied yet, each in its own transaction, the
 * version reached kept in `merchant_migrations`. Runs under a session-level advisory lock (per schema), so
 * processes starting together apply each migration once: the second waits, then finds it applied. The list only
 * ever grows: never edit a migration that has shipped, add the next one.
 */
export async function migrate(pool: pg.Pool, schema: string, migrations: readonly string[]): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1, hashtext($2))', [LOCK_CLASS + LOCK.migrate, schema]);
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
      await client.query('CREATE TABLE IF NOT EXISTS merchant_migrations (version INTEGER NOT NULL)');
      const found = await client.query<{ version: number }>(
        'SELECT max(version) AS version FROM merchant_migrations',
      );
      for (let v = found.rows[0]?.version ?? 0; v < migrations.length; v++) {
        await client.query('BEGIN');
        try {
          await client.query(migrations[v]!);
          await client.query('INSERT INTO merchant_migrations (version) VALUES ($1)', [v + 1]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        }
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [LOCK_CLASS + LOCK.migrate, schema]);
    }
  } finally {
    client.release();
  }
}
