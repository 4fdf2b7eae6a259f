import type { SnapshotInfo, SnapshotsPort } from '../ports.js';
import type { SqliteConnection } from './store.js';

const MIGRATIONS: readonly string[] = [
  `CREATE TABLE snapshots (
     name TEXT PRIMARY KEY,
     created_at INTEGER NOT NULL,
     bytes INTEGER NOT NULL,
     counts TEXT NOT NULL,
     meta TEXT NOT NULL,
     data TEXT NOT NULL
   );`,
];

/** Tables that are not state: the migrations' bookkeeping, SQLite's own, and the snapshots themselves. */
const NOT_STATE = new Set(['schema_migrations', 'snapshots']);

/** One table's rows as saved: column names once, then each row's values in that order (BLOBs as `{b64}`). */
interface SavedTable {
  columns: string[];
  rows: unknown[][];
}

interface SnapshotRow {
  name: string;
  created_at: number;
  bytes: number;
  counts: string;
  meta: string;
}

function encode(value: unknown): unknown {
  return Buffer.isBuffer(value) ? { b64: value.toString('base64') } : value;
}

function decode(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && 'b64' in value) {
    return Buffer.from(String((value as { b64: unknown }).b64), 'base64');
  }
  return value;
}

function info(row: SnapshotRow): SnapshotInfo {
  return {
    name: row.name,
    createdAt: row.created_at,
    bytes: row.bytes,
    counts: JSON.parse(row.counts) as Record<string, number>,
    meta: JSON.parse(row.meta) as unknown,
  };
}

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Snapshots on SQLite ({@link SnapshotsPort}): every table of the file except the bookkeeping is read in one
 * transaction and kept as JSON in the `snapshots` table of the same file; a restore empties the tables and
 * inserts the saved rows in one transaction, with foreign keys checked at its commit. The tables are found in
 * `sqlite_master`, so a table a later migration adds is part of every snapshot without a change here.
 * `sqlite_sequence` is left alone: AUTOINCREMENT positions (events, deliveries) are never handed out again.
 */
export class SqliteSnapshots implements SnapshotsPort {
  constructor(private readonly conn: SqliteConnection) {
    conn.migrate('snapshots', MIGRATIONS);
  }

  private tables(): string[] {
    return this.conn.db
      .prepare<[], { name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
      )
      .all()
      .map((r) => r.name)
      .filter((name) => !NOT_STATE.has(name));
  }

  private columns(table: string): string[] {
    return (this.conn.db.pragma(`table_info(${quote(table)})`) as Array<{ name: string }>).map((r) => r.name);
  }

  async save(name: string, createdAt: number, meta: unknown): Promise<SnapshotInfo> {
    const db = this.conn.db;
    return db.transaction(() => {
      const data: Record<string, SavedTable> = {};
      const counts: Record<string, number> = {};
      for (const table of this.tables()) {
        const columns = this.columns(table);
        const rows = db
          .prepare(`SELECT ${columns.map(quote).join(', ')} FROM ${quote(table)}`)
          .raw()
          .all() as unknown[][];
        data[table] = { columns, rows: rows.map((row) => row.map(encode)) };
        counts[table] = rows.length;
      }
      const text = JSON.stringify(data);
      const row: SnapshotRow = {
        name,
        created_at: createdAt,
        bytes: Buffer.byteLength(text),
        counts: JSON.stringify(counts),
        meta: JSON.stringify(meta ?? null),
      };
      db.prepare(
        `INSERT INTO snapshots (name, created_at, bytes, counts, meta, data)
         VALUES (@name, @created_at, @bytes, @counts, @meta, @data)
         ON CONFLICT (name) DO UPDATE SET created_at = excluded.created_at, bytes = excluded.bytes,
           counts = excluded.counts, meta = excluded.meta, data = excluded.data`,
      ).run({ ...row, data: text });
      return info(row);
    })();
  }

  async list(): Promise<SnapshotInfo[]> {
    return this.conn.db
      .prepare<[], SnapshotRow>(
        'SELECT name, created_at, bytes, counts, meta FROM snapshots ORDER BY created_at, name',
      )
      .all()
      .map(info);
  }

  async restore(
    name: string,
    options: { keepSettings: readonly string[] },
  ): Promise<SnapshotInfo | undefined> {
    const db = this.conn.db;
    const found = db
      .prepare<[string], SnapshotRow & { data: string }>('SELECT * FROM snapshots WHERE name = ?')
      .get(name);
    if (!found) return undefined;
    const data = JSON.parse(found.data) as Record<string, SavedTable>;
    const keep = new Set(options.keepSettings);
    db.transaction(() => {
      db.pragma('defer_foreign_keys = ON');
      for (const table of this.tables()) {
        if (table === 'settings') {
          const all = db.prepare<[], { key: string }>('SELECT key FROM settings').all();
          const drop = db.prepare('DELETE FROM settings WHERE key = ?');
          for (const { key } of all) if (!keep.has(key)) drop.run(key);
        } else {
          db.prepare(`DELETE FROM ${quote(table)}`).run();
        }
        const saved = data[table];
        if (!saved || saved.rows.length === 0) continue;
        const present = new Set(this.columns(table));
        const picks = saved.columns.map((c, i) => [c, i] as const).filter(([c]) => present.has(c));
        const insert = db.prepare(
          `INSERT INTO ${quote(table)} (${picks.map(([c]) => quote(c)).join(', ')})
           VALUES (${picks.map(() => '?').join(', ')})`,
        );
        const keyAt = table === 'settings' ? saved.columns.indexOf('key') : -1;
        for (const row of saved.rows) {
          if (keyAt >= 0 && keep.has(String(row[keyAt]))) continue;
          insert.run(...picks.map(([, i]) => decode(row[i])));
        }
      }
    })();
    return info(found);
  }

  async delete(name: string): Promise<boolean> {
    return this.conn.db.prepare('DELETE FROM snapshots WHERE name = ?').run(name).changes > 0;
  }
}
