import type pg from 'pg';
import type { SnapshotInfo, SnapshotsPort } from '../ports.js';
import { inTransaction, isRetryable, quoteIdent, type Queryable } from './connection.js';

/** Module `snapshots`: named copies of every table's rows as JSONB. */
export const SNAPSHOTS: readonly string[] = [
  // 1
  `CREATE TABLE snapshots (
     name TEXT PRIMARY KEY,
     created_at BIGINT NOT NULL,
     bytes BIGINT NOT NULL,
     counts JSONB NOT NULL,
     meta JSONB NOT NULL,
     data JSONB NOT NULL
   );`,
  // 2: snapshots taken before events had an `id` (core migration 3) get the one that migration gave the rows:
  // their position.
  `UPDATE snapshots SET data = jsonb_set(data, '{payment_events}', (
     SELECT coalesce(jsonb_agg(e || jsonb_build_object('id', e -> 'seq')), '[]'::jsonb)
     FROM jsonb_array_elements(data -> 'payment_events') AS e))
   WHERE jsonb_typeof(data -> 'payment_events') = 'array';`,
];

/** Tables that are not state: the migrations' bookkeeping and the snapshots themselves. */
const NOT_STATE = ['schema_migrations', 'snapshots'];

interface SnapshotRow {
  name: string;
  created_at: number;
  bytes: number;
  counts: Record<string, number>;
  meta: unknown;
}

function info(row: SnapshotRow): SnapshotInfo {
  return {
    name: row.name,
    createdAt: row.created_at,
    bytes: row.bytes,
    counts: row.counts,
    meta: row.meta,
  };
}

/** The schema's tables of state, parents before children (by their foreign keys), then by name. */
async function stateTables(db: Queryable): Promise<string[]> {
  const tables = (
    await db.query<{ name: string }>(
      `SELECT tablename AS name FROM pg_tables
       WHERE schemaname = current_schema() AND NOT (tablename = ANY($1::text[])) ORDER BY tablename`,
      [NOT_STATE],
    )
  ).rows.map((r) => r.name);
  const links = (
    await db.query<{ child: string; parent: string }>(
      `SELECT cl.relname AS child, pr.relname AS parent
       FROM pg_constraint c
       JOIN pg_class cl ON cl.oid = c.conrelid
       JOIN pg_class pr ON pr.oid = c.confrelid
       JOIN pg_namespace n ON n.oid = cl.relnamespace
       WHERE c.contype = 'f' AND n.nspname = current_schema()`,
    )
  ).rows;
  const ordered: string[] = [];
  const placed = new Set<string>();
  const place = (table: string, path: Set<string>): void => {
    if (placed.has(table) || path.has(table)) return;
    path.add(table);
    for (const link of links) if (link.child === table && link.parent !== table) place(link.parent, path);
    placed.add(table);
    ordered.push(table);
  };
  for (const table of tables) place(table, new Set());
  return ordered.filter((t) => tables.includes(t));
}

/**
 * Snapshots on PostgreSQL ({@link SnapshotsPort}): the rows of every table of the schema (found in `pg_tables`, so
 * a table a later migration adds is included) are copied as one JSONB document into the `snapshots` table, inside
 * the database and in one REPEATABLE READ transaction; a restore locks the tables against writers of every
 * process, empties them and fills them again from the document with `jsonb_populate_recordset`, identity columns
 * included (`OVERRIDING SYSTEM VALUE`). Sequences are left alone: outbox positions and delivery ids are never
 * handed out again.
 */
export class PostgresSnapshots implements SnapshotsPort {
  constructor(private readonly pool: pg.Pool) {}

  async save(name: string, createdAt: number, meta: unknown): Promise<SnapshotInfo> {
    return inTransaction(this.pool, async (client) => {
      await client.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
      const tables = await stateTables(client);
      // jsonb_build_object takes at most 100 arguments: the tables in groups, joined with ||.
      const groups: string[] = [];
      for (let i = 0; i < tables.length; i += 40) {
        const pairs = tables
          .slice(i, i + 40)
          .map(
            (t) =>
              `'${t.replace(/'/g, "''")}', (SELECT coalesce(jsonb_agg(to_jsonb(x)), '[]'::jsonb) FROM ${quoteIdent(t)} x)`,
          );
        groups.push(`jsonb_build_object(${pairs.join(', ')})`);
      }
      const result = await client.query<SnapshotRow>(
        `WITH d AS (SELECT ${groups.join(' || ') || "'{}'::jsonb"} AS data)
         INSERT INTO snapshots (name, created_at, bytes, counts, meta, data)
         SELECT $1, $2, octet_length(data::text),
           (SELECT coalesce(jsonb_object_agg(key, jsonb_array_length(value)), '{}'::jsonb) FROM jsonb_each(data)),
           $3::jsonb, data
         FROM d
         ON CONFLICT (name) DO UPDATE SET created_at = excluded.created_at, bytes = excluded.bytes,
           counts = excluded.counts, meta = excluded.meta, data = excluded.data
         RETURNING name, created_at, bytes, counts, meta`,
        [name, createdAt, JSON.stringify(meta ?? null)],
      );
      return info(result.rows[0] as SnapshotRow);
    });
  }

  async list(): Promise<SnapshotInfo[]> {
    const result = await this.pool.query<SnapshotRow>(
      'SELECT name, created_at, bytes, counts, meta FROM snapshots ORDER BY created_at, name COLLATE "C"',
    );
    return result.rows.map(info);
  }

  async restore(
    name: string,
    options: { keepSettings: readonly string[] },
  ): Promise<SnapshotInfo | undefined> {
    // Locking every table may deadlock with a command of another process that holds some of them: PostgreSQL then
    // aborts one of the two, and the restore is run again.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.restoreOnce(name, options);
      } catch (error) {
        if (attempt >= 3 || !isRetryable(error)) throw error;
      }
    }
  }

  private async restoreOnce(
    name: string,
    options: { keepSettings: readonly string[] },
  ): Promise<SnapshotInfo | undefined> {
    return inTransaction(this.pool, async (client) => {
      const found = await client.query<SnapshotRow>(
        'SELECT name, created_at, bytes, counts, meta FROM snapshots WHERE name = $1 FOR SHARE',
        [name],
      );
      const row = found.rows[0];
      if (!row) return undefined;
      const tables = await stateTables(client);
      // Writers of every process wait until the restore has committed; readers see the old state until then.
      await client.query(`LOCK TABLE ${tables.map(quoteIdent).join(', ')} IN EXCLUSIVE MODE`);
      const keep = [...options.keepSettings];
      for (const table of [...tables].reverse()) {
        if (table === 'settings') {
          await client.query('DELETE FROM settings WHERE NOT (key = ANY($1::text[]))', [keep]);
        } else {
          await client.query(`DELETE FROM ${quoteIdent(table)}`);
        }
      }
      for (const table of tables) {
        const t = quoteIdent(table);
        const settings = table === 'settings';
        await client.query(
          `INSERT INTO ${t} OVERRIDING SYSTEM VALUE
           SELECT * FROM jsonb_populate_recordset(NULL::${t},
             (SELECT coalesce(data -> $2::text, '[]'::jsonb) FROM snapshots WHERE name = $1))
           ${settings ? 'WHERE NOT (key = ANY($3::text[]))' : ''}`,
          settings ? [name, table, keep] : [name, table],
        );
      }
      return info(row);
    });
  }

  async delete(name: string): Promise<boolean> {
    const result = await this.pool.query('DELETE FROM snapshots WHERE name = $1', [name]);
    return (result.rowCount ?? 0) > 0;
  }
}
