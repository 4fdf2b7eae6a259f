import type { DeliveryStatus } from '@betal/contract';
import type Database from 'better-sqlite3';
import type { SqliteConnection } from './store.js';
import type {
  AttemptOutcome,
  AttemptRecord,
  DeliveryWithAttempts,
  NewDelivery,
  RegisterOutcome,
  StoredDelivery,
  DueClaim,
  WebhookRegistration,
  WebhooksPort,
} from '../ports.js';
import {
  deliveryOfRow,
  deliveryWithAttemptsOfRow,
  registrationOfRow,
  type DeliveryRow,
  type LoggedAttempt,
  type RegistrationRow,
} from '../rows.js';

/** The `webhooks` module's migrations; the list only grows. */
const MIGRATIONS: string[] = [
  `CREATE TABLE webhook_registrations (
     id TEXT PRIMARY KEY,
     msn TEXT NOT NULL,
     url TEXT NOT NULL,
     events TEXT NOT NULL,
     secret TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     from_seq INTEGER NOT NULL,
     failing_since INTEGER,
     deleted_at INTEGER,
     deleted_reason TEXT
   ) WITHOUT ROWID;
   CREATE INDEX webhook_registrations_live ON webhook_registrations (msn, created_at) WHERE deleted_at IS NULL;
   CREATE TABLE webhook_cursor (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL);
   INSERT INTO webhook_cursor (id, seq) VALUES (1, 0);
   CREATE TABLE webhook_deliveries (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     registration_id TEXT NOT NULL REFERENCES webhook_registrations (id),
     seq INTEGER NOT NULL,
     msn TEXT NOT NULL,
     reference TEXT NOT NULL,
     event_type TEXT NOT NULL,
     body TEXT NOT NULL,
     status TEXT NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0,
     created_at INTEGER NOT NULL,
     next_attempt_at INTEGER,
     first_attempt_at INTEGER,
     finished_at INTEGER,
     attempt_log TEXT NOT NULL DEFAULT '[]',
     UNIQUE (registration_id, seq)
   );
   CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (registration_id, seq) WHERE status = 'pending';
   CREATE INDEX webhook_deliveries_payment ON webhook_deliveries (registration_id, msn, reference, seq)
     WHERE status = 'pending';
`,
];

/**
 * The webhook tables in the platform's SQLite file (module `webhooks`). They read no table of the payments: the
 * outbox position a registration starts after comes from the caller ({@link WebhooksPort.register}).
 * better-sqlite3 is synchronous, so every method is one transaction with nothing in between.
 */
export class SqliteWebhookStore implements WebhooksPort {
  private readonly db: Database.Database;
  private readonly stmt;

