import { searchPostgresPayments } from './payment-search.js';
import type { PaymentPage, PaymentSearch } from '../payment-search.js';
import type pg from 'pg';
import type { Payment } from '../../domain/payment.js';
import type { SalesUnit } from '../../domain/sales-unit.js';
import type { TestUser } from '../../domain/test-user.js';
import { StoreBusyError, type StoreCause } from '../busy.js';
import type {
  CommittedChange,
  Consent,
  IdempotencyRecord,
  PaymentCommand,
  PaymentWrite,
  Storage,
  StoredPaymentEvent,
} from '../ports.js';
import { createPool, inTransaction, isRetryable, migrate, type PoolOptions } from './connection.js';
import { PostgresInbox } from './inbox.js';
import { MODULES } from './migrations.js';
import { PostgresOrderManagementStore } from './order-management.js';
import { OutboxSequencer, type OutboxEntry } from './outbox.js';
import { PostgresSnapshots } from './snapshots.js';
import {
  DATA_TABLES,
  eventOfRow,
  merchantDataDeletes,
  PAYMENT_COLUMN_NAMES,
  paymentOfRow,
  rowOfPayment,
  type EventRow,
  type PaymentRow,
} from '../rows.js';
import { PostgresShared } from './shared.js';
import { PostgresWebhookStore } from './webhooks.js';

/** How many times a command that lost an insert race (or a deadlock) is run again before its error is passed on. */
const MAX_ATTEMPTS = 5;
/** The default of {@link PostgresStoreOptions.lockWaitMs}. */
const DEFAULT_LOCK_WAIT_MS = 250;

/** Options of {@link PostgresStore.open}. */
export interface PostgresStoreOptions extends PoolOptions {
  /**
   * How long a command waits for a lock another transaction holds (the payment's row), in ms of real time, before
   * it is refused with StoreBusyError, nothing written (PostgreSQL's `lock_timeout`; default 250, as SQLite's write
   * lock wait). A sequencer run waits as long for the outbox lock. The same wait bounds getting a connection from
   * a full pool (at least 1 s).
   */
  lockWaitMs?: number;
  /**
   * Called inside a command's transaction after its events are written (without positions) and before COMMIT;
   * for tests that hold a transaction open at that point. Never set in production.
   */
  beforeCommit?: () => Promise<void>;
}

interface ConsentRow {
  msn: string;
  phone_number: string;
  sub: string;
  scopes: string[];
  granted_at: number;
}

const PAYMENT_COLUMNS = PAYMENT_COLUMN_NAMES.join(', ');

/** The payment's columns in {@link PAYMENT_COLUMNS} order. */
function paymentValues(p: Payment): unknown[] {
  const row = rowOfPayment(p);
  return PAYMENT_COLUMN_NAMES.map((column) => row[column]);
}

function toConsent(row: ConsentRow): Consent {
  return {
    msn: row.msn,
    phoneNumber: row.phone_number,
    sub: row.sub,
    scopes: row.scopes,
    grantedAt: row.granted_at,
  };
}

/** The deletes of one MSN's data ({@link PostgresStore.deleteMerchant}), children before parents. */
const MERCHANT_DATA_DELETES: readonly string[] = merchantDataDeletes('$1');

/** Every table of data, children before parents ({@link PostgresStore.deleteEverything}; settings apart). */
const EVERY_TABLE: readonly string[] = [...DATA_TABLES, 'rate_limits'];

/** Gives the sales units a new stamp (`SharedState.salesUnitsStamp`): every process reads them again. */
const STAMP_SALES_UNITS = `INSERT INTO settings (key, value) VALUES ('sales_units_stamp', gen_random_uuid()::text)
  ON CONFLICT (key) DO UPDATE SET value = excluded.value`;

