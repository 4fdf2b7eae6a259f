import pg from 'pg';

/** The advisory-lock class (first key of the two-key form) of every lock Betal takes on PostgreSQL. */
export const LOCK_CLASS = 0x6265_7461; // 'beta'
/** Second keys of {@link LOCK_CLASS}; the schema's name is hashed in where a lock is per schema. */
export const LOCK = {
  /** Held (session level) while migrating, so two processes starting together migrate one after the other. */
  migrate: 1,
  /**
   * Held (transaction level) by the outbox's sequencer while it gives committed events their positions, until it
   * commits: positions are handed out in commit order (see `PostgresStore`, `OutboxSequencer`). Never taken by a
   * command's transaction.
   */
  outbox: 2,
  /** Held (transaction level) while registering a webhook, per MSN: the limit is counted and kept. */
  register: 3,
} as const;

/** BIGINT (int8) and NUMERIC counts as JS numbers: the ports keep epoch ms, minor units and positions below 2^53. */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

/** Options of {@link createPool}. */
export interface PoolOptions {
  /** Connections at most (default 10). */
  max?: number;
  /** How long getting a connection may wait, in ms (default 0: as long as it takes). */
  connectionTimeoutMs?: number;
  /**
   * The schema the tables live in (default: the connection's `search_path`, normally `public`). Created when
   * missing; the tests give each storage a schema of its own.
   */
  schema?: string;
}

/** A connection pool for `url` whose BIGINT columns read as numbers, on `schema` when given. */
export function createPool(url: string, options: PoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 0,
    types,
    ...(options.schema !== undefined ? { options: `-c search_path=${quoteIdent(options.schema)}` } : {}),
  });
  // An idle client whose connection drops emits 'error' on the pool; unheard, it would end the process. The store
  // listens too and reports it in health(); this one covers the pool before the store exists (while migrating).
  pool.on('error', () => undefined);
  // A client whose connection drops while checked out but between queries (a terminated backend, a server
  // restart) emits 'error' with nobody listening, which would end the process too. Heard here, it just stops
  // being queryable: its next query rejects (the edge answers 503) and the pool destroys it when it is released.
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  return pool;
}

/** `name` as an SQL identifier, quoted. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A client of the pool or the pool itself: what a query runs on. */
export type Queryable = pg.Pool | pg.PoolClient;

/**
 * Runs `work` in one transaction on a client of the pool: COMMIT when it resolves, ROLLBACK when it rejects (the
 * rejection is passed on). The client goes back to the pool either way; a client whose ROLLBACK failed is
 * destroyed rather than reused.
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

/** True for PostgreSQL's unique_violation (23505), the loser of an insert race. */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === '23505';
}

/** True for errors after which the same transaction may simply be run again: serialization failure, deadlock. */
export function isRetryable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === '40001' || code === '40P01';
}

/**
 * Applies the migrations of one module that are not applied yet, each in its own transaction, recording the
 * version reached in `schema_migrations`. Runs under a session-level advisory lock ({@link LOCK}.migrate, per
 * schema), so processes starting together apply each migration once: the second waits, then finds it applied.
 * A module's list only ever grows: never edit a migration that has shipped, add the next one.
 */
export async function migrate(
  pool: pg.Pool,
  modules: ReadonlyArray<{ module: string; migrations: readonly string[] }>,
  schema?: string,
): Promise<void> {
  const client = await pool.connect();
  try {
    // The lock is per schema, named before the schema exists (current_schema() is NULL until then); creating the
    // schema happens under it too, as CREATE SCHEMA IF NOT EXISTS races with itself.
    const scope = [LOCK_CLASS + LOCK.migrate, schema ?? null];
    await client.query(
      "SELECT pg_advisory_lock($1, hashtext(COALESCE($2::text, current_schema(), '')))",
      scope,
    );
    try {
      if (schema !== undefined) await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
      await client.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (module TEXT PRIMARY KEY, version INTEGER NOT NULL)',
      );
      for (const { module, migrations } of modules) {
        const found = await client.query<{ version: number }>(
          'SELECT version FROM schema_migrations WHERE module = $1',
          [module],
        );
        for (let v = found.rows[0]?.version ?? 0; v < migrations.length; v++) {
          await client.query('BEGIN');
          try {
            await client.query(migrations[v] as string);
            await client.query(
              `INSERT INTO schema_migrations (module, version) VALUES ($1, $2)
               ON CONFLICT (module) DO UPDATE SET version = excluded.version`,
              [module, v + 1],
            );
            await client.query('COMMIT');
          } catch (error) {
            await client.query('ROLLBACK');
            throw error;
          }
        }
      }
    } finally {
      await client.query(
        "SELECT pg_advisory_unlock($1, hashtext(COALESCE($2::text, current_schema(), '')))",
        scope,
      );
    }
  } finally {
    client.release();
  }
}
