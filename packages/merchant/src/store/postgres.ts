import type pg from 'pg';
import type { Line } from '../domain/receipt.js';
import {
  createPool,
  DEFAULT_SCHEMA,
  inTransaction,
  migrate,
  withAdvisoryLock,
  type Queryable,
} from './pg-connection.js';
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

/**
 * The PostgreSQL schema as numbered migrations (applied by `migrate`). The tables follow the SQLite ones column
 * for column; epoch-ms times, minor units and ids are BIGINT, records JSONB, and a `seq` orders rows created in
 * the same millisecond (SQLite's rowid). Never edit a shipped migration: add the next one.
 */
const MIGRATIONS: readonly string[] = [
  // 1
  `CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
   CREATE TABLE counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL);
   CREATE TABLE payments (
     seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
     reference TEXT PRIMARY KEY,
     purpose TEXT NOT NULL,
     owner_id TEXT NOT NULL,
     status TEXT NOT NULL,
     open BOOLEAN NOT NULL,
     last_news_at BIGINT NOT NULL,
     created_at BIGINT NOT NULL,
     claimed_until BIGINT,
     claimed_by TEXT,
     record JSONB NOT NULL
   );
   CREATE INDEX payments_owner ON payments (purpose, owner_id, created_at);
   CREATE INDEX payments_quiet ON payments (last_news_at) WHERE open;
   CREATE TABLE webhook_events (
     seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     reference TEXT NOT NULL,
     psp_reference TEXT NOT NULL,
     name TEXT NOT NULL,
     payload TEXT NOT NULL,
     received_at BIGINT NOT NULL,
     duplicate BOOLEAN NOT NULL
   );
   -- An event is processed once: the first insert of its key wins, whichever process receives it.
   CREATE UNIQUE INDEX webhook_events_once ON webhook_events (reference, psp_reference, name) WHERE NOT duplicate;
   CREATE INDEX webhook_events_reference ON webhook_events (reference, seq);
   CREATE TABLE operations (
     id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     reference TEXT NOT NULL,
     kind TEXT NOT NULL,
     amount BIGINT,
     status TEXT NOT NULL,
     error TEXT,
     created_at BIGINT NOT NULL,
     finished_at BIGINT
   );
   CREATE INDEX operations_reference ON operations (reference, id);
   CREATE TABLE carts (id TEXT PRIMARY KEY, lines JSONB NOT NULL, updated_at BIGINT NOT NULL);
   CREATE TABLE shop_orders (
     seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
     id TEXT PRIMARY KEY,
     created_at BIGINT NOT NULL,
     record JSONB NOT NULL
   );
   CREATE TABLE payment_links (
     seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
     id TEXT PRIMARY KEY,
     created_at BIGINT NOT NULL,
     record JSONB NOT NULL
   );
   CREATE TABLE invoices (
     id TEXT PRIMARY KEY,
     number BIGINT NOT NULL UNIQUE,
     created_at BIGINT NOT NULL,
     record JSONB NOT NULL
   );
   CREATE TABLE customers (phone_number TEXT PRIMARY KEY, created_at BIGINT NOT NULL, record JSONB NOT NULL);`,
];

/** The statements of {@link MerchantData} on a pool (each its own transaction) or on a transaction's client. */
class PostgresData implements MerchantData {
  constructor(
    private readonly db: Queryable,
    /** Whether `db` is a transaction's client (then {@link lockPayment} locks). */
    private readonly inTransaction: boolean,
  ) {}

  private async rows<R extends pg.QueryResultRow>(sql: string, args: unknown[] = []): Promise<R[]> {
    return (await this.db.query<R>(sql, args)).rows;
  }

  async getSetting(key: string): Promise<string | undefined> {
    const [row] = await this.rows<{ value: string }>('SELECT value FROM settings WHERE key = $1', [key]);
    return row?.value;
  }

  async setSetting(key: string, value: string): Promise<void> {
    await this.db.query(
      'INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      [key, value],
    );
  }

  async settingOnce(key: string, value: string): Promise<string> {
    // DO UPDATE with the row's own value locks and answers the kept row in one statement, also for the loser of
    // a race (DO NOTHING would answer no row).
    const [row] = await this.rows<{ value: string }>(
      `INSERT INTO settings (key, value) VALUES ($1, $2)
       ON CONFLICT (key) DO UPDATE SET value = settings.value RETURNING value`,
      [key, value],
    );
    return row!.value;
  }