/**
 * The PostgreSQL storage: the tables of `./migrations.ts` on a `pg` pool, every write one transaction.
 *
 * **A payment command** ({@link PostgresStore.execute}) runs in one READ COMMITTED transaction: it locks the
 * payment's row (`SELECT … FOR UPDATE`), reads the idempotency record of its key after the lock (so it sees what
 * the previous holder committed), calls `decide`, writes the payment and the record, then the events, and
 * commits. Changes of one payment are so serialized. A new reference has no row to lock: two creates of it race
 * to the unique key `(msn, reference)` (and the key's record to its primary key); the loser waits for the winner's
 * commit, fails with unique_violation, and is run again from the start, when it finds the payment and the record.
 *
 * **The outbox** (contract in `OutboxPort`). A sequence alone would not do: its values are handed out when taken,
 * not when their transactions commit, so a reader could see position 8 committed while 7 is still in flight and
 * move its cursor past 7 for good. So a command inserts its events with no position (`seq` NULL; the row id `id`
 * keeps their insertion order) and takes no outbox lock at all. Positions are given after commit by the
 * sequencer ({@link OutboxSequencer}, `./outbox.ts`): one short transaction that takes a transaction-level
 * advisory lock (`LOCK.outbox` of `./connection.ts`, per schema), numbers every committed event without a
 * position from the sequence in row-id order (one `UPDATE … FROM`; rows of transactions in flight are invisible
 * to it), and commits; PostgreSQL releases the lock only after that commit is visible. Every position is so
 * handed out by a sequencer run, runs hold the lock one at a time through their commit, and a later run hands out
 * higher positions: positions become visible in the order the runs committed, and a reader that sees position `p` sees
 * every position below it (1). The events of one payment are inserted in order under its row lock, so their ids
 * increase, and a run that sees a later one sees the earlier ones too (they committed first): positions keep
 * each payment's order (2). Reads never consume (3). A command's `execute` resolves once its events have their
 * positions and it has been announced; runs of one process are batched (one run numbers everything committed
 * before it), so the lock is held per batch and never by a command's transaction. Readers of the outbox
 * ({@link PostgresStore.eventsAfter}, {@link PostgresStore.latestEventSeq}) run the sequencer first, which also
 * numbers the events of a process that died between its commit and its run. Rolled-back transactions leave no
 * rows and so no gaps; a failed run leaves gaps, which the contract allows.
 *
 * **Listeners** ({@link PostgresStore.onCommit}) hear changes of this process in position order (the order the
 * outbox shows them in): a change with events is announced once its events have positions and every change of
 * this process at a lower position has been announced. The changes of one payment are always heard in the order
 * they committed. Across payments, a change whose events another process's sequencer numbered before this
 * process learnt its row ids can be heard after one of this process with a higher position. A change without
 * events is announced after the changes of this process that committed before it.
 */
export class PostgresStore implements Storage {
  readonly webhooks: PostgresWebhookStore;
  readonly orderManagement: PostgresOrderManagementStore;
  readonly inbox: PostgresInbox;
  readonly snapshots: PostgresSnapshots;
  readonly shared: PostgresShared;
  private readonly commitListeners = new Set<(commit: CommittedChange) => void>();
  /** Gives committed events their outbox positions and announces this process's changes in position order. */
  private readonly outbox: OutboxSequencer;
  private readonly lockWaitMs: number;
  /** The last error that said the database cannot be reached, cleared by the next query that works. */
  private unavailable: Error | undefined;

  private constructor(
    /** The pool, shared with the feature ports. */
    readonly pool: pg.Pool,
    private readonly options: PostgresStoreOptions,
  ) {
    this.webhooks = new PostgresWebhookStore(pool);
    this.orderManagement = new PostgresOrderManagementStore(pool);
    this.inbox = new PostgresInbox(pool);
    this.snapshots = new PostgresSnapshots(pool);
    this.shared = new PostgresShared(pool, options.schema);
    this.lockWaitMs = Math.max(1, Math.round(options.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS));
    this.outbox = new OutboxSequencer(pool, this.lockWaitMs, (commit) => this.announce(commit));
    pool.on('error', (error) => {
      this.unavailable = error;
    });
  }

