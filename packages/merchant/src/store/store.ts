import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Receipt } from '@betal/contract';
import { derive, type PaymentStatus, type PaymentView } from '../domain/order-status.js';
import type { Line } from '../domain/receipt.js';

/**
 * The merchant's own embedded store (SQLite through better-sqlite3): its payments and its view of each, the
 * webhook events it has processed, its capture/refund/cancel operations, the shop's carts and orders, payment
 * links, invoices, customers with their consent, and settings (the webhook registration). Every method is
 * synchronous; {@link MerchantStore.transaction} makes a read-decide-write atomic.
 */

/** Why the merchant asked for a payment: the shop (seed 002), a link (000/003), a direct request (001), an invoice (004). */
export type Purpose = 'shop' | 'link' | 'direct' | 'invoice';

/** The status of a payment as listed: the derived status, or FAILED when create was refused. */
export type ListedStatus = PaymentStatus | 'FAILED';

/** One payment the merchant asked for, with its view of it and what it still has to do. Times are epoch ms. */
export interface PaymentRecord {
  /** The ePayment reference (= Order Management orderId), the merchant's own id of the payment. */
  reference: string;
  purpose: Purpose;
  /** Id of what it pays: shop order id, link id, invoice id, or the customer's phone number (direct). */
  ownerId: string;
  /** Minor units. */
  amount: number;
  currency: string;
  description: string;
  userFlow: 'WEB_REDIRECT' | 'PUSH_MESSAGE';
  /** `customer.phoneNumber` sent with create, if any. */
  phoneNumber?: string;
  /** `profile.scope` asked for, if any (e.g. `phoneNumber`). */
  scope?: string;
  receipt: Receipt;
  /** Whether the receipt went with create (then Order Management needs no receipt). */
  receiptInCreate: boolean;
  /** When the receipt reached Order Management (or create), once it did. */
  receiptAttachedAt?: number;
  /** Whether the merchant captures it as soon as it is authorized (invoices). */
  autoCapture: boolean;
  /** `expiresAt` of a long-living payment (RFC 3339). */
  expiresAt?: string;
  /** Where the customer goes to approve (WEB_REDIRECT), from create. */
  redirectUrl?: string;
  /** Why create was refused, when it was (the payment never existed on the platform). */
  createError?: string;
  /** The last follow-up that failed (receipt, Userinfo, capture), shown on the pages and retried. */
  followUpError?: string;
  /** When the customer's phone number was stored from Userinfo (profile sharing), once it was. */
  customerSavedAt?: number;
  /** Set while one of the merchant's operations ended without a clear answer (timeout, 5xx): query to settle it. */
  inDoubt?: boolean;
  view: PaymentView;
  createdAt: number;
  updatedAt: number;
}

/** One of the merchant's own operations on a payment; its id goes into the Idempotency-Key. */
export interface OperationRecord {
  id: number;
  reference: string;
  kind: 'capture' | 'refund' | 'cancel';
  /** Minor units (undefined for cancel). */
  amount?: number;
  /** `pending` while in flight, `done`, `failed` (refused: the platform said no), `doubt` (no clear answer). */
  status: 'pending' | 'done' | 'failed' | 'doubt';
  error?: string;
  createdAt: number;
  finishedAt?: number;
}

/** A webhook event as received: its pspReference, name, the raw body and when it came. */
export interface ReceivedEvent {
  reference: string;
  pspReference: string;
  name: string;
  payload: string;
  receivedAt: number;
  /** Whether it was a duplicate of one already processed (kept for the history only, not applied). */
  duplicate: boolean;
}

/** An order of the shop: its lines, total, and its payment. */
export interface ShopOrder {
  id: string;
  lines: Line[];
  /** Minor units, VAT included. */
  total: number;
  currency: string;
  reference: string;
  shippedAt?: number;
  createdAt: number;
}

/** A payment link (seed 000; with `sharePhone`, seed 003): an amount and a description, paid at most once. */
export interface PaymentLink {
  id: string;
  /** Minor units. */
  amount: number;
  currency: string;
  description: string;
  /** Ask the customer to share the phone number (profile scope `phoneNumber`, seed 003). */
  sharePhone: boolean;
  createdAt: number;
}

