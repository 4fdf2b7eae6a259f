import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Payment } from '../../domain/payment.js';
import type { SalesUnit } from '../../domain/sales-unit.js';
import type { TestUser } from '../../domain/test-user.js';
import type {
  CommittedChange,
  Consent,
  IdempotencyRecord,
  PaymentWrite,
  PaymentCommand,
  Storage,
  StoredPaymentEvent,
} from '../ports.js';
import { StoreBusyError, isStoreBusy, type StoreCause } from '../busy.js';
import { SqliteInbox } from './inbox.js';
import { searchSqlitePayments } from './payment-search.js';
import type { PaymentPage, PaymentSearch } from '../payment-search.js';
import { SqliteOrderManagementStore } from './order-management.js';
import { SqliteSnapshots } from './snapshots.js';
import {
  DATA_TABLES,
  eventOfRow,
  merchantDataDeletes,
  paymentOfRow,
  rowOfPayment,
  type EventRow,
  type PaymentRow,
} from '../rows.js';
import { SqliteWebhookStore } from './webhooks.js';

/**
 * How long one SQLite statement may wait for a lock, in ms. It blocks the event loop while it waits, so it is kept
 * tiny: longer waits happen between attempts, on timers (see {@link SqliteStore.execute}).
 */
export const BUSY_TIMEOUT_MS = 5;
/** The longest pause between two attempts of a group commit that found the database locked, in ms. */
const MAX_RETRY_PAUSE_MS = 50;

/** Options of {@link SqliteStore}. */
export interface SqliteStoreOptions {
  /**
   * How long a queued write waits for the write lock, in ms of real time, before it is refused with
   * StoreBusyError (nothing written; the caller may retry). Default 250.
   */
  lockWaitMs?: number;
}

