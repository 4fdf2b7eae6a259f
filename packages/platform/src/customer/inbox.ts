import { SqliteStore } from '../store/sqlite.js';
import type { PlatformStore } from '../store/store.js';

/** One payment request in a user's app: which merchant's payment, and when it reached the app (epoch ms). */
export interface InboxEntry {
  msn: string;
  reference: string;
  addedAt: number;
}

/**
 * Which payment requests reached which user's app (pushed, landing step done, app switch, or authorized by the
 * user): the index behind the app's request list, Activities and history. Append-only; the payments themselves
 * stay in the payment store, so a listing always shows their current state.
 */
export interface CustomerInbox {
  /** Notes that the payment reached the app of `phoneNumber`; a second call for the same payment is a no-op. */
  add(phoneNumber: string, msn: string, reference: string, addedAt: number): void;
  /** The user's entries, newest first, at most `limit`. */
  list(phoneNumber: string, limit: number): InboxEntry[];
  /** Whether the payment ever reached that user's app. */
  has(phoneNumber: string, msn: string, reference: string): boolean;
}

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
class SqliteInbox implements CustomerInbox {
  private readonly stmt;
  constructor(store: SqliteStore) {
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
  add(phoneNumber: string, msn: string, reference: string, addedAt: number): void {
    this.stmt.add.run(phoneNumber, msn, reference, addedAt);
  }
  list(phoneNumber: string, limit: number): InboxEntry[] {
    return this.stmt.list
      .all(phoneNumber, limit)
      .map((r) => ({ msn: r.msn, reference: r.reference, addedAt: r.added_at }));
  }
  has(phoneNumber: string, msn: string, reference: string): boolean {
    return this.stmt.has.get(phoneNumber, msn, reference) !== undefined;
  }
}

/** The inbox in memory, for a store other than SQLite (it does not survive a restart). */
class MemoryInbox implements CustomerInbox {
  private readonly byUser = new Map<string, Map<string, InboxEntry>>();
  add(phoneNumber: string, msn: string, reference: string, addedAt: number): void {
    let entries = this.byUser.get(phoneNumber);
    if (!entries) this.byUser.set(phoneNumber, (entries = new Map()));
    const key = `${msn}\u0000${reference}`;
    if (!entries.has(key)) entries.set(key, { msn, reference, addedAt });
  }
  list(phoneNumber: string, limit: number): InboxEntry[] {
    const entries = [...(this.byUser.get(phoneNumber)?.values() ?? [])];
    return entries
      .sort((a, b) => b.addedAt - a.addedAt || (a.reference < b.reference ? 1 : -1))
      .slice(0, limit);
  }
  has(phoneNumber: string, msn: string, reference: string): boolean {
    return this.byUser.get(phoneNumber)?.has(`${msn}\u0000${reference}`) ?? false;
  }
}

/** The inbox for a store: in its SQLite file when it is a SqliteStore, else in memory. */
export function openInbox(store: PlatformStore): CustomerInbox {
  return store instanceof SqliteStore ? new SqliteInbox(store) : new MemoryInbox();
}
