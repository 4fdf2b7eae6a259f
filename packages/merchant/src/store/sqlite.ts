import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Line } from '../domain/receipt.js';
import {
  isOpen,
  listedStatus,
  type ClaimOptions,
  type Customer,
  type Invoice,
  type MerchantData,
  type MerchantStore,
  type NewOperation,
  type OperationRecord,
  type PaymentLink,
  type PaymentRecord,
  type Purpose,
  type ReceivedEvent,
  type ShopOrder,
} from './store.js';
import {
  eventOfRow,
  operationOfRow,
  startedOperation,
  WEBHOOK_EVENT_COLUMNS,
  type OperationRow,
  type WebhookEventRow,
} from './rows.js';

/** The SQLite schema as numbered migrations (`user_version` is the number applied). Never edit a shipped one. */
const MIGRATIONS = [
  `CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
   CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
   CREATE TABLE payments (
     reference TEXT PRIMARY KEY,
     purpose TEXT NOT NULL,
     owner_id TEXT NOT NULL,
     status TEXT NOT NULL,
     open INTEGER NOT NULL,
     last_news_at INTEGER NOT NULL,
     created_at INTEGER NOT NULL,
     record TEXT NOT NULL
   );
   CREATE INDEX payments_owner ON payments (purpose, owner_id, created_at);
   CREATE INDEX payments_open ON payments (open, last_news_at);
   CREATE TABLE webhook_events (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     reference TEXT NOT NULL,
     psp_reference TEXT NOT NULL,
     name TEXT NOT NULL,
     payload TEXT NOT NULL,
     received_at INTEGER NOT NULL,
     duplicate INTEGER NOT NULL
   );
   CREATE UNIQUE INDEX webhook_events_once ON webhook_events (reference, psp_reference) WHERE duplicate = 0;
   CREATE INDEX webhook_events_reference ON webhook_events (reference, seq);
   CREATE TABLE operations (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     reference TEXT NOT NULL,
     kind TEXT NOT NULL,
     amount INTEGER,
     status TEXT NOT NULL,
     error TEXT,
     created_at INTEGER NOT NULL,
     finished_at INTEGER
   );
   CREATE INDEX operations_reference ON operations (reference, id);
   CREATE TABLE carts (id TEXT PRIMARY KEY, lines TEXT NOT NULL, updated_at INTEGER NOT NULL);
   CREATE TABLE shop_orders (id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, record TEXT NOT NULL);
   CREATE TABLE payment_links (id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, record TEXT NOT NULL);
   CREATE TABLE invoices (id TEXT PRIMARY KEY, number INTEGER NOT NULL UNIQUE, created_at INTEGER NOT NULL, record TEXT NOT NULL);
   CREATE TABLE customers (phone_number TEXT PRIMARY KEY, created_at INTEGER NOT NULL, record TEXT NOT NULL);`,
  // 2: reconciliation claims (a lease per payment), and an event is one (reference, pspReference, name), as on
  // PostgreSQL.
  `ALTER TABLE payments ADD COLUMN claimed_until INTEGER;
   ALTER TABLE payments ADD COLUMN claimed_by TEXT;
   DROP INDEX webhook_events_once;
   CREATE UNIQUE INDEX webhook_events_once ON webhook_events (reference, psp_reference, name) WHERE duplicate = 0;`,
];

/**
 * The statements of {@link MerchantData} on one SQLite connection. The methods are async to fit the port but run
 * synchronously (better-sqlite3); {@link SqliteMerchantStore} orders them.
 */
class SqliteData implements MerchantData {
  constructor(readonly db: Database.Database) {}

  async getSetting(key: string): Promise<string | undefined> {
    const row = this.db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as
      { value: string } | undefined;
    return row?.value;
  }