const CORE_MIGRATIONS: string[] = [
  `CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
   CREATE TABLE sales_units (
     msn TEXT PRIMARY KEY,
     client_id TEXT NOT NULL UNIQUE,
     data TEXT NOT NULL
   );
   CREATE TABLE test_users (
     phone_number TEXT PRIMARY KEY,
     customer_token TEXT NOT NULL UNIQUE,
     data TEXT NOT NULL
   );
   CREATE TABLE payments (
     msn TEXT NOT NULL,
     reference TEXT NOT NULL,
     psp_reference TEXT NOT NULL,
     state TEXT NOT NULL,
     currency TEXT NOT NULL,
     value INTEGER NOT NULL,
     authorized INTEGER NOT NULL,
     captured INTEGER NOT NULL,
     refunded INTEGER NOT NULL,
     cancelled INTEGER NOT NULL,
     user_flow TEXT NOT NULL,
     payment_method TEXT NOT NULL,
     token TEXT NOT NULL UNIQUE,
     redirect_url TEXT,
     sub TEXT,
     authorized_by TEXT,
     created_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL,
     details TEXT NOT NULL,
     PRIMARY KEY (msn, reference),
     CHECK (state <> 'AUTHORIZED' OR captured + cancelled <= authorized),
     CHECK (refunded <= captured)
   ) WITHOUT ROWID;
   CREATE INDEX payments_overdue ON payments (expires_at) WHERE state = 'CREATED';
   CREATE INDEX payments_newest ON payments (msn, created_at);
   CREATE TABLE payment_events (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     msn TEXT NOT NULL,
     reference TEXT NOT NULL,
     psp_reference TEXT NOT NULL,
     name TEXT NOT NULL,
     currency TEXT NOT NULL,
     amount INTEGER NOT NULL,
     timestamp INTEGER NOT NULL,
     idempotency_key TEXT,
     success INTEGER NOT NULL
   );
   CREATE INDEX payment_events_payment ON payment_events (msn, reference, seq);
   CREATE TABLE idempotency_keys (
     msn TEXT NOT NULL,
     key TEXT NOT NULL,
     operation TEXT NOT NULL,
     reference TEXT NOT NULL,
     fingerprint TEXT NOT NULL,
     status INTEGER NOT NULL,
     body TEXT,
     PRIMARY KEY (msn, key)
   ) WITHOUT ROWID;`,
  `CREATE TABLE consents (
     msn TEXT NOT NULL,
     phone_number TEXT NOT NULL,
     sub TEXT NOT NULL,
     scopes TEXT NOT NULL,
     granted_at INTEGER NOT NULL,
     PRIMARY KEY (msn, phone_number)
   ) WITHOUT ROWID;
   CREATE UNIQUE INDEX consents_sub ON consents (msn, sub);`,
  // Payments move to a rowid table: their rows (with the JSON details) are too wide for WITHOUT ROWID, which
  // keeps whole rows in the primary-key b-tree and showed as the largest cost of create under load. The newest-first
  // listing walks the rowid backwards instead of keeping an index of its own on every create.
  `CREATE TABLE payments_rowid (
     id INTEGER PRIMARY KEY,
     msn TEXT NOT NULL,
     reference TEXT NOT NULL,
     psp_reference TEXT NOT NULL,
     state TEXT NOT NULL,
     currency TEXT NOT NULL,
     value INTEGER NOT NULL,
     authorized INTEGER NOT NULL,
     captured INTEGER NOT NULL,
     refunded INTEGER NOT NULL,
     cancelled INTEGER NOT NULL,
     user_flow TEXT NOT NULL,
     payment_method TEXT NOT NULL,
     token TEXT NOT NULL UNIQUE,
     redirect_url TEXT,
     sub TEXT,
     authorized_by TEXT,
     created_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL,
     details TEXT NOT NULL,
     UNIQUE (msn, reference),
     CHECK (state <> 'AUTHORIZED' OR captured + cancelled <= authorized),
     CHECK (refunded <= captured)
   );
   INSERT INTO payments_rowid (msn, reference, psp_reference, state, currency, value, authorized, captured, refunded,
     cancelled, user_flow, payment_method, token, redirect_url, sub, authorized_by, created_at, expires_at, details)
   SELECT msn, reference, psp_reference, state, currency, value, authorized, captured, refunded, cancelled, user_flow,
     payment_method, token, redirect_url, sub, authorized_by, created_at, expires_at, details
   FROM payments ORDER BY created_at;
   DROP TABLE payments;
   ALTER TABLE payments_rowid RENAME TO payments;
   CREATE INDEX payments_overdue ON payments (expires_at) WHERE state = 'CREATED';`,
  // Idempotency keys are scoped per sales unit, payment and operation (issue #9): integrations send one key for
  // a payment's create, capture, refund and cancel, or one key for every order's cancel, and each is a request
  // of its own.
  `CREATE TABLE idempotency_keys_scoped (
     msn TEXT NOT NULL,
     reference TEXT NOT NULL,
     operation TEXT NOT NULL,
     key TEXT NOT NULL,
     fingerprint TEXT NOT NULL,
     status INTEGER NOT NULL,
     body TEXT,
     PRIMARY KEY (msn, reference, operation, key)
   ) WITHOUT ROWID;
   INSERT INTO idempotency_keys_scoped (msn, reference, operation, key, fingerprint, status, body)
   SELECT msn, reference, operation, key, fingerprint, status, body FROM idempotency_keys;
   DROP TABLE idempotency_keys;
   ALTER TABLE idempotency_keys_scoped RENAME TO idempotency_keys;`,
];

/** The deletes of one MSN's data ({@link SqliteStore.deleteMerchant}), children before parents. */
const MERCHANT_DATA_DELETES: readonly string[] = merchantDataDeletes('$msn');

/** Every table of data, children before parents ({@link SqliteStore.deleteEverything}; settings apart). */
const EVERY_TABLE: readonly string[] = DATA_TABLES;

interface ConsentRow {
  msn: string;
  phone_number: string;
  sub: string;
  scopes: string;
  granted_at: number;
}

function toConsent(row: ConsentRow): Consent {
  return {
    msn: row.msn,
    phoneNumber: row.phone_number,
    sub: row.sub,
    scopes: row.scopes.split(' ').filter(Boolean),
    grantedAt: row.granted_at,
  };
}

/** Runs `PRAGMA quick_check` and returns its findings: empty when the file is sound. */
function quickCheck(db: Database.Database): string[] {
  try {
    const rows = db.pragma('quick_check') as Array<{ quick_check: string }>;
    return rows.map((r) => r.quick_check).filter((r) => r !== 'ok');
  } catch (error) {
    return [(error as Error).message];
  }
}