/** An invoice (seed 004), hosted on the merchant's invoice page. */
export interface Invoice {
  id: string;
  /** Sequential invoice number. */
  number: number;
  customerName: string;
  /** The customer's phone number, if the merchant has it. */
  phoneNumber?: string;
  lines: Line[];
  /** Minor units, VAT included. */
  total: number;
  currency: string;
  /** `YYYY-MM-DD`. */
  dueDate: string;
  /** RFC 3339: end of the due date, the `expiresAt` of its payment request. */
  expiresAt: string;
  createdAt: number;
}

/** A customer whose phone number the merchant holds, with the consent to send payment requests to the app. */
export interface Customer {
  phoneNumber: string;
  name?: string;
  /** The `sub` the customer has for this MSN (contract 3.13), when it came from profile sharing. */
  sub?: string;
  /** Where the consent comes from: `profile sharing in <reference>` or `given to the merchant`. */
  consentSource: string;
  consentAt: number;
  createdAt: number;
}

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
];

/** The status a record is listed with. */
export function listedStatus(record: PaymentRecord): ListedStatus {
  return record.createError !== undefined ? 'FAILED' : derive(record.view).status;
}

/**
 * Whether a record may still need a query: not refused, and not final-and-confirmed (a final state whose latest
 * query is newer than its latest event), or with a follow-up still to do. Kept as a column so that the
 * reconciler reads only these.
 */
function isOpen(record: PaymentRecord): boolean {
  if (record.createError !== undefined) return false;
  if (record.inDoubt) return true;
  const d = derive(record.view);
  if (d.state === 'CREATED') return true;
  const v = record.view;
  if (v.lastQueriedAt === undefined) return true;
  if (v.lastEventAt !== undefined && v.lastEventAt > v.lastQueriedAt) return true;
  if (record.followUpError !== undefined) return true;
  return d.state === 'AUTHORIZED' && (followUpsPending(record) || (record.autoCapture && d.capturable > 0));
}

/** Whether the merchant still has something to do after authorization: attach the receipt, store the customer. */
export function followUpsPending(record: PaymentRecord): boolean {
  if (record.receiptAttachedAt === undefined) return true;
  return wantsPhone(record) && record.customerSavedAt === undefined;
}

/** Whether the payment asked the customer to share the phone number (seed 003). */
export function wantsPhone(record: PaymentRecord): boolean {
  return (record.scope ?? '').split(' ').includes('phoneNumber');
}