  async setSetting(key: string, value: string): Promise<void> {
    this.db
      .prepare(
        'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      )
      .run(key, value);
  }

  async settingOnce(key: string, value: string): Promise<string> {
    this.db
      .prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING')
      .run(key, value);
    return (await this.getSetting(key))!;
  }

  async next(name: string): Promise<number> {
    const row = this.db
      .prepare(
        'INSERT INTO counters (name, value) VALUES (?, 1) ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value',
      )
      .get(name) as { value: number };
    return row.value;
  }

  // ---- payments

  async insertPayment(record: PaymentRecord): Promise<void> {
    this.db
      .prepare(
        'INSERT INTO payments (reference, purpose, owner_id, status, open, last_news_at, created_at, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        record.reference,
        record.purpose,
        record.ownerId,
        listedStatus(record),
        isOpen(record) ? 1 : 0,
        record.view.lastNewsAt,
        record.createdAt,
        JSON.stringify(record),
      );
  }

  async savePayment(record: PaymentRecord): Promise<void> {
    this.db
      .prepare('UPDATE payments SET status = ?, open = ?, last_news_at = ?, record = ? WHERE reference = ?')
      .run(
        listedStatus(record),
        isOpen(record) ? 1 : 0,
        record.view.lastNewsAt,
        JSON.stringify(record),
        record.reference,
      );
  }

  async getPayment(reference: string): Promise<PaymentRecord | undefined> {
    const row = this.db.prepare('SELECT record FROM payments WHERE reference = ?').get(reference) as
      { record: string } | undefined;
    return row ? (JSON.parse(row.record) as PaymentRecord) : undefined;
  }

  /** SQLite has one writer at a time (transactions begin IMMEDIATE): a read in a transaction is locked already. */
  lockPayment(reference: string): Promise<PaymentRecord | undefined> {
    return this.getPayment(reference);
  }

  async listPayments(
    filter: { purpose?: Purpose; ownerId?: string; limit?: number } = {},
  ): Promise<PaymentRecord[]> {
    const where: string[] = [];
    const args: Array<string | number> = [];
    if (filter.purpose) {
      where.push('purpose = ?');
      args.push(filter.purpose);
    }
    if (filter.ownerId !== undefined) {
      where.push('owner_id = ?');
      args.push(filter.ownerId);
    }
    const sql = `SELECT record FROM payments ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, rowid DESC LIMIT ?`;
    args.push(filter.limit ?? 500);
    return (this.db.prepare(sql).all(...args) as Array<{ record: string }>).map(
      (r) => JSON.parse(r.record) as PaymentRecord,
    );
  }

  async listQuietOpenPayments(before: number, limit = 100): Promise<PaymentRecord[]> {
    return (
      this.db
        .prepare(
          'SELECT record FROM payments WHERE open = 1 AND last_news_at <= ? ORDER BY last_news_at LIMIT ?',
        )
        .all(before, limit) as Array<{ record: string }>
    ).map((r) => JSON.parse(r.record) as PaymentRecord);
  }

  // ---- webhook events

  async recordWebhookEvent(event: Omit<ReceivedEvent, 'duplicate'>): Promise<boolean> {
    const seen = this.db
      .prepare(
        'SELECT 1 FROM webhook_events WHERE reference = ? AND psp_reference = ? AND name = ? AND duplicate = 0',
      )
      .get(event.reference, event.pspReference, event.name);
    this.db
      .prepare(
        'INSERT INTO webhook_events (reference, psp_reference, name, payload, received_at, duplicate) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(event.reference, event.pspReference, event.name, event.payload, event.receivedAt, seen ? 1 : 0);
    return !seen;
  }

  async listWebhookEvents(reference: string): Promise<ReceivedEvent[]> {
    return (
      this.db
        .prepare(`SELECT ${WEBHOOK_EVENT_COLUMNS} FROM webhook_events WHERE reference = ? ORDER BY seq`)
        .all(reference) as WebhookEventRow[]
    ).map(eventOfRow);
  }

  // ---- operations

  async startOperation(op: NewOperation): Promise<OperationRecord> {
    const row = this.db
      .prepare(
        "INSERT INTO operations (reference, kind, amount, status, created_at) VALUES (?, ?, ?, 'pending', ?) RETURNING id",
      )
      .get(op.reference, op.kind, op.amount ?? null, op.at) as { id: number };
    return startedOperation(row.id, op);
  }

  async finishOperation(
    id: number,
    status: 'done' | 'failed' | 'doubt',
    at: number,
    error?: string,
  ): Promise<void> {
    this.db
      .prepare('UPDATE operations SET status = ?, error = ?, finished_at = ? WHERE id = ?')
      .run(status, error ?? null, at, id);
  }

  async listOperations(reference: string): Promise<OperationRecord[]> {
    return (
      this.db
        .prepare('SELECT * FROM operations WHERE reference = ? ORDER BY id')
        .all(reference) as Array<OperationRow>
    ).map(operationOfRow);
  }

  async operationInDoubt(reference: string): Promise<boolean> {
    return (
      this.db.prepare("SELECT 1 FROM operations WHERE reference = ? AND status = 'doubt'").get(reference) !==
      undefined
    );
  }

  async settleDoubts(reference: string, at: number): Promise<void> {
    this.db
      .prepare(
        "UPDATE operations SET status = 'done', error = 'settled by reconciliation: see the payment', finished_at = ? WHERE reference = ? AND status = 'doubt'",
      )
      .run(at, reference);
  }

  // ---- carts and shop orders

  async getCart(id: string): Promise<Line[]> {
    const row = this.db.prepare('SELECT lines FROM carts WHERE id = ?').get(id) as
      { lines: string } | undefined;
    return row ? (JSON.parse(row.lines) as Line[]) : [];
  }

  async saveCart(id: string, lines: Line[], at: number): Promise<void> {
    this.db
      .prepare(
        'INSERT INTO carts (id, lines, updated_at) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET lines = excluded.lines, updated_at = excluded.updated_at',
      )
      .run(id, JSON.stringify(lines), at);
  }

  async saveShopOrder(order: ShopOrder): Promise<void> {
    this.db
      .prepare(
        'INSERT INTO shop_orders (id, created_at, record) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET record = excluded.record',
      )
      .run(order.id, order.createdAt, JSON.stringify(order));
  }

  async getShopOrder(id: string): Promise<ShopOrder | undefined> {
    const row = this.db.prepare('SELECT record FROM shop_orders WHERE id = ?').get(id) as
      { record: string } | undefined;
    return row ? (JSON.parse(row.record) as ShopOrder) : undefined;
  }

  async listShopOrders(limit = 200): Promise<ShopOrder[]> {
    return (
      this.db
        .prepare('SELECT record FROM shop_orders ORDER BY created_at DESC, rowid DESC LIMIT ?')
        .all(limit) as Array<{
        record: string;
      }>
    ).map((r) => JSON.parse(r.record) as ShopOrder);
  }

  // ---- links

  async saveLink(link: PaymentLink): Promise<void> {
    this.db
      .prepare(
        'INSERT INTO payment_links (id, created_at, record) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET record = excluded.record',
      )
      .run(link.id, link.createdAt, JSON.stringify(link));
  }

  async getLink(id: string): Promise<PaymentLink | undefined> {
    const row = this.db.prepare('SELECT record FROM payment_links WHERE id = ?').get(id) as
      { record: string } | undefined;
    return row ? (JSON.parse(row.record) as PaymentLink) : undefined;
  }

  async listLinks(limit = 200): Promise<PaymentLink[]> {
    return (
      this.db
        .prepare('SELECT record FROM payment_links ORDER BY created_at DESC, rowid DESC LIMIT ?')
        .all(limit) as Array<{
        record: string;
      }>
    ).map((r) => JSON.parse(r.record) as PaymentLink);
  }

  // ---- invoices

  async saveInvoice(invoice: Invoice): Promise<void> {
    this.db
      .prepare(
        'INSERT INTO invoices (id, number, created_at, record) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET record = excluded.record',
      )
      .run(invoice.id, invoice.number, invoice.createdAt, JSON.stringify(invoice));
  }

  async getInvoice(id: string): Promise<Invoice | undefined> {
    const row = this.db.prepare('SELECT record FROM invoices WHERE id = ?').get(id) as
      { record: string } | undefined;
    return row ? (JSON.parse(row.record) as Invoice) : undefined;
  }

  async listInvoices(limit = 200): Promise<Invoice[]> {
    return (
      this.db.prepare('SELECT record FROM invoices ORDER BY number DESC LIMIT ?').all(limit) as Array<{
        record: string;
      }>
    ).map((r) => JSON.parse(r.record) as Invoice);
  }

  // ---- customers

  async saveCustomer(customer: Customer): Promise<void> {
    const existing = await this.getCustomer(customer.phoneNumber);
    const merged: Customer = existing
      ? {
          ...existing,
          ...customer,
          name: customer.name ?? existing.name,
          sub: customer.sub ?? existing.sub,
          createdAt: existing.createdAt,
        }
      : customer;
    this.db
      .prepare(
        'INSERT INTO customers (phone_number, created_at, record) VALUES (?, ?, ?) ON CONFLICT (phone_number) DO UPDATE SET record = excluded.record',
      )
      .run(merged.phoneNumber, merged.createdAt, JSON.stringify(merged));
  }

  async getCustomer(phoneNumber: string): Promise<Customer | undefined> {
    const row = this.db.prepare('SELECT record FROM customers WHERE phone_number = ?').get(phoneNumber) as
      { record: string } | undefined;
    return row ? (JSON.parse(row.record) as Customer) : undefined;
  }

  async listCustomers(limit = 500): Promise<Customer[]> {
    return (
      this.db.prepare('SELECT record FROM customers ORDER BY created_at DESC LIMIT ?').all(limit) as Array<{
        record: string;
      }>
    ).map((r) => JSON.parse(r.record) as Customer);
  }
}

/** A queue of work run one at a time, in order of arrival. */
class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work, work);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/**
 * The merchant's embedded store: one SQLite file (better-sqlite3, WAL) for one merchant process; `:memory:` for
 * tests. Every call and every transaction runs one after the other on the one connection, so a transaction's
 * writes never mix with another call's; a transaction begins IMMEDIATE (the writer's lock), which is also what
 * serializes the changes of one payment. Reconciliation claims are kept as on PostgreSQL, so that the service
 * works the same on both.
 */
export class SqliteMerchantStore implements MerchantStore {
  readonly kind = 'sqlite' as const;
  readonly db: Database.Database;
  private readonly data: SqliteData;
  private readonly serial = new Serial();
  private readonly locks = new Map<string, Serial>();

