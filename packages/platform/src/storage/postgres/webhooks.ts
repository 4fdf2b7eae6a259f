import type { DeliveryStatus } from '@betal/contract';
import type pg from 'pg';
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
import { LOCK, LOCK_CLASS, inTransaction } from './connection.js';

/**
 * The webhook tables on PostgreSQL (module `webhooks`). Each method that writes is one transaction: `register`
 * counts and inserts under a per-MSN advisory lock ({@link LOCK}.register), so two registrations at once cannot
 * both pass the limit; `fanOut` moves the cursor with a compare-and-set on its one row, whose row lock makes a
 * second dispatcher wait and then find the cursor moved.
 */
export class PostgresWebhookStore implements WebhooksPort {
  constructor(private readonly pool: pg.Pool) {}

  private async rows<R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> {
    return (await this.pool.query<R>(text, values)).rows;
  }

  async register(
    registration: WebhookRegistration,
    limit: (event: string) => number,
  ): Promise<RegisterOutcome> {
    return inTransaction(this.pool, async (client): Promise<RegisterOutcome> => {
      await client.query("SELECT pg_advisory_xact_lock($1, hashtext(COALESCE(current_schema(), '') || $2))", [
        LOCK_CLASS + LOCK.register,
        registration.msn,
      ]);
      for (const event of registration.events) {
        const max = limit(event);
        const counted = await client.query<{ n: number }>(
          `SELECT COUNT(*)::int AS n FROM webhook_registrations
           WHERE msn = $1 AND deleted_at IS NULL AND $2 = ANY (events)`,
          [registration.msn, event],
        );
        if ((counted.rows[0]?.n ?? 0) >= max) return { ok: false, event, limit: max };
      }
      await client.query(
        `INSERT INTO webhook_registrations (id, msn, url, events, secret, created_at, from_seq)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [
          registration.id,
          registration.msn,
          registration.url,
          registration.events,
          registration.secret,
          registration.createdAt,
          registration.fromSeq,
        ],
      );
      return { ok: true };
    });
  }

  async findRegistration(id: string): Promise<WebhookRegistration | undefined> {
    const [row] = await this.rows<RegistrationRow>('SELECT * FROM webhook_registrations WHERE id = $1', [id]);
    return row && registrationOfRow(row);
  }

  async listRegistrations(msn: string): Promise<WebhookRegistration[]> {
    const rows = await this.rows<RegistrationRow>(
      'SELECT * FROM webhook_registrations WHERE msn = $1 AND deleted_at IS NULL ORDER BY created_at, id',
      [msn],
    );
    return rows.map(registrationOfRow);
  }

  async liveRegistrations(): Promise<WebhookRegistration[]> {
    const rows = await this.rows<RegistrationRow>(
      'SELECT * FROM webhook_registrations WHERE deleted_at IS NULL ORDER BY created_at, id',
    );
    return rows.map(registrationOfRow);
  }

  async allRegistrations(limit: number): Promise<WebhookRegistration[]> {
    const rows = await this.rows<RegistrationRow>(
      'SELECT * FROM webhook_registrations ORDER BY created_at DESC, id LIMIT $1',
      [limit],
    );
    return rows.map(registrationOfRow);
  }

  async deleteRegistration(
    id: string,
    msn: string | undefined,
    now: number,
    reason: string,
  ): Promise<boolean> {
    return inTransaction(this.pool, async (client) => {
      const marked = await client.query(
        `UPDATE webhook_registrations SET deleted_at = $1, deleted_reason = $2
         WHERE id = $3 AND deleted_at IS NULL AND ($4::text IS NULL OR msn = $4)`,
        [now, reason, id, msn ?? null],
      );
      if (marked.rowCount !== 1) return false;
      await client.query(
        `UPDATE webhook_deliveries SET status = 'discarded', finished_at = $1, next_attempt_at = NULL
         WHERE registration_id = $2 AND status = 'pending'`,
        [now, id],
      );
      return true;
    });
  }

  async unresponsiveSince(before: number): Promise<string[]> {
    const rows = await this.rows<{ id: string }>(
      'SELECT id FROM webhook_registrations WHERE deleted_at IS NULL AND failing_since <= $1',
      [before],
    );
    return rows.map((r) => r.id);
  }

  async pruneFinished(before: number): Promise<number> {
    const result = await this.pool.query(
      "DELETE FROM webhook_deliveries WHERE status <> 'pending' AND created_at < $1",
      [before],
    );
    return result.rowCount ?? 0;
  }

  async cursor(): Promise<number> {
    const [row] = await this.rows<{ seq: number }>('SELECT seq FROM webhook_cursor WHERE id = 1');
    return row?.seq ?? 0;
  }

  async fanOut(from: number, to: number, deliveries: NewDelivery[]): Promise<boolean> {
    return inTransaction(this.pool, async (client) => {
      const moved = await client.query('UPDATE webhook_cursor SET seq = $1 WHERE id = 1 AND seq = $2', [
        to,
        from,
      ]);
      if (moved.rowCount !== 1) return false;
      if (deliveries.length === 0) return true;
      await client.query(
        `INSERT INTO webhook_deliveries
           (registration_id, seq, msn, reference, event_type, body, status, created_at, next_attempt_at)
         SELECT d.registration_id, d.seq, d.msn, d.reference, d.event_type, d.body, 'pending', d.created_at,
           d.created_at
         FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[])
           WITH ORDINALITY AS d(registration_id, seq, msn, reference, event_type, body, created_at, n)
         WHERE EXISTS (SELECT 1 FROM webhook_registrations r WHERE r.id = d.registration_id AND r.deleted_at IS NULL)
         ORDER BY d.n
         ON CONFLICT (registration_id, seq) DO NOTHING`,
        [
          deliveries.map((d) => d.registrationId),
          deliveries.map((d) => d.seq),
          deliveries.map((d) => d.msn),
          deliveries.map((d) => d.reference),
          deliveries.map((d) => d.eventType),
          deliveries.map((d) => d.body),
          deliveries.map((d) => d.createdAt),
        ],
      );
      return true;
    });
  }

  async dueHeads(
    registrationId: string,
    now: number,
    limit: number,
    exclude: ReadonlySet<number>,
  ): Promise<StoredDelivery[]> {
    const rows = await this.rows<DeliveryRow>(
      `SELECT d.* FROM webhook_deliveries d
       WHERE d.registration_id = $1 AND d.status = 'pending' AND d.next_attempt_at <= $2
         AND NOT (d.id = ANY ($4::bigint[]))
         AND NOT EXISTS (
           SELECT 1 FROM webhook_deliveries p
           WHERE p.registration_id = d.registration_id AND p.msn = d.msn AND p.reference = d.reference
             AND p.status = 'pending' AND p.seq < d.seq)
       ORDER BY d.seq LIMIT $3`,
      [registrationId, now, limit, [...exclude]],
    );
    return rows.map(deliveryOfRow);
  }

  /**
   * One statement: the due heads that are not under another claim are locked with `FOR UPDATE SKIP LOCKED` (a
   * concurrent claim skips them instead of waiting) and stamped `claimed_until` = the database's clock + `leaseMs`,
   * so claims of processes on different hosts compare on one clock. A claim running on an older snapshot sees a
   * delivery another claim just stamped again after the lock (READ COMMITTED re-checks the row), and leaves it.
   * Later deliveries of a claimed payment stay out: the claimed one is still pending before them.
   */
  async claimDueHeads({ registrationId, now, limit, exclude, leaseMs }: DueClaim): Promise<StoredDelivery[]> {
    const rows = await this.rows<DeliveryRow>(
      `WITH wall AS (SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS ms),
       due AS (
         SELECT d.id FROM webhook_deliveries d
         WHERE d.registration_id = $1 AND d.status = 'pending' AND d.next_attempt_at <= $2
           AND NOT (d.id = ANY ($4::bigint[]))
           AND (d.claimed_until IS NULL OR d.claimed_until <= (SELECT ms FROM wall))
           AND NOT EXISTS (
             SELECT 1 FROM webhook_deliveries p
             WHERE p.registration_id = d.registration_id AND p.msn = d.msn AND p.reference = d.reference
               AND p.status = 'pending' AND p.seq < d.seq)
         ORDER BY d.seq LIMIT $3
         FOR UPDATE OF d SKIP LOCKED)
       UPDATE webhook_deliveries w SET claimed_until = (SELECT ms FROM wall) + $5
       FROM due WHERE w.id = due.id
       RETURNING w.*`,
      [registrationId, now, limit, [...exclude], Math.max(0, Math.round(leaseMs))],
    );
    return rows.map(deliveryOfRow).sort((a, b) => a.seq - b.seq);
  }

  async nextDueAfter(now: number): Promise<number | undefined> {
    const [row] = await this.rows<{ at: number | null }>(
      `SELECT MIN(next_attempt_at) AS at FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at > $1`,
      [now],
    );
    return row?.at ?? undefined;
  }

  async record(outcomes: AttemptOutcome[]): Promise<void> {
    if (outcomes.length === 0) return;
    await inTransaction(this.pool, async (client) => {
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
        const log = 'attempt_log = attempt_log || jsonb_build_array($1::jsonb)';
        if (next.status === 'delivered') {
          await client.query(
            `UPDATE webhook_deliveries SET ${log},
               attempts = attempts + $2, first_attempt_at = COALESCE(first_attempt_at, $3),
               finished_at = CASE WHEN status IN ('pending', 'failed') THEN $3 ELSE finished_at END,
               next_attempt_at = CASE WHEN status IN ('pending', 'failed') THEN NULL ELSE next_attempt_at END,
               status = CASE WHEN status IN ('pending', 'failed') THEN 'delivered' ELSE status END,
               claimed_until = NULL
             WHERE id = $4`,
            [json, counts ? 1 : 0, attempt.at, id],
          );
        } else if (next.status === 'pending') {
          await client.query(
            `UPDATE webhook_deliveries SET ${log},
               attempts = attempts + 1, first_attempt_at = COALESCE(first_attempt_at, $2),
               next_attempt_at = CASE WHEN status = 'pending' THEN $3 ELSE next_attempt_at END,
               claimed_until = NULL
             WHERE id = $4`,
            [json, attempt.at, next.nextAttemptAt, id],
          );
        } else if (next.status === 'failed') {
          await client.query(
            `UPDATE webhook_deliveries SET ${log},
               attempts = attempts + 1, first_attempt_at = COALESCE(first_attempt_at, $2),
               finished_at = CASE WHEN status = 'pending' THEN $2 ELSE finished_at END,
               next_attempt_at = CASE WHEN status = 'pending' THEN NULL ELSE next_attempt_at END,
               status = CASE WHEN status = 'pending' THEN 'failed' ELSE status END,
               claimed_until = NULL
             WHERE id = $3`,
            [json, attempt.at, id],
          );
        } else {
          await client.query(`UPDATE webhook_deliveries SET ${log} WHERE id = $2`, [json, id]);
        }
        endpoints.set(registrationId, attempt);
      }
      // An endpoint's failing streak follows its latest attempt in the batch.
      for (const [registrationId, last] of endpoints) {
        if (last.error === null) {
          await client.query(
            'UPDATE webhook_registrations SET failing_since = NULL WHERE id = $1 AND failing_since IS NOT NULL',
            [registrationId],
          );
        } else {
          await client.query(
            'UPDATE webhook_registrations SET failing_since = $1 WHERE id = $2 AND failing_since IS NULL',
            [last.at, registrationId],
          );
        }
      }
    });
  }

  async findDelivery(id: number): Promise<DeliveryWithAttempts | undefined> {
    const [row] = await this.rows<DeliveryRow>('SELECT * FROM webhook_deliveries WHERE id = $1', [id]);
    return row && deliveryWithAttemptsOfRow(row);
  }

  async listDeliveries(
    registrationId: string,
    options: { limit: number; before?: number; status?: DeliveryStatus },
  ): Promise<DeliveryWithAttempts[]> {
    // Newest first by outbox position; `before` pages on from that delivery's position (from the newest when unknown).
    const rows = await this.rows<DeliveryRow>(
      `SELECT * FROM webhook_deliveries
       WHERE registration_id = $1 AND ($2::text IS NULL OR status = $2)
         AND seq < COALESCE((SELECT seq FROM webhook_deliveries WHERE id = $3::bigint), 9223372036854775807)
       ORDER BY seq DESC LIMIT $4`,
      [registrationId, options.status ?? null, options.before ?? null, options.limit],
    );
    return rows.map(deliveryWithAttemptsOfRow);
  }

  async countDeliveries(registrationId: string): Promise<Record<DeliveryStatus, number>> {
    const counts: Record<DeliveryStatus, number> = { pending: 0, delivered: 0, failed: 0, discarded: 0 };
    const rows = await this.rows<{ status: string; n: number }>(
      'SELECT status, COUNT(*)::int AS n FROM webhook_deliveries WHERE registration_id = $1 GROUP BY status',
      [registrationId],
    );
    for (const r of rows) counts[r.status as DeliveryStatus] = r.n;
    return counts;
  }
}