/**
 * The first `:memory:` database of this process, freshly migrated (every module's tables, no data), as
 * serialized by better-sqlite3; later `:memory:` stores are opened from it.
 */
let memoryTemplate: Buffer | undefined;

/**
 * What a feature's tables need of the SQLite file: the connection, and {@link SqliteStore.migrate} to create and
 * upgrade them under their own module name.
 */
export interface SqliteConnection {
  readonly db: Database.Database;
  migrate(module: string, migrations: readonly string[]): void;
}

/**
 * The embedded default storage: one SQLite file in WAL mode (or `:memory:`). better-sqlite3 is synchronous, so a
 * command's read, decision and write run in one transaction with no other code in between: SQLite's single
 * writer is the serialization DESIGN.md asks for. `synchronous = NORMAL` in WAL keeps every committed
 * transaction across a crash of the process (kill -9); only a power loss could take the last ones.
 *
 * The outbox contract (`OutboxPort` in ports.ts) holds because `seq` is an AUTOINCREMENT assigned inside the write
 * transaction and SQLite has one writer: positions are handed out in commit order, and a reader sees a committed
 * prefix. The feature ports (webhooks, Order Management, the customer inbox) keep their tables in the same file.
 */
export class SqliteStore implements Storage, SqliteConnection {
  /** The connection, shared with the feature ports' tables (see {@link SqliteConnection}). */
  readonly db: Database.Database;
  readonly webhooks: SqliteWebhookStore;
  readonly orderManagement: SqliteOrderManagementStore;
  readonly inbox: SqliteInbox;
  readonly snapshots: SqliteSnapshots;
  private readonly stmt;
  private readonly commitListeners = new Set<(commit: CommittedChange) => void>();

  /** What `PRAGMA quick_check` found at start: empty when the file is sound. */
  private readonly damage: string[];
  private readonly lockWaitMs: number;