  async next(name: string): Promise<number> {
    const [row] = await this.rows<{ value: number }>(
      `INSERT INTO counters (name, value) VALUES ($1, 1)
       ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value`,
      [name],
    );
    return row!.value;
  }

  // ---- payments

  async insertPayment(record: PaymentRecord): Promise<void> {
    await this.db.query(
      `INSERT INTO payments (reference, purpose, owner_id, status, open, last_news_at, created_at, record)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        record.reference,
        record.purpose,
        record.ownerId,
        listedStatus(record),
        isOpen(record),
        record.view.lastNewsAt,
        record.createdAt,
        JSON.stringify(record),
      ],
    );
  }

  async savePayment(record: PaymentRecord): Promise<void> {
    await this.db.query(
      'UPDATE payments SET status = $1, open = $2, last_news_at = $3, record = $4 WHERE reference = $5',
      [
        listedStatus(record),
        isOpen(record),
        record.view.lastNewsAt,
        JSON.stringify(record),
        record.reference,
      ],
    );
  }

  async getPayment(reference: string): Promise<PaymentRecord | undefined> {
    const [row] = await this.rows<{ record: PaymentRecord }>(
      'SELECT record FROM payments WHERE reference = $1',
      [reference],
    );
    return row?.record;
  }

  async lockPayment(reference: string): Promise<PaymentRecord | undefined> {
    if (!this.inTransaction) return this.getPayment(reference);
    const [row] = await this.rows<{ record: PaymentRecord }>(
      'SELECT record FROM payments WHERE reference = $1 FOR UPDATE',
      [reference],
    );
    return row?.record;
  }

  async listPayments(
    filter: { purpose?: Purpose; ownerId?: string; limit?: number } = {},
  ): Promise<PaymentRecord[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.purpose) {
      args.push(filter.purpose);
      where.push(`purpose = $${args.length}`);
    }
    if (filter.ownerId !== undefined) {
      args.push(filter.ownerId);
      where.push(`owner_id = $${args.length}`);
    }
    args.push(filter.limit ?? 500);
    const sql = `SELECT record FROM payments ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, seq DESC LIMIT $${args.length}`;
    return (await this.rows<{ record: PaymentRecord }>(sql, args)).map((r) => r.record);
  }

  async listQuietOpenPayments(before: number, limit = 100): Promise<PaymentRecord[]> {
    return (
      await this.rows<{ record: PaymentRecord }>(
        'SELECT record FROM payments WHERE open AND last_news_at <= $1 ORDER BY last_news_at, seq LIMIT $2',
        [before, limit],
      )
    ).map((r) => r.record);
  }

  // ---- webhook events

  async recordWebhookEvent(event: Omit<ReceivedEvent, 'duplicate'>): Promise<boolean> {
    const args = [event.reference, event.pspReference, event.name, event.payload, event.receivedAt];
    // A concurrent insert of the same key waits for the other transaction: when it commits, this one does nothing.
    const first = await this.db.query(
      `INSERT INTO webhook_events (reference, psp_reference, name, payload, received_at, duplicate)
       VALUES ($1, $2, $3, $4, $5, false)
       ON CONFLICT (reference, psp_reference, name) WHERE NOT duplicate DO NOTHING`,
      args,
    );
    if (first.rowCount === 1) return true;
    await this.db.query(
      `INSERT INTO webhook_events (reference, psp_reference, name, payload, received_at, duplicate)
       VALUES ($1, $2, $3, $4, $5, true)`,
      args,
    );
    return false;
  }

  async listWebhookEvents(reference: string): Promise<ReceivedEvent[]> {
    return (
      await this.rows<WebhookEventRow>(
        `SELECT ${WEBHOOK_EVENT_COLUMNS} FROM webhook_events WHERE reference = $1 ORDER BY seq`,
        [reference],
      )
    ).map(eventOfRow);
  }

  // ---- operations

  async startOperation(op: NewOperation): Promise<OperationRecord> {
    const [row] = await this.rows<{ id: number }>(
      `INSERT INTO operations (reference, kind, amount, status, created_at) VALUES ($1, $2, $3, 'pending', $4)
       RETURNING id`,
      [op.reference, op.kind, op.amount ?? null, op.at],
    );
    return startedOperation(row!.id, op);
  }

  async finishOperation(
    id: number,
    status: 'done' | 'failed' | 'doubt',
    at: number,
    error?: string,
  ): Promise<void> {
    await this.db.query('UPDATE operations SET status = $1, error = $2, finished_at = $3 WHERE id = $4', [
      status,
      error ?? null,
      at,
      id,
    ]);
  }

  async listOperations(reference: string): Promise<OperationRecord[]> {
    return (
      await this.rows<OperationRow>('SELECT * FROM operations WHERE reference = $1 ORDER BY id', [reference])
    ).map(operationOfRow);
  }

  async operationInDoubt(reference: string): Promise<boolean> {
    const rows = await this.rows(
      "SELECT 1 FROM operations WHERE reference = $1 AND status = 'doubt' LIMIT 1",
      [reference],
    );
    return rows.length > 0;
  }

  async settleDoubts(reference: string, at: number): Promise<void> {
    await this.db.query(
      `UPDATE operations SET status = 'done', error = 'settled by reconciliation: see the payment', finished_at = $1
       WHERE reference = $2 AND status = 'doubt'`,
      [at, reference],
    );
  }

  // ---- carts and shop orders

  async getCart(id: string): Promise<Line[]> {
    const [row] = await this.rows<{ lines: Line[] }>('SELECT lines FROM carts WHERE id = $1', [id]);
    return row?.lines ?? [];
  }

  async saveCart(id: string, lines: Line[], at: number): Promise<void> {
    await this.db.query(
      `INSERT INTO carts (id, lines, updated_at) VALUES ($1, $2, $3)
       ON CONFLICT (id) DO UPDATE SET lines = excluded.lines, updated_at = excluded.updated_at`,
      [id, JSON.stringify(lines), at],
    );
  }

  async saveShopOrder(order: ShopOrder): Promise<void> {
    await this.db.query(
      `INSERT INTO shop_orders (id, created_at, record) VALUES ($1, $2, $3)
       ON CONFLICT (id) DO UPDATE SET record = excluded.record`,
      [order.id, order.createdAt, JSON.stringify(order)],
    );
  }

  async getShopOrder(id: string): Promise<ShopOrder | undefined> {
    const [row] = await this.rows<{ record: ShopOrder }>('SELECT record FROM shop_orders WHERE id = $1', [
      id,
    ]);
    return row?.record;
  }

  async listShopOrders(limit = 200): Promise<ShopOrder[]> {
    return (
      await this.rows<{ record: ShopOrder }>(
        'SELECT record FROM shop_orders ORDER BY created_at DESC, seq DESC LIMIT $1',
        [limit],
      )
    ).map((r) => r.record);
  }

  // ---- links

  async saveLink(link: PaymentLink): Promise<void> {
    await this.db.query(
      `INSERT INTO payment_links (id, created_at, record) VALUES ($1, $2, $3)
       ON CONFLICT (id) DO UPDATE SET record = excluded.record`,
      [link.id, link.createdAt, JSON.stringify(link)],
    );
  }

  async getLink(id: string): Promise<PaymentLink | undefined> {
    const [row] = await this.rows<{ record: PaymentLink }>('SELECT record FROM payment_links WHERE id = $1', [
      id,
    ]);
    return row?.record;
  }

  async listLinks(limit = 200): Promise<PaymentLink[]> {
    return (
      await this.rows<{ record: PaymentLink }>(
        'SELECT record FROM payment_links ORDER BY created_at DESC, seq DESC LIMIT $1',
        [limit],
      )
    ).map((r) => r.record);
  }

  // ---- invoices

  async saveInvoice(invoice: Invoice): Promise<void> {
    await this.db.query(
      `INSERT INTO invoices (id, number, created_at, record) VALUES ($1, $2, $3, $4)
       ON CONFLICT (id) DO UPDATE SET record = excluded.record`,
      [invoice.id, invoice.number, invoice.createdAt, JSON.stringify(invoice)],
    );
  }

  async getInvoice(id: string): Promise<Invoice | undefined> {
    const [row] = await this.rows<{ record: Invoice }>('SELECT record FROM invoices WHERE id = $1', [id]);
    return row?.record;
  }

  async listInvoices(limit = 200): Promise<Invoice[]> {
    return (
      await this.rows<{ record: Invoice }>('SELECT record FROM invoices ORDER BY number DESC LIMIT $1', [
        limit,
      ])
    ).map((r) => r.record);
  }

  // ---- customers

  async saveCustomer(customer: Customer): Promise<void> {
    // One statement, so that two processes storing one customer at once merge rather than overwrite: the new
    // fields win (JSON drops the absent name or sub, so the stored ones stay), createdAt stays the first.
    await this.db.query(
      `INSERT INTO customers (phone_number, created_at, record) VALUES ($1, $2, $3)
       ON CONFLICT (phone_number) DO UPDATE SET
         record = customers.record || excluded.record || jsonb_build_object('createdAt', customers.created_at)`,
      [customer.phoneNumber, customer.createdAt, JSON.stringify(customer)],
    );
  }

  async getCustomer(phoneNumber: string): Promise<Customer | undefined> {
    const [row] = await this.rows<{ record: Customer }>(
      'SELECT record FROM customers WHERE phone_number = $1',
      [phoneNumber],
    );
    return row?.record;
  }

  async listCustomers(limit = 500): Promise<Customer[]> {
    return (
      await this.rows<{ record: Customer }>(
        'SELECT record FROM customers ORDER BY created_at DESC, phone_number LIMIT $1',
        [limit],
      )
    ).map((r) => r.record);
  }
}

/** Options of {@link PostgresMerchantStore.open}. */
export interface PostgresStoreOptions {
  /** The schema of the merchant's tables (default `merchant`); created when missing. */
  schema?: string;
  /** Connections at most (default 10). */
  max?: number;
}

/**
 * The merchant's store on PostgreSQL (`pg`), for several merchant processes on one database: every call is its
 * own statement on the pool, a transaction runs on one client, changes to one payment are serialized with
 * `SELECT ... FOR UPDATE` ({@link MerchantData.lockPayment}), a webhook event is recorded once by its unique key
 * with `INSERT ... ON CONFLICT DO NOTHING`, and reconciliation claims payments with `FOR UPDATE SKIP LOCKED` and a
 * lease. The tables live in their own schema (default `merchant`), so the merchant may share the platform's
 * database. Open it with {@link PostgresMerchantStore.open}, which migrates.
 */
export class PostgresMerchantStore extends PostgresData implements MerchantStore {
  readonly kind = 'postgres' as const;

  private constructor(
    readonly pool: pg.Pool,
    private readonly schema: string,
  ) {
    super(pool, false);
  }

  /**
   * Connects to `url` (`postgres://user@host:port/database`) and applies the migrations not applied yet (under
   * an advisory lock, so processes starting together migrate once). Rejects with the database's error when it
   * cannot be reached or migrated (the pool is closed then).
   */
  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresMerchantStore> {
    const schema = options.schema ?? DEFAULT_SCHEMA;
    const pool = createPool(url, schema, options.max);
    try {
      await migrate(pool, schema, MIGRATIONS);
    } catch (error) {
      await pool.end();
      throw error;
    }
    return new PostgresMerchantStore(pool, schema);
  }

  transaction<T>(work: (tx: MerchantData) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, (client) => work(new PostgresData(client, true)));
  }