/** The merchant's SQLite store; `:memory:` for tests. */
export class MerchantStore {
  readonly db: Database.Database;

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
  }

  /** Runs `fn` in one transaction: all its writes commit together or not at all. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  close(): void {
    this.db.close();
  }

  getSetting(key: string): string | undefined {
    const row = this.db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as
      { value: string } | undefined;
    return row?.value;
  }

  setSetting(key: string, value: string): void {
    this.db
      .prepare(
        'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      )
      .run(key, value);
  }

  /** The next number of a counter (1, 2, 3...), e.g. invoice numbers. */
  next(name: string): number {
    const row = this.db
      .prepare(
        'INSERT INTO counters (name, value) VALUES (?, 1) ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value',
      )
      .get(name) as { value: number };
    return row.value;
  }

  // ---- payments

  /** Stores a new payment record; throws when its reference exists. */
  insertPayment(record: PaymentRecord): void {
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

  /** Replaces a payment record (by reference). */
  savePayment(record: PaymentRecord): void {
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

  getPayment(reference: string): PaymentRecord | undefined {
    const row = this.db.prepare('SELECT record FROM payments WHERE reference = ?').get(reference) as
      { record: string } | undefined;
    return row ? (JSON.parse(row.record) as PaymentRecord) : undefined;
  }

  /** Payments, newest first: all, of one purpose, or of one owner. */
  listPayments(filter: { purpose?: Purpose; ownerId?: string; limit?: number } = {}): PaymentRecord[] {
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

  /** Open payments (see isOpen) with no news since `before` (epoch ms), oldest news first, at most `limit`. */
  listQuietOpenPayments(before: number, limit = 100): PaymentRecord[] {
    return (
      this.db
        .prepare(
          'SELECT record FROM payments WHERE open = 1 AND last_news_at <= ? ORDER BY last_news_at LIMIT ?',
        )
        .all(before, limit) as Array<{ record: string }>
    ).map((r) => JSON.parse(r.record) as PaymentRecord);
  }

  // ---- webhook events

  /**
   * Records a received webhook event. Answers true the first time its (reference, pspReference) is seen, false
   * for a duplicate (which is kept in the history, marked so).
   */
  recordWebhookEvent(event: Omit<ReceivedEvent, 'duplicate'>): boolean {
    const seen = this.db
      .prepare('SELECT 1 FROM webhook_events WHERE reference = ? AND psp_reference = ? AND duplicate = 0')
      .get(event.reference, event.pspReference);
    this.db
      .prepare(
        'INSERT INTO webhook_events (reference, psp_reference, name, payload, received_at, duplicate) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(event.reference, event.pspReference, event.name, event.payload, event.receivedAt, seen ? 1 : 0);
    return !seen;
  }

  /** The webhook events received for a payment, in order of arrival. */
  listWebhookEvents(reference: string): ReceivedEvent[] {
    return (
      this.db
        .prepare(
          'SELECT reference, psp_reference, name, payload, received_at, duplicate FROM webhook_events WHERE reference = ? ORDER BY seq',
        )
        .all(reference) as Array<{
        reference: string;
        psp_reference: string;
        name: string;
        payload: string;
        received_at: number;
        duplicate: number;
      }>
    ).map((r) => ({
      reference: r.reference,
      pspReference: r.psp_reference,
      name: r.name,
      payload: r.payload,
      receivedAt: r.received_at,
      duplicate: r.duplicate === 1,
    }));
  }

  // ---- operations

  /** Starts an operation (status `pending`) and answers it with its id. */
  startOperation(op: {
    reference: string;
    kind: OperationRecord['kind'];
    amount?: number;
    at: number;
  }): OperationRecord {
    const row = this.db
      .prepare(
        "INSERT INTO operations (reference, kind, amount, status, created_at) VALUES (?, ?, ?, 'pending', ?) RETURNING id",
      )
      .get(op.reference, op.kind, op.amount ?? null, op.at) as { id: number };
    return {
      id: row.id,
      reference: op.reference,
      kind: op.kind,
      ...(op.amount !== undefined ? { amount: op.amount } : {}),
      status: 'pending',
      createdAt: op.at,
    };
  }

  /** Ends an operation as done, failed (refused) or in doubt, with the error for people. */
  finishOperation(id: number, status: 'done' | 'failed' | 'doubt', at: number, error?: string): void {
    this.db
      .prepare('UPDATE operations SET status = ?, error = ?, finished_at = ? WHERE id = ?')
      .run(status, error ?? null, at, id);
  }

  listOperations(reference: string): OperationRecord[] {
    return (
      this.db.prepare('SELECT * FROM operations WHERE reference = ? ORDER BY id').all(reference) as Array<{
        id: number;
        reference: string;
        kind: OperationRecord['kind'];
        amount: number | null;
        status: OperationRecord['status'];
        error: string | null;
        created_at: number;
        finished_at: number | null;
      }>
    ).map((r) => ({
      id: r.id,
      reference: r.reference,
      kind: r.kind,
      ...(r.amount !== null ? { amount: r.amount } : {}),
      status: r.status,
      ...(r.error !== null ? { error: r.error } : {}),
      createdAt: r.created_at,
      ...(r.finished_at !== null ? { finishedAt: r.finished_at } : {}),
    }));
  }

  /** Whether an operation on the payment ended without a clear answer and was not settled since. */
  operationInDoubt(reference: string): boolean {
    return (
      this.db.prepare("SELECT 1 FROM operations WHERE reference = ? AND status = 'doubt'").get(reference) !==
      undefined
    );
  }

  /** Marks the payment's operations in doubt as settled by a query (they are `done` or not, the query says). */
  settleDoubts(reference: string, at: number): void {
    this.db
      .prepare(
        "UPDATE operations SET status = 'done', error = 'settled by reconciliation: see the payment', finished_at = ? WHERE reference = ? AND status = 'doubt'",
      )
      .run(at, reference);
  }

  // ---- carts and shop orders

  getCart(id: string): Line[] {
    const row = this.db.prepare('SELECT lines FROM carts WHERE id = ?').get(id) as
      { lines: string } | undefined;
    return row ? (JSON.parse(row.lines) as Line[]) : [];
  }

  saveCart(id: string, lines: Line[], at: number): void {
    this.db
      .prepare(
        'INSERT INTO carts (id, lines, updated_at) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET lines = excluded.lines, updated_at = excluded.updated_at',
      )
      .run(id, JSON.stringify(lines), at);
  }

  saveShopOrder(order: ShopOrder): void {
    this.db
      .prepare(
        'INSERT INTO shop_orders (id, created_at, record) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET record = excluded.record',
      )
      .run(order.id, order.createdAt, JSON.stringify(order));
  }

  getShopOrder(id: string): ShopOrder | undefined {
    const row = this.db.prepare('SELECT record FROM shop_orders WHERE id = ?').get(id) as
      { record: string } | undefined;
    return row ? (JSON.parse(row.record) as ShopOrder) : undefined;
  }

  listShopOrders(limit = 200): ShopOrder[] {
    return (
      this.db
        .prepare('SELECT record FROM shop_orders ORDER BY created_at DESC, rowid DESC LIMIT ?')
        .all(limit) as Array<{
        record: string;
      }>
    ).map((r) => JSON.parse(r.record) as ShopOrder);
  }

  // ---- links

  saveLink(link: PaymentLink): void {
    this.db
      .prepare(
        'INSERT INTO payment_links (id, created_at, record) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET record = excluded.record',
      )
      .run(link.id, link.createdAt, JSON.stringify(link));
  }

  getLink(id: string): PaymentLink | undefined {
    const row = this.db.prepare('SELECT record FROM payment_links WHERE id = ?').get(id) as
      { record: string } | undefined;
    return row ? (JSON.parse(row.record) as PaymentLink) : undefined;
  }

  listLinks(limit = 200): PaymentLink[] {
    return (
      this.db
        .prepare('SELECT record FROM payment_links ORDER BY created_at DESC, rowid DESC LIMIT ?')
        .all(limit) as Array<{
        record: string;
      }>
    ).map((r) => JSON.parse(r.record) as PaymentLink);
  }

  // ---- invoices

  saveInvoice(invoice: Invoice): void {
    this.db
      .prepare(
        'INSERT INTO invoices (id, number, created_at, record) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET record = excluded.record',
      )
      .run(invoice.id, invoice.number, invoice.createdAt, JSON.stringify(invoice));
  }

  getInvoice(id: string): Invoice | undefined {
    const row = this.db.prepare('SELECT record FROM invoices WHERE id = ?').get(id) as
      { record: string } | undefined;
    return row ? (JSON.parse(row.record) as Invoice) : undefined;
  }

  listInvoices(limit = 200): Invoice[] {
    return (
      this.db.prepare('SELECT record FROM invoices ORDER BY number DESC LIMIT ?').all(limit) as Array<{
        record: string;
      }>
    ).map((r) => JSON.parse(r.record) as Invoice);
  }

  // ---- customers

  /** Stores a customer, or updates the one with the same phone number (keeping when it was first stored). */
  saveCustomer(customer: Customer): void {
    const existing = this.getCustomer(customer.phoneNumber);
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

  getCustomer(phoneNumber: string): Customer | undefined {
    const row = this.db.prepare('SELECT record FROM customers WHERE phone_number = ?').get(phoneNumber) as
      { record: string } | undefined;
    return row ? (JSON.parse(row.record) as Customer) : undefined;
  }

  listCustomers(limit = 500): Customer[] {
    return (
      this.db.prepare('SELECT record FROM customers ORDER BY created_at DESC LIMIT ?').all(limit) as Array<{
        record: string;
      }>
    ).map((r) => JSON.parse(r.record) as Customer);
  }
}