  constructor(store: SqliteConnection) {
    store.migrate('webhooks', MIGRATIONS);
    const db = (this.db = store.db);
    this.stmt = {
      countFor: db.prepare<[string, string], { n: number }>(
        `SELECT COUNT(*) AS n FROM webhook_registrations r, json_each(r.events) e
         WHERE r.msn = ? AND r.deleted_at IS NULL AND e.value = ?`,
      ),
      insertRegistration: db.prepare(
        `INSERT INTO webhook_registrations (id, msn, url, events, secret, created_at, from_seq)
         VALUES (@id, @msn, @url, @events, @secret, @created_at, @from_seq)`,
      ),
      registration: db.prepare<[string], RegistrationRow>('SELECT * FROM webhook_registrations WHERE id = ?'),
      registrationsOf: db.prepare<[string], RegistrationRow>(
        'SELECT * FROM webhook_registrations WHERE msn = ? AND deleted_at IS NULL ORDER BY created_at, id',
      ),
      live: db.prepare<[], RegistrationRow>(
        'SELECT * FROM webhook_registrations WHERE deleted_at IS NULL ORDER BY created_at, id',
      ),
      all: db.prepare<[number], RegistrationRow>(
        'SELECT * FROM webhook_registrations ORDER BY created_at DESC, id LIMIT ?',
      ),
      markDeleted: db.prepare<[number, string, string]>(
        'UPDATE webhook_registrations SET deleted_at = ?, deleted_reason = ? WHERE id = ? AND deleted_at IS NULL',
      ),
      discardPending: db.prepare<[number, string]>(
        `UPDATE webhook_deliveries SET status = 'discarded', finished_at = ?, next_attempt_at = NULL
         WHERE registration_id = ? AND status = 'pending'`,
      ),
      firstCreatedAtOrAfter: db.prepare<[number], { id: number }>(
        'SELECT id FROM webhook_deliveries WHERE created_at >= ? ORDER BY id LIMIT 1',
      ),
      pruneBelow: db.prepare<[number]>("DELETE FROM webhook_deliveries WHERE id < ? AND status <> 'pending'"),
      unresponsive: db.prepare<[number], { id: string }>(
        'SELECT id FROM webhook_registrations WHERE deleted_at IS NULL AND failing_since <= ?',
      ),
      cursor: db.prepare<[], { seq: number }>('SELECT seq FROM webhook_cursor WHERE id = 1'),
      moveCursor: db.prepare<[number, number]>('UPDATE webhook_cursor SET seq = ? WHERE id = 1 AND seq = ?'),
      liveIds: db.prepare<[], { id: string }>(
        'SELECT id FROM webhook_registrations WHERE deleted_at IS NULL',
      ),
      insertDelivery: db.prepare(
        `INSERT OR IGNORE INTO webhook_deliveries
           (registration_id, seq, msn, reference, event_type, body, status, created_at, next_attempt_at)
         VALUES (@registrationId, @seq, @msn, @reference, @eventType, @body, 'pending', @createdAt, @createdAt)`,
      ),
      dueHeads: db.prepare<[string, number, number], DeliveryRow>(
        `SELECT d.* FROM webhook_deliveries d INDEXED BY webhook_deliveries_pending
         WHERE d.registration_id = ? AND d.status = 'pending' AND d.next_attempt_at <= ?
           AND NOT EXISTS (
             SELECT 1 FROM webhook_deliveries p INDEXED BY webhook_deliveries_payment
             WHERE p.registration_id = d.registration_id AND p.msn = d.msn AND p.reference = d.reference
               AND p.status = 'pending' AND p.seq < d.seq)
         ORDER BY d.seq LIMIT ?`,
      ),
      nextDue: db.prepare<[number], { at: number | null }>(
        `SELECT MIN(next_attempt_at) AS at FROM webhook_deliveries
         WHERE status = 'pending' AND next_attempt_at > ?`,
      ),
      delivery: db.prepare<[number], DeliveryRow>('SELECT * FROM webhook_deliveries WHERE id = ?'),
      // One statement per outcome: the attempt joins the log, and the delivery moves on. `counts` (0 or 1) moves
      // the retry schedule on for automatic attempts.
      logAttempt: db.prepare<[string, number]>(
        `UPDATE webhook_deliveries SET attempt_log = json_insert(attempt_log, '$[#]', json(?)) WHERE id = ?`,
      ),
      delivered: db.prepare<[string, number, number, number, number]>(
        `UPDATE webhook_deliveries SET attempt_log = json_insert(attempt_log, '$[#]', json(?)),
           attempts = attempts + ?, first_attempt_at = COALESCE(first_attempt_at, ?),
           status = CASE WHEN status IN ('pending', 'failed') THEN 'delivered' ELSE status END,
           finished_at = CASE WHEN status IN ('pending', 'failed') THEN ? ELSE finished_at END,
           next_attempt_at = CASE WHEN status IN ('pending', 'failed') THEN NULL ELSE next_attempt_at END
         WHERE id = ?`,
      ),
      retryAt: db.prepare<[string, number, number, number]>(
        `UPDATE webhook_deliveries SET attempt_log = json_insert(attempt_log, '$[#]', json(?)),
           attempts = attempts + 1, first_attempt_at = COALESCE(first_attempt_at, ?),
           next_attempt_at = CASE WHEN status = 'pending' THEN ? ELSE next_attempt_at END
         WHERE id = ?`,
      ),
      givenUp: db.prepare<[string, number, number, number]>(
        `UPDATE webhook_deliveries SET attempt_log = json_insert(attempt_log, '$[#]', json(?)),
           attempts = attempts + 1, first_attempt_at = COALESCE(first_attempt_at, ?),
           status = CASE WHEN status = 'pending' THEN 'failed' ELSE status END,
           finished_at = CASE WHEN status = 'pending' THEN ? ELSE finished_at END,
           next_attempt_at = CASE WHEN status = 'pending' THEN NULL ELSE next_attempt_at END
         WHERE id = ?`,
      ),
      endpointOk: db.prepare<[string]>(
        'UPDATE webhook_registrations SET failing_since = NULL WHERE id = ? AND failing_since IS NOT NULL',
      ),
      endpointFailing: db.prepare<[number, string]>(
        'UPDATE webhook_registrations SET failing_since = ? WHERE id = ? AND failing_since IS NULL',
      ),
      // A registration's deliveries are inserted in seq order, so seq order is id order; walking the
      // (registration_id, seq) index backwards needs no sort however long the log.
      seqOf: db.prepare<[number], { seq: number }>('SELECT seq FROM webhook_deliveries WHERE id = ?'),
      listDeliveries: db.prepare<[string, number, number], DeliveryRow>(
        'SELECT * FROM webhook_deliveries WHERE registration_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?',
      ),
      listDeliveriesByStatus: db.prepare<[string, string, number, number], DeliveryRow>(
        'SELECT * FROM webhook_deliveries WHERE registration_id = ? AND status = ? AND seq < ? ORDER BY seq DESC LIMIT ?',
      ),
      counts: db.prepare<[string], { status: string; n: number }>(
        'SELECT status, COUNT(*) AS n FROM webhook_deliveries WHERE registration_id = ? GROUP BY status',
      ),
    };
  }