  /**
   * Opens (or creates) the file at `path`, or an in-memory database for `:memory:`, applies the migrations and
   * runs `PRAGMA quick_check` (its findings are reported by {@link SqliteStore.health}). Throws when the file
   * cannot be opened or migrated.
   */
  constructor(path: string, options: SqliteStoreOptions = {}) {
    this.lockWaitMs = options.lockWaitMs ?? 250;
    const inMemory = path === ':memory:';
    if (!inMemory) mkdirSync(dirname(path), { recursive: true });
    // A `:memory:` database starts as a copy of the first one this process migrated: its migrations are then
    // found applied, so a later in-process start skips them (issue #15).
    this.db = inMemory && memoryTemplate ? new Database(memoryTemplate) : new Database(path);
    // Set first: even switching to WAL must not block the event loop for long on a file another process locks.
    this.db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('cache_size = -65536');
    this.db.pragma('temp_store = MEMORY');
    this.db.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (module TEXT PRIMARY KEY, version INTEGER NOT NULL)',
    );
    this.damage = quickCheck(this.db);
    this.migrate('core', CORE_MIGRATIONS);
    const db = this.db;
    this.stmt = {
      payment: db.prepare<[string, string], PaymentRow>(
        'SELECT * FROM payments WHERE msn = ? AND reference = ?',
      ),
      paymentByToken: db.prepare<[string], PaymentRow>('SELECT * FROM payments WHERE token = ?'),
      insertPayment: db.prepare(
        `INSERT INTO payments (msn, reference, psp_reference, state, currency, value, authorized, captured, refunded,
           cancelled, user_flow, payment_method, token, redirect_url, sub, authorized_by, created_at, expires_at, details)
         VALUES (@msn, @reference, @psp_reference, @state, @currency, @value, @authorized, @captured, @refunded,
           @cancelled, @user_flow, @payment_method, @token, @redirect_url, @sub, @authorized_by, @created_at,
           @expires_at, @details)`,
      ),
      updatePayment: db.prepare(
        `UPDATE payments SET state = @state, authorized = @authorized, captured = @captured, refunded = @refunded,
           cancelled = @cancelled, redirect_url = @redirect_url, sub = @sub, authorized_by = @authorized_by,
           expires_at = @expires_at, details = @details
         WHERE msn = @msn AND reference = @reference`,
      ),
      insertEvent: db.prepare(
        `INSERT INTO payment_events (msn, reference, psp_reference, name, currency, amount, timestamp, idempotency_key, success)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      events: db.prepare<[string, string], EventRow>(
        'SELECT * FROM payment_events WHERE msn = ? AND reference = ? ORDER BY seq',
      ),
      eventsAfter: db.prepare<[number, number], EventRow>(
        'SELECT * FROM payment_events WHERE seq > ? ORDER BY seq LIMIT ?',
      ),
      overdue: db.prepare<[number, number], { msn: string; reference: string }>(
        "SELECT msn, reference FROM payments WHERE state = 'CREATED' AND expires_at <= ? ORDER BY expires_at LIMIT ?",
      ),
      listPayments: db.prepare<[string, number], PaymentRow>(
        'SELECT * FROM payments WHERE msn = ? ORDER BY id DESC LIMIT ?',
      ),
      idempotency: db.prepare<
        [string, string, string, string],
        {
          key: string;
          operation: string;
          reference: string;
          fingerprint: string;
          status: number;
          body: string | null;
        }
      >(
        'SELECT key, operation, reference, fingerprint, status, body FROM idempotency_keys WHERE msn = ? AND reference = ? AND operation = ? AND key = ?',
      ),
      insertIdempotency: db.prepare(
        'INSERT INTO idempotency_keys (msn, key, operation, reference, fingerprint, status, body) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      saveUnit: db.prepare(
        `INSERT INTO sales_units (msn, client_id, data) VALUES (?, ?, ?)
         ON CONFLICT (msn) DO UPDATE SET client_id = excluded.client_id, data = excluded.data`,
      ),
      unitByMsn: db.prepare<[string], { data: string }>('SELECT data FROM sales_units WHERE msn = ?'),
      unitByClientId: db.prepare<[string], { data: string }>(
        'SELECT data FROM sales_units WHERE client_id = ?',
      ),
      units: db.prepare<[], { data: string }>('SELECT data FROM sales_units ORDER BY msn'),
      saveUser: db.prepare(
        `INSERT INTO test_users (phone_number, customer_token, data) VALUES (?, ?, ?)
         ON CONFLICT (phone_number) DO UPDATE SET customer_token = excluded.customer_token, data = excluded.data`,
      ),
      user: db.prepare<[string], { data: string }>('SELECT data FROM test_users WHERE phone_number = ?'),
      userByToken: db.prepare<[string], { data: string }>(
        'SELECT data FROM test_users WHERE customer_token = ?',
      ),
      users: db.prepare<[], { data: string }>('SELECT data FROM test_users ORDER BY phone_number'),
      deleteUser: db.prepare('DELETE FROM test_users WHERE phone_number = ?'),
      saveConsent: db.prepare(
        `INSERT INTO consents (msn, phone_number, sub, scopes, granted_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (msn, phone_number) DO UPDATE SET sub = excluded.sub, scopes = excluded.scopes, granted_at = excluded.granted_at`,
      ),
      consent: db.prepare<[string, string], ConsentRow>(
        'SELECT * FROM consents WHERE msn = ? AND phone_number = ?',
      ),
      consentBySub: db.prepare<[string, string], ConsentRow>(
        'SELECT * FROM consents WHERE msn = ? AND sub = ?',
      ),
      latestSeq: db.prepare<[], { seq: number | null }>('SELECT max(seq) AS seq FROM payment_events'),
      savepoint: db.prepare('SAVEPOINT command'),
      release: db.prepare('RELEASE command'),
      rollbackTo: db.prepare('ROLLBACK TO command'),
      getSetting: db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?'),
      setSetting: db.prepare(
        'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      ),
    };
    this.orderManagement = new SqliteOrderManagementStore(this);
    this.webhooks = new SqliteWebhookStore(this);
    this.inbox = new SqliteInbox(this);
    this.snapshots = new SqliteSnapshots(this);
    if (inMemory) memoryTemplate ??= this.db.serialize();
  }

  /**
   * Applies the migrations of one module that are not applied yet, each in its own transaction. A module's list
   * only ever grows: never edit a migration that has shipped, add the next one.
   */
  migrate(module: string, migrations: readonly string[]): void {
    const row = this.db
      .prepare<[string], { version: number }>('SELECT version FROM schema_migrations WHERE module = ?')
      .get(module);
    for (let v = row?.version ?? 0; v < migrations.length; v++) {
      this.db.transaction(() => {
        this.db.exec(migrations[v] as string);
        this.db
          .prepare(
            'INSERT INTO schema_migrations (module, version) VALUES (?, ?) ON CONFLICT (module) DO UPDATE SET version = excluded.version',
          )
          .run(module, v + 1);
      })();
    }
  }

  onCommit(listener: (commit: CommittedChange) => void): () => void {
    this.commitListeners.add(listener);
    return () => this.commitListeners.delete(listener);
  }

  private readonly runCommand = (
    command: PaymentCommand<unknown>,
  ): { result: unknown; write?: PaymentWrite } => {
    const { msn, reference, idempotencyKey, operation } = command;
    const idemRow =
      idempotencyKey !== undefined && operation !== undefined
        ? this.stmt.idempotency.get(msn, reference, operation, idempotencyKey)
        : undefined;
    const existing: IdempotencyRecord | undefined = idemRow && {
      key: idemRow.key,
      operation: idemRow.operation,
      reference: idemRow.reference,
      fingerprint: idemRow.fingerprint,
      response: {
        status: idemRow.status,
        body: idemRow.body === null ? undefined : JSON.parse(idemRow.body),
      },
    };
    const row = this.stmt.payment.get(msn, reference);
    const outcome = command.decide(row ? paymentOfRow(row) : undefined, existing);
    const write = outcome.write;
    if (write) {
      if (write.payment.msn !== msn || write.payment.reference !== reference) {
        throw new Error('a command may only write its own payment');
      }
      const next = rowOfPayment(write.payment);
      if (write.insert) this.stmt.insertPayment.run(next);
      else this.stmt.updatePayment.run(next);
      for (const e of write.events) {
        this.stmt.insertEvent.run(
          msn,
          reference,
          e.pspReference,
          e.name,
          write.payment.currency,
          e.amount,
          e.timestamp,
          e.idempotencyKey,
          e.success ? 1 : 0,
        );
      }
    }
    if (outcome.remember && idempotencyKey !== undefined && !existing) {
      const body = outcome.remember.response.body;
      this.stmt.insertIdempotency.run(
        msn,
        idempotencyKey,
        outcome.remember.operation,
        reference,
        outcome.remember.fingerprint,
        outcome.remember.response.status,
        body === undefined ? null : JSON.stringify(body),
      );
    }
    return { result: outcome.result, ...(write ? { write } : {}) };
  };

  private queue: Array<{
    command: PaymentCommand<unknown>;
    resolve: (r: unknown) => void;
    reject: (e: unknown) => void;
    /** When it was queued (performance.now(), real ms): it waits for the lock at most `lockWaitMs` from then. */
    queuedAt: number;
  }> = [];
  private flushScheduled = false;
  /** The pause before the next attempt while the database is locked (ms); 0 when the last attempt committed. */
  private retryPauseMs = 0;
  /** Since when (performance.now()) group commits have found the database locked; undefined when not. */
  private lockedSince: number | undefined;

  /**
   * Queues the command for the next group commit: the commands that arrive in the same turn of the event loop run
   * one after another in one transaction, each under its own savepoint (a command that throws is rolled back
   * alone), and are answered only once that transaction has committed. One commit for many requests is what
   * makes SQLite fast under concurrency; the order of commands is kept, so they stay serialized.
   *
   * When another process holds the write lock, the transaction is tried again on later timers (pauses of 1 to
   * 50 ms; each try blocks the event loop for at most {@link BUSY_TIMEOUT_MS}), and a command still waiting after
   * `lockWaitMs` is rejected with StoreBusyError, with nothing of it written.
   */
  execute<R>(command: PaymentCommand<R>): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({
        command,
        resolve: resolve as (r: unknown) => void,
        reject,
        queuedAt: performance.now(),
      });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(this.flush);
      }
    });
  }

  private readonly flush = (): void => {
    this.flushScheduled = false;
    const batch = this.queue;
    this.queue = [];
    const results: Array<
      { ok: true; result: unknown; write?: PaymentWrite } | { ok: false; error: unknown }
    > = [];
    try {
      this.db
        .transaction(() => {
          for (const { command } of batch) {
            this.stmt.savepoint.run();
            try {
              results.push({ ok: true, ...this.runCommand(command) });
              this.stmt.release.run();
            } catch (error) {
              this.stmt.rollbackTo.run();
              this.stmt.release.run();
              results.push({ ok: false, error });
            }
          }
        })
        .immediate();
    } catch (error) {
      // Locked by another process: nothing was committed (better-sqlite3 rolled back), so try again later.
      if (isStoreBusy(error)) return this.retryLater(batch);
      for (const { reject } of batch) reject(error);
      return;
    }
    this.retryPauseMs = 0;
    this.lockedSince = undefined;
    batch.forEach(({ resolve, reject }, i) => {
      const result = results[i];
      if (!result) return reject(new Error('command lost from its batch'));
      if (!result.ok) return reject(result.error);
      if (result.write && this.commitListeners.size > 0) {
        const commit: CommittedChange = { payment: result.write.payment, events: result.write.events };
        for (const listener of this.commitListeners) listener(commit);
      }
      resolve(result.result);
    });
  };

  /** Puts a batch that found the database locked back at the head of the queue, refusing what waited too long. */
  private retryLater(batch: typeof this.queue): void {
    const now = performance.now();
    this.lockedSince ??= now;
    const waiting: typeof this.queue = [];
    for (const item of batch) {
      const waited = now - item.queuedAt;
      if (waited >= this.lockWaitMs) item.reject(new StoreBusyError(waited));
      else waiting.push(item);
    }
    this.queue = waiting.concat(this.queue);
    if (this.queue.length === 0) return;
    this.retryPauseMs = Math.min(MAX_RETRY_PAUSE_MS, Math.max(1, this.retryPauseMs * 2));
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setTimeout(this.flush, this.retryPauseMs);
    }
  }

  /**
   * What is wrong with the store now, for readiness (empty: nothing): damage found by `quick_check` at start, and
   * whether another process holds the write lock (probed with `BEGIN IMMEDIATE`, which waits at most
   * {@link BUSY_TIMEOUT_MS}, then rolled back) or group commits are waiting for it.
   */
  health(): StoreCause[] {
    const causes: StoreCause[] = [];
    if (this.damage.length > 0) {
      causes.push({
        name: 'store-damaged',
        detail: `PRAGMA quick_check found the database file damaged: ${this.damage.slice(0, 5).join('; ')}`,
      });
    }
    // Writes waiting for the lock say so; with none waiting, a probe tells whether the lock is still held.
    let locked = this.lockedSince !== undefined && this.queue.length > 0;
    if (!locked && !this.db.inTransaction) {
      try {
        this.db.exec('BEGIN IMMEDIATE');
        this.db.exec('ROLLBACK');
        this.lockedSince = undefined;
      } catch (error) {
        if (!isStoreBusy(error)) throw error;
        locked = true;
      }
    }
    if (locked) {
      const since =
        this.lockedSince === undefined ? '' : ` for ${Math.round(performance.now() - this.lockedSince)} ms`;
      causes.push({
        name: 'store-locked',
        detail: `Another process holds the database's write lock${since}: reads are answered, writes wait up to ${this.lockWaitMs} ms and are then refused, to be retried.`,
      });
    }
    return causes;
  }

  async saveConsent(consent: Consent): Promise<void> {
    this.stmt.saveConsent.run(
      consent.msn,
      consent.phoneNumber,
      consent.sub,
      consent.scopes.join(' '),
      consent.grantedAt,
    );
  }

  async findConsent(msn: string, phoneNumber: string): Promise<Consent | undefined> {
    const row = this.stmt.consent.get(msn, phoneNumber);
    return row && toConsent(row);
  }

  async findConsentBySub(msn: string, sub: string): Promise<Consent | undefined> {
    const row = this.stmt.consentBySub.get(msn, sub);
    return row && toConsent(row);
  }

  async findPayment(msn: string, reference: string): Promise<Payment | undefined> {
    const row = this.stmt.payment.get(msn, reference);
    return row && paymentOfRow(row);
  }

  async findPaymentByToken(token: string): Promise<Payment | undefined> {
    const row = this.stmt.paymentByToken.get(token);
    return row && paymentOfRow(row);
  }

  async listEvents(msn: string, reference: string): Promise<StoredPaymentEvent[]> {
    return this.stmt.events.all(msn, reference).map(eventOfRow);
  }

  async latestEventSeq(): Promise<number> {
    return this.stmt.latestSeq.get()?.seq ?? 0;
  }

  async eventsAfter(seq: number, limit: number): Promise<StoredPaymentEvent[]> {
    return this.stmt.eventsAfter.all(seq, limit).map(eventOfRow);
  }

  async listOverdue(now: number, limit: number): Promise<Array<{ msn: string; reference: string }>> {
    return this.stmt.overdue.all(now, limit);
  }

  async listPayments(msn: string, limit: number): Promise<Payment[]> {
    return this.stmt.listPayments.all(msn, limit).map(paymentOfRow);
  }

  async searchPayments(query: PaymentSearch): Promise<PaymentPage<Payment>> {
    return searchSqlitePayments(this.db, query);
  }

  async saveSalesUnit(unit: SalesUnit): Promise<void> {
    this.stmt.saveUnit.run(unit.msn, unit.clientId, JSON.stringify(unit));
  }

  async findSalesUnitByMsn(msn: string): Promise<SalesUnit | undefined> {
    const row = this.stmt.unitByMsn.get(msn);
    return row && (JSON.parse(row.data) as SalesUnit);
  }

  async findSalesUnitByClientId(clientId: string): Promise<SalesUnit | undefined> {
    const row = this.stmt.unitByClientId.get(clientId);
    return row && (JSON.parse(row.data) as SalesUnit);
  }

  async listSalesUnits(): Promise<SalesUnit[]> {
    return this.stmt.units.all().map((r) => JSON.parse(r.data) as SalesUnit);
  }

  async deleteMerchant(msn: string, options: { keepUnit?: boolean } = {}): Promise<boolean> {
    return this.db.transaction(() => {
      for (const sql of MERCHANT_DATA_DELETES) this.db.prepare(sql).run({ msn });
      if (options.keepUnit) return this.stmt.unitByMsn.get(msn) !== undefined;
      return this.db.prepare('DELETE FROM sales_units WHERE msn = ?').run(msn).changes > 0;
    })();
  }

  async deleteEverything(options: { keepSettings: readonly string[] }): Promise<void> {
    this.db.transaction(() => {
      for (const table of EVERY_TABLE) this.db.prepare(`DELETE FROM ${table}`).run();
      const keep = options.keepSettings;
      this.db
        .prepare(`DELETE FROM settings WHERE key NOT IN (${keep.map(() => '?').join(', ') || "''"})`)
        .run(...keep);
    })();
  }

  async saveUser(user: TestUser): Promise<void> {
    this.stmt.saveUser.run(user.phoneNumber, user.customerToken, JSON.stringify(user));
  }

  async findUser(phoneNumber: string): Promise<TestUser | undefined> {
    const row = this.stmt.user.get(phoneNumber);
    return row && (JSON.parse(row.data) as TestUser);
  }

  async findUserByCustomerToken(token: string): Promise<TestUser | undefined> {
    const row = this.stmt.userByToken.get(token);
    return row && (JSON.parse(row.data) as TestUser);
  }

  async listUsers(): Promise<TestUser[]> {
    return this.stmt.users.all().map((r) => JSON.parse(r.data) as TestUser);
  }

  async deleteUser(phoneNumber: string): Promise<boolean> {
    return this.stmt.deleteUser.run(phoneNumber).changes > 0;
  }

  async getSetting(key: string): Promise<string | undefined> {
    return this.stmt.getSetting.get(key)?.value;
  }

  async setSetting(key: string, value: string): Promise<void> {
    this.stmt.setSetting.run(key, value);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