  async claimQuietOpenPayments(options: ClaimOptions): Promise<PaymentRecord[]> {
    const { rows } = await this.pool.query<{ record: PaymentRecord }>(
      `UPDATE payments SET claimed_until = $1, claimed_by = $2 WHERE reference IN (
         SELECT reference FROM payments
         WHERE open AND last_news_at <= $3 AND (claimed_until IS NULL OR claimed_until <= $4)
         ORDER BY last_news_at, seq LIMIT $5
         FOR UPDATE SKIP LOCKED)
       RETURNING record`,
      [options.now + options.leaseMs, options.owner, options.before, options.now, options.limit ?? 50],
    );
    return rows.map((r) => r.record).sort((a, b) => a.view.lastNewsAt - b.view.lastNewsAt);
  }

  async releaseClaim(reference: string, owner: string): Promise<void> {
    await this.pool.query(
      'UPDATE payments SET claimed_until = NULL, claimed_by = NULL WHERE reference = $1 AND claimed_by = $2',
      [reference, owner],
    );
  }

  exclusive<T>(name: string, work: () => Promise<T>): Promise<T> {
    return withAdvisoryLock(this.pool, `${this.schema}:${name}`, work);
  }

  async close(): Promise<void> {
    if (!this.pool.ended) await this.pool.end();
  }
}