  /** Opens (and creates, with its folder) the SQLite file at `path`, or an in-memory store for `:memory:`. */
  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('foreign_keys = ON');
    const version = this.db.pragma('user_version', { simple: true }) as number;
    for (let i = version; i < MIGRATIONS.length; i++) {
      this.db.transaction(() => {
        this.db.exec(MIGRATIONS[i]!);
        this.db.pragma(`user_version = ${i + 1}`);
      })();
    }
    this.data = new SqliteData(this.db);
  }

  /** Runs one call of the data in turn. */
  private call<K extends keyof MerchantData>(
    name: K,
    ...args: Parameters<MerchantData[K]>
  ): ReturnType<MerchantData[K]> {
    const method = this.data[name] as (...a: unknown[]) => Promise<unknown>;
    return this.serial.run(() => method.apply(this.data, args)) as ReturnType<MerchantData[K]>;
  }

  transaction<T>(work: (tx: MerchantData) => Promise<T>): Promise<T> {
    return this.serial.run(async () => {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const result = await work(this.data);
        this.db.exec('COMMIT');
        return result;
      } catch (error) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw error;
      }
    });
  }

  claimQuietOpenPayments(options: ClaimOptions): Promise<PaymentRecord[]> {
    return this.serial.run(async () => {
      const rows = this.db
        .prepare(
          `UPDATE payments SET claimed_until = ?, claimed_by = ? WHERE reference IN (
             SELECT reference FROM payments
             WHERE open = 1 AND last_news_at <= ? AND (claimed_until IS NULL OR claimed_until <= ?)
             ORDER BY last_news_at LIMIT ?)
           RETURNING record`,
        )
        .all(
          options.now + options.leaseMs,
          options.owner,
          options.before,
          options.now,
          options.limit ?? 50,
        ) as Array<{ record: string }>;
      return rows
        .map((r) => JSON.parse(r.record) as PaymentRecord)
        .sort((a, b) => a.view.lastNewsAt - b.view.lastNewsAt);
    });
  }

  releaseClaim(reference: string, owner: string): Promise<void> {
    return this.serial.run(async () => {
      this.db
        .prepare(
          'UPDATE payments SET claimed_until = NULL, claimed_by = NULL WHERE reference = ? AND claimed_by = ?',
        )
        .run(reference, owner);
    });
  }

  exclusive<T>(name: string, work: () => Promise<T>): Promise<T> {
    let lock = this.locks.get(name);
    if (!lock) this.locks.set(name, (lock = new Serial()));
    return lock.run(work);
  }

  async close(): Promise<void> {
    await this.serial.run(async () => this.db.close());
  }

  getSetting = (...a: Parameters<MerchantData['getSetting']>) => this.call('getSetting', ...a);
  setSetting = (...a: Parameters<MerchantData['setSetting']>) => this.call('setSetting', ...a);
  settingOnce = (...a: Parameters<MerchantData['settingOnce']>) => this.call('settingOnce', ...a);
  next = (...a: Parameters<MerchantData['next']>) => this.call('next', ...a);
  insertPayment = (...a: Parameters<MerchantData['insertPayment']>) => this.call('insertPayment', ...a);
  savePayment = (...a: Parameters<MerchantData['savePayment']>) => this.call('savePayment', ...a);
  getPayment = (...a: Parameters<MerchantData['getPayment']>) => this.call('getPayment', ...a);
  lockPayment = (...a: Parameters<MerchantData['lockPayment']>) => this.call('lockPayment', ...a);
  listPayments = (...a: Parameters<MerchantData['listPayments']>) => this.call('listPayments', ...a);
  listQuietOpenPayments = (...a: Parameters<MerchantData['listQuietOpenPayments']>) =>
    this.call('listQuietOpenPayments', ...a);
  recordWebhookEvent = (...a: Parameters<MerchantData['recordWebhookEvent']>) =>
    this.call('recordWebhookEvent', ...a);
  listWebhookEvents = (...a: Parameters<MerchantData['listWebhookEvents']>) =>
    this.call('listWebhookEvents', ...a);
  startOperation = (...a: Parameters<MerchantData['startOperation']>) => this.call('startOperation', ...a);
  finishOperation = (...a: Parameters<MerchantData['finishOperation']>) => this.call('finishOperation', ...a);
  listOperations = (...a: Parameters<MerchantData['listOperations']>) => this.call('listOperations', ...a);
  operationInDoubt = (...a: Parameters<MerchantData['operationInDoubt']>) =>
    this.call('operationInDoubt', ...a);
  settleDoubts = (...a: Parameters<MerchantData['settleDoubts']>) => this.call('settleDoubts', ...a);
  getCart = (...a: Parameters<MerchantData['getCart']>) => this.call('getCart', ...a);
  saveCart = (...a: Parameters<MerchantData['saveCart']>) => this.call('saveCart', ...a);
  saveShopOrder = (...a: Parameters<MerchantData['saveShopOrder']>) => this.call('saveShopOrder', ...a);
  getShopOrder = (...a: Parameters<MerchantData['getShopOrder']>) => this.call('getShopOrder', ...a);
  listShopOrders = (...a: Parameters<MerchantData['listShopOrders']>) => this.call('listShopOrders', ...a);
  saveLink = (...a: Parameters<MerchantData['saveLink']>) => this.call('saveLink', ...a);
  getLink = (...a: Parameters<MerchantData['getLink']>) => this.call('getLink', ...a);
  listLinks = (...a: Parameters<MerchantData['listLinks']>) => this.call('listLinks', ...a);
  saveInvoice = (...a: Parameters<MerchantData['saveInvoice']>) => this.call('saveInvoice', ...a);
  getInvoice = (...a: Parameters<MerchantData['getInvoice']>) => this.call('getInvoice', ...a);
  listInvoices = (...a: Parameters<MerchantData['listInvoices']>) => this.call('listInvoices', ...a);
  saveCustomer = (...a: Parameters<MerchantData['saveCustomer']>) => this.call('saveCustomer', ...a);
  getCustomer = (...a: Parameters<MerchantData['getCustomer']>) => this.call('getCustomer', ...a);
  listCustomers = (...a: Parameters<MerchantData['listCustomers']>) => this.call('listCustomers', ...a);
}