  async register(
    registration: WebhookRegistration,
    limit: (event: string) => number,
  ): Promise<RegisterOutcome> {
    return this.db
      .transaction((): RegisterOutcome => {
        for (const event of registration.events) {
          const max = limit(event);
          if ((this.stmt.countFor.get(registration.msn, event)?.n ?? 0) >= max)
            return { ok: false, event, limit: max };
        }
        this.stmt.insertRegistration.run({
          id: registration.id,
          msn: registration.msn,
          url: registration.url,
          events: JSON.stringify(registration.events),
          secret: registration.secret,
          created_at: registration.createdAt,
          from_seq: registration.fromSeq,
        });
        return { ok: true };
      })
      .immediate();
  }

  async findRegistration(id: string): Promise<WebhookRegistration | undefined> {
    const row = this.stmt.registration.get(id);
    return row && registrationOfRow(row);
  }

  async listRegistrations(msn: string): Promise<WebhookRegistration[]> {
    return this.stmt.registrationsOf.all(msn).map(registrationOfRow);
  }

  async liveRegistrations(): Promise<WebhookRegistration[]> {
    return this.stmt.live.all().map(registrationOfRow);
  }

  async allRegistrations(limit: number): Promise<WebhookRegistration[]> {
    return this.stmt.all.all(limit).map(registrationOfRow);
  }

  async deleteRegistration(
    id: string,
    msn: string | undefined,
    now: number,
    reason: string,
  ): Promise<boolean> {
    return this.db
      .transaction((): boolean => {
        const row = this.stmt.registration.get(id);
        if (!row || row.deleted_at !== null || (msn !== undefined && row.msn !== msn)) return false;
        this.stmt.markDeleted.run(now, reason, id);
        this.stmt.discardPending.run(now, id);
        return true;
      })
      .immediate();
  }

  async pruneFinished(before: number): Promise<number> {
    // Rows are created in id order on a clock that only moves forward: everything created before `before` lies below
    // the first younger row, so both statements walk the rowid instead of needing an index of their own.
    const firstYoung = this.stmt.firstCreatedAtOrAfter.get(before)?.id ?? Number.MAX_SAFE_INTEGER;
    return this.stmt.pruneBelow.run(firstYoung).changes;
  }

