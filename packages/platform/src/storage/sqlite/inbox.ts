import type { CustomerInboxPort, InboxEntry } from '../ports.js';
import type { SqliteConnection } from './store.js';

const MIGRATIONS = [
  `CREATE TABLE customer_inbox (
     phone_number TEXT NOT NULL,
     msn TEXT NOT NULL,
     reference TEXT NOT NULL,
     added_at INTEGER NOT NULL,
     PRIMARY KEY (phone_number, msn, reference)
   ) WITHOUT ROWID;
   CREATE INDEX customer_inbox_newest ON customer_inbox (phone_number, added_at);`,
];

/** The inbox in the platform's SQLite file (module `customer`), so it persists with the payments. */
export class SqliteInbox implements CustomerInboxPort {
  private readonly stmt;
  constructor(store: SqliteConnection) {
    store.migrate('customer', MIGRATIONS);
    const db = store.db;
    this.stmt = {
      add: db.prepare(
        'INSERT INTO customer_inbox (phone_number, msn, reference, added_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
      ),
      list: db.prepare<[string, number], { msn: string; reference: string; added_at: number }>(
        'SELECT msn, reference, added_at FROM customer_inbox WHERE phone_number = ? ORDER BY added_at DESC, reference DESC LIMIT ?',
      ),
      has: db.prepare<[string, string, string], { one: number }>(
        'SELECT 1 AS one FROM customer_inbox WHERE phone_number = ? AND msn = ? AND reference = ?',
      ),
    };
  }
  async add(phoneNumber: string, msn: string, reference: string, addedAt: number): Promise<void> {
    this.stmt.add.run(phoneNumber, msn, reference, addedAt);
  }
  async list(phoneNumber: string, limit: number): Promise<InboxEntry[]> {
    return this.stmt.list
      .all(phoneNumber, limit)
      .map((r) => ({ msn: r.msn, reference: r.reference, addedAt: r.added_at }));
  }
  async has(phoneNumber: string, msn: string, reference: string): Promise<boolean> {
    return this.stmt.has.get(phoneNumber, msn, reference) !== undefined;
  }
}
