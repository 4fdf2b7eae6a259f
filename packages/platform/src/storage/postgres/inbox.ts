import type pg from 'pg';
import type { CustomerInboxPort, InboxEntry } from '../ports.js';

/** The customer inbox on PostgreSQL (module `customer`): one row per user and payment, the first time kept. */
export class PostgresInbox implements CustomerInboxPort {
  constructor(private readonly pool: pg.Pool) {}

  async add(phoneNumber: string, msn: string, reference: string, addedAt: number): Promise<void> {
    await this.pool.query(
      `INSERT INTO customer_inbox (phone_number, msn, reference, added_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING`,
      [phoneNumber, msn, reference, addedAt],
    );
  }

  async list(phoneNumber: string, limit: number): Promise<InboxEntry[]> {
    const result = await this.pool.query<{ msn: string; reference: string; added_at: number }>(
      `SELECT msn, reference, added_at FROM customer_inbox WHERE phone_number = $1
       ORDER BY added_at DESC, reference COLLATE "C" DESC LIMIT $2`,
      [phoneNumber, limit],
    );
    return result.rows.map((r) => ({ msn: r.msn, reference: r.reference, addedAt: r.added_at }));
  }

  async has(phoneNumber: string, msn: string, reference: string): Promise<boolean> {
    const result = await this.pool.query(
      'SELECT 1 FROM customer_inbox WHERE phone_number = $1 AND msn = $2 AND reference = $3',
      [phoneNumber, msn, reference],
    );
    return result.rows.length > 0;
  }
}