  /**
   * Connects to `url` (a `postgres://` or `postgresql://` URL), applies the migrations that are missing (under an
   * advisory lock, so processes starting together don't race) and resolves with the store. Rejects with the
   * database's error when it cannot be reached or migrated (the pool is closed then).
   */
  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const pool = createPool(url, {
      ...options,
      connectionTimeoutMs: Math.max(1000, options.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS),
    });
    try {
      await migrate(pool, MODULES, options.schema);
    } catch (error) {
      await pool.end();
      throw error;
    }
    return new PostgresStore(pool, options);
  }

  onCommit(listener: (commit: CommittedChange) => void): () => void {
    this.commitListeners.add(listener);
    return () => this.commitListeners.delete(listener);
  }

  /**
   * Runs the command in one transaction (see the class): the payment row locked, `decide` called, payment,
   * idempotency record and events written, committed. A lost insert race or a deadlock runs it again (up to
   * {@link MAX_ATTEMPTS} times); what `decide` throws rejects at once, with nothing written.
   */
  async execute<R>(command: PaymentCommand<R>): Promise<R> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.attempt(command);
      } catch (error) {
        // lock_not_available: the lock wait ran out; nothing was written and the caller may retry.
        if ((error as { code?: unknown }).code === '55P03') throw new StoreBusyError(this.lockWaitMs);
        if (attempt >= MAX_ATTEMPTS || !isRetryable(error)) throw error;
      }
    }
  }

  private async attempt<R>(command: PaymentCommand<R>): Promise<R> {
    const { msn, reference, idempotencyKey, operation } = command;
    const client = await this.connect();
    let entry: OutboxEntry | undefined;
    let write: PaymentWrite | undefined;
    let result: R;
    let broken: Error | undefined;
    try {
      // One round trip for both (the simple protocol takes several statements when there are no parameters).
      await client.query(`BEGIN; SET LOCAL lock_timeout = ${this.lockWaitMs}`);
      const current = await client.query<PaymentRow>(
        `SELECT ${PAYMENT_COLUMNS} FROM payments WHERE msn = $1 AND reference = $2 FOR UPDATE`,
        [msn, reference],
      );
      let existing: IdempotencyRecord | undefined;
      if (idempotencyKey !== undefined && operation !== undefined) {
        const found = await client.query<{ fingerprint: string; status: number; body: string | null }>(
          `SELECT fingerprint, status, body FROM idempotency_keys
           WHERE msn = $1 AND reference = $2 AND operation = $3 AND key = $4`,
          [msn, reference, operation, idempotencyKey],
        );
        const row = found.rows[0];
        existing = row && {
          key: idempotencyKey,
          operation,
          reference,
          fingerprint: row.fingerprint,
          response: { status: row.status, body: row.body === null ? undefined : JSON.parse(row.body) },
        };
      }
      const currentRow = current.rows[0];
      const outcome = command.decide(currentRow ? paymentOfRow(currentRow) : undefined, existing);
      write = outcome.write;
      result = outcome.result;
      if (write && (write.payment.msn !== msn || write.payment.reference !== reference)) {
        throw new Error('a command may only write its own payment');
      }
      if (write?.insert) {
        await client.query(
          `INSERT INTO payments (${PAYMENT_COLUMNS})
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`,
          paymentValues(write.payment),
        );
      } else if (write) {
        await client.query(
          `UPDATE payments SET psp_reference = $3, state = $4, currency = $5, value = $6, authorized = $7,
             captured = $8, refunded = $9, cancelled = $10, user_flow = $11, payment_method = $12, token = $13,
             redirect_url = $14, sub = $15, authorized_by = $16, created_at = $17, expires_at = $18, details = $19
           WHERE msn = $1 AND reference = $2`,
          paymentValues(write.payment),
        );
      }
      if (outcome.remember && idempotencyKey !== undefined && !existing) {
        const body = outcome.remember.response.body;
        await client.query(
          `INSERT INTO idempotency_keys (msn, reference, operation, key, fingerprint, status, body)
           VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          [
            msn,
            reference,
            outcome.remember.operation,
            idempotencyKey,
            outcome.remember.fingerprint,
            outcome.remember.response.status,
            body === undefined ? null : JSON.stringify(body),
          ],
        );
      }
      if (write) {
        // The other processes hear of the change at COMMIT (the change feed, PostgresShared).
        await client.query('SELECT pg_notify($1, $2)', [
          this.shared.channel,
          this.shared.paymentNote(msn, reference),
        ]);
      }
      if (write && write.events.length > 0) {
        // No position yet: the sequencer gives them theirs once this transaction has committed (see the class).
        const e = write.events;
        const inserted = await client.query<{ id: number }>(
          `INSERT INTO payment_events (msn, reference, psp_reference, name, currency, amount, timestamp,
             idempotency_key, success)
           SELECT $1, $2, t.psp_reference, t.name, $3, t.amount, t.timestamp, t.idempotency_key, t.success
           FROM unnest($4::text[], $5::text[], $6::bigint[], $7::bigint[], $8::text[], $9::boolean[])
             WITH ORDINALITY AS t(psp_reference, name, amount, timestamp, idempotency_key, success, n)
           ORDER BY t.n
           RETURNING id`,
          [
            msn,
            reference,
            write.payment.currency,
            e.map((x) => x.pspReference),
            e.map((x) => x.name),
            e.map((x) => x.amount),
            e.map((x) => x.timestamp),
            e.map((x) => x.idempotencyKey),
            e.map((x) => x.success),
          ],
        );
        entry = this.outbox.register(inserted.rows.map((r) => r.id));
      }
      if (this.options.beforeCommit) await this.options.beforeCommit();
      await client.query('COMMIT');
    } catch (error) {
      if (entry) this.outbox.drop(entry);
      try {
        await client.query('ROLLBACK');
      } catch (rollbackError) {
        broken = rollbackError as Error;
      }
      throw error;
    } finally {
      client.release(broken);
    }
    if (!write) return result;
    const commit: CommittedChange = { payment: write.payment, events: write.events };
    if (entry) await this.outbox.committed(entry, commit);
    else await this.outbox.committedWithoutEvents(commit);
    return result;
  }

  private announce(commit: CommittedChange): void {
    for (const listener of this.commitListeners) listener(commit);
  }

  /** A client of the pool; notes the database as unavailable when none can be had. */
  private async connect(): Promise<pg.PoolClient> {
    try {
      const client = await this.pool.connect();
      this.unavailable = undefined;
      return client;
    } catch (error) {
      // pg-pool's wait for a free client ran out: the pool is busy, not the database gone.
      if (/timeout exceeded when trying to connect/i.test((error as Error).message)) {
        throw new StoreBusyError(Math.max(1000, this.lockWaitMs));
      }
      this.unavailable = error as Error;
      throw error;
    }
  }

  /** Runs one statement on the pool, noting whether the database could be reached. */
  private async query<R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> {
    const client = await this.connect();
    try {
      return (await client.query<R>(text, values)).rows;
    } finally {
      client.release();
    }
  }

  /** Empty while the database answers; `store-unavailable` after a connection failed, until one works again. */
  health(): StoreCause[] {
    if (!this.unavailable) return [];
    return [
      {
        name: 'store-unavailable',
        detail: `The PostgreSQL database cannot be reached: ${this.unavailable.message}`,
      },
    ];
  }

  async findPayment(msn: string, reference: string): Promise<Payment | undefined> {
    const [row] = await this.query<PaymentRow>(
      `SELECT ${PAYMENT_COLUMNS} FROM payments WHERE msn = $1 AND reference = $2`,
      [msn, reference],
    );
    return row && paymentOfRow(row);
  }

  async findPaymentByToken(token: string): Promise<Payment | undefined> {
    const [row] = await this.query<PaymentRow>(`SELECT ${PAYMENT_COLUMNS} FROM payments WHERE token = $1`, [
      token,
    ]);
    return row && paymentOfRow(row);
  }

  /**
   * The payment's events in position order. An event committed without a position yet (its command's sequencer
   * run has not ended, or its process died first) makes this run the sequencer and read again.
   */
  async listEvents(msn: string, reference: string): Promise<StoredPaymentEvent[]> {
    const read = () =>
      this.query<EventRow>(
        'SELECT * FROM payment_events WHERE msn = $1 AND reference = $2 ORDER BY seq, id',
        [msn, reference],
      );
    let rows = await read();
    if (rows.some((r) => r.seq === null)) {
      await this.sequenced();
      rows = await read();
    }
    return rows.map(eventOfRow);
  }

  async listOverdue(now: number, limit: number): Promise<Array<{ msn: string; reference: string }>> {
    return this.query<{ msn: string; reference: string }>(
      `SELECT msn, reference FROM payments WHERE state = 'CREATED' AND expires_at <= $1
       ORDER BY expires_at, id LIMIT $2`,
      [now, limit],
    );
  }

  async listPayments(msn: string, limit: number): Promise<Payment[]> {
    const rows = await this.query<PaymentRow>(
      `SELECT ${PAYMENT_COLUMNS} FROM payments WHERE msn = $1 ORDER BY id DESC LIMIT $2`,
      [msn, limit],
    );
    return rows.map(paymentOfRow);
  }

  async searchPayments(query: PaymentSearch): Promise<PaymentPage<Payment>> {
    return searchPostgresPayments(this.query.bind(this), query);
  }

  /**
   * Runs the sequencer (see the class). A run that fails (the lock wait ran out behind a restore, the database
   * is gone) does not fail the read that asked for it: what is visible is still in commit order.
   */
  private async sequenced(): Promise<void> {
    await this.outbox.sequence().catch(() => undefined);
  }

  /** Runs the sequencer first: every event committed before the call is at or below the answer (unless it failed). */
  async latestEventSeq(): Promise<number> {
    await this.sequenced();
    const [row] = await this.query<{ seq: number | null }>('SELECT max(seq) AS seq FROM payment_events');
    return row?.seq ?? 0;
  }

  /** Runs the sequencer first, so events committed before the call (of any process, living or not) are read. */
  async eventsAfter(seq: number, limit: number): Promise<StoredPaymentEvent[]> {
    await this.sequenced();
    const rows = await this.query<EventRow>(
      'SELECT * FROM payment_events WHERE seq > $1 ORDER BY seq LIMIT $2',
      [seq, limit],
    );
    return rows.map(eventOfRow);
  }

  /** Saves the unit and gives the sales units a new stamp, in one statement (every process reads them again). */
  async saveSalesUnit(unit: SalesUnit): Promise<void> {
    await this.query(
      `WITH saved AS (
         INSERT INTO sales_units (msn, client_id, data) VALUES ($1, $2, $3)
         ON CONFLICT (msn) DO UPDATE SET client_id = excluded.client_id, data = excluded.data)
       ${STAMP_SALES_UNITS}`,
      [unit.msn, unit.clientId, JSON.stringify(unit)],
    );
  }

  async findSalesUnitByMsn(msn: string): Promise<SalesUnit | undefined> {
    const [row] = await this.query<{ data: string }>('SELECT data FROM sales_units WHERE msn = $1', [msn]);
    return row && (JSON.parse(row.data) as SalesUnit);
  }

  async findSalesUnitByClientId(clientId: string): Promise<SalesUnit | undefined> {
    const [row] = await this.query<{ data: string }>('SELECT data FROM sales_units WHERE client_id = $1', [
      clientId,
    ]);
    return row && (JSON.parse(row.data) as SalesUnit);
  }

  async listSalesUnits(): Promise<SalesUnit[]> {
    const rows = await this.query<{ data: string }>('SELECT data FROM sales_units ORDER BY msn COLLATE "C"');
    return rows.map((r) => JSON.parse(r.data) as SalesUnit);
  }

  async deleteMerchant(msn: string, options: { keepUnit?: boolean } = {}): Promise<boolean> {
    return inTransaction(this.pool, async (client) => {
      for (const sql of MERCHANT_DATA_DELETES) await client.query(sql, [msn]);
      if (options.keepUnit) {
        return (await client.query('SELECT 1 FROM sales_units WHERE msn = $1', [msn])).rowCount === 1;
      }
      const deleted =
        ((await client.query('DELETE FROM sales_units WHERE msn = $1', [msn])).rowCount ?? 0) > 0;
      if (deleted) await client.query(STAMP_SALES_UNITS);
      return deleted;
    });
  }

  async deleteEverything(options: { keepSettings: readonly string[] }): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      for (const table of EVERY_TABLE) await client.query(`DELETE FROM ${table}`);
      await client.query('DELETE FROM settings WHERE NOT (key = ANY($1::text[]))', [
        [...options.keepSettings],
      ]);
      await client.query(STAMP_SALES_UNITS);
    });
  }

  async saveUser(user: TestUser): Promise<void> {
    await this.query(
      `INSERT INTO test_users (phone_number, customer_token, data) VALUES ($1, $2, $3)
       ON CONFLICT (phone_number) DO UPDATE SET customer_token = excluded.customer_token, data = excluded.data`,
      [user.phoneNumber, user.customerToken, JSON.stringify(user)],
    );
  }

  async findUser(phoneNumber: string): Promise<TestUser | undefined> {
    const [row] = await this.query<{ data: string }>('SELECT data FROM test_users WHERE phone_number = $1', [
      phoneNumber,
    ]);
    return row && (JSON.parse(row.data) as TestUser);
  }

  async findUserByCustomerToken(token: string): Promise<TestUser | undefined> {
    const [row] = await this.query<{ data: string }>(
      'SELECT data FROM test_users WHERE customer_token = $1',
      [token],
    );
    return row && (JSON.parse(row.data) as TestUser);
  }

  async listUsers(): Promise<TestUser[]> {
    const rows = await this.query<{ data: string }>(
      'SELECT data FROM test_users ORDER BY phone_number COLLATE "C"',
    );
    return rows.map((r) => JSON.parse(r.data) as TestUser);
  }

  async deleteUser(phoneNumber: string): Promise<boolean> {
    const rows = await this.query<{ one: number }>(
      'DELETE FROM test_users WHERE phone_number = $1 RETURNING 1 AS one',
      [phoneNumber],
    );
    return rows.length > 0;
  }

  async saveConsent(consent: Consent): Promise<void> {
    await this.query(
      `INSERT INTO consents (msn, phone_number, sub, scopes, granted_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (msn, phone_number) DO UPDATE
         SET sub = excluded.sub, scopes = excluded.scopes, granted_at = excluded.granted_at`,
      [consent.msn, consent.phoneNumber, consent.sub, consent.scopes, consent.grantedAt],
    );
  }

  async findConsent(msn: string, phoneNumber: string): Promise<Consent | undefined> {
    const [row] = await this.query<ConsentRow>(
      'SELECT * FROM consents WHERE msn = $1 AND phone_number = $2',
      [msn, phoneNumber],
    );
    return row && toConsent(row);
  }

  async findConsentBySub(msn: string, sub: string): Promise<Consent | undefined> {
    const [row] = await this.query<ConsentRow>('SELECT * FROM consents WHERE msn = $1 AND sub = $2', [
      msn,
      sub,
    ]);
    return row && toConsent(row);
  }

  async getSetting(key: string): Promise<string | undefined> {
    const [row] = await this.query<{ value: string }>('SELECT value FROM settings WHERE key = $1', [key]);
    return row?.value;
  }

  async setSetting(key: string, value: string): Promise<void> {
    await this.query(
      'INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      [key, value],
    );
  }

  /** Ends the pool once the clients in use are back. */
  async close(): Promise<void> {
    await this.shared.close();
    if (!this.pool.ended) await this.pool.end();
  }
}