  async unresponsiveSince(before: number): Promise<string[]> {
    return this.stmt.unresponsive.all(before).map((r) => r.id);
  }

  async cursor(): Promise<number> {
    return this.stmt.cursor.get()?.seq ?? 0;
  }

  async fanOut(from: number, to: number, deliveries: NewDelivery[]): Promise<boolean> {
    return this.db
      .transaction((): boolean => {
        if (this.stmt.moveCursor.run(to, from).changes !== 1) return false;
        const live = new Set(this.stmt.liveIds.all().map((r) => r.id));
        for (const d of deliveries) if (live.has(d.registrationId)) this.stmt.insertDelivery.run(d);
        return true;
      })
      .immediate();
  }

  /** The same as `dueHeads`: the store lock lets one process open the file, and one dispatcher runs in it. */
  claimDueHeads({ registrationId, now, limit, exclude }: DueClaim): Promise<StoredDelivery[]> {
    return this.dueHeads(registrationId, now, limit, exclude);
  }

  async dueHeads(
    registrationId: string,
    now: number,
    limit: number,
    exclude: ReadonlySet<number>,
  ): Promise<StoredDelivery[]> {
    const rows = this.stmt.dueHeads.all(registrationId, now, limit + exclude.size);
    const out: StoredDelivery[] = [];
    for (const row of rows) {
      if (exclude.has(row.id)) continue;
      out.push(deliveryOfRow(row));
      if (out.length >= limit) break;
    }
    return out;
  }

  async nextDueAfter(now: number): Promise<number | undefined> {
    return this.stmt.nextDue.get(now)?.at ?? undefined;
  }

  async record(outcomes: AttemptOutcome[]): Promise<void> {
    this.db
      .transaction(() => {
        const endpoints = new Map<string, AttemptRecord>();
        for (const { registrationId, attempt, next, counts } of outcomes) {
          const logged: LoggedAttempt = {
            at: attempt.at,
            statusCode: attempt.statusCode,
            latencyMs: attempt.latencyMs,
            error: attempt.error,
            manual: attempt.manual,
          };
          const json = JSON.stringify(logged);
          const id = attempt.deliveryId;
          if (next.status === 'delivered')
            this.stmt.delivered.run(json, counts ? 1 : 0, attempt.at, attempt.at, id);
          else if (next.status === 'pending') this.stmt.retryAt.run(json, attempt.at, next.nextAttemptAt, id);
          else if (next.status === 'failed') this.stmt.givenUp.run(json, attempt.at, attempt.at, id);
          else this.stmt.logAttempt.run(json, id);
          endpoints.set(registrationId, attempt);
        }
        // An endpoint's failing streak follows its latest attempt in the batch.
        for (const [registrationId, last] of endpoints) {
          if (last.error === null) this.stmt.endpointOk.run(registrationId);
          else this.stmt.endpointFailing.run(last.at, registrationId);
        }
      })
      .immediate();
  }

  async findDelivery(id: number): Promise<DeliveryWithAttempts | undefined> {
    const row = this.stmt.delivery.get(id);
    return row && deliveryWithAttemptsOfRow(row);
  }

  async listDeliveries(
    registrationId: string,
    options: { limit: number; before?: number; status?: DeliveryStatus },
  ): Promise<DeliveryWithAttempts[]> {
    const before =
      options.before === undefined
        ? Number.MAX_SAFE_INTEGER
        : (this.stmt.seqOf.get(options.before)?.seq ?? Number.MAX_SAFE_INTEGER);
    const rows = options.status
      ? this.stmt.listDeliveriesByStatus.all(registrationId, options.status, before, options.limit)
      : this.stmt.listDeliveries.all(registrationId, before, options.limit);
    return rows.map((r) => deliveryWithAttemptsOfRow(r));
  }

  async countDeliveries(registrationId: string): Promise<Record<DeliveryStatus, number>> {
    const counts: Record<DeliveryStatus, number> = { pending: 0, delivered: 0, failed: 0, discarded: 0 };
    for (const r of this.stmt.counts.all(registrationId)) counts[r.status as DeliveryStatus] = r.n;
    return counts;
  }
}
