import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { SharedChange, SharedPort, SharedState } from '../ports.js';
import { quoteIdent } from './connection.js';

/** How long the change feed waits before connecting again after its connection dropped, in ms (doubling up to 5 s). */
const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 5000;
/** Rate-limit windows are pruned once per this many hits of one process. */
const PRUNE_EVERY = 10_000;

/** What goes over NOTIFY: who sent it (`o`, one id per store) and what changed. */
type Note = { o: string } & ({ k: 'p'; m: string; r: string } | { k: 'c' });

/**
 * The PostgreSQL side of {@link SharedPort}: the test clock's offset and the sales units' stamp in the `settings`
 * table, the rate limits' windows in `rate_limits`, and a change feed on LISTEN/NOTIFY.
 *
 * **The change feed.** Writers call `pg_notify` inside their transaction (PostgreSQL delivers it at COMMIT, and not
 * at all on ROLLBACK) with a JSON payload naming the store that sent it, so a process ignores its own. The feed
 * listens on one dedicated connection (not the pool's: a pooled client goes back and stops listening), opened
 * when the first listener comes. When that connection drops (the server restarted, the backend was terminated)
 * it connects again after 100 ms, doubling up to 5 s, and tells its listeners `resync`, since notifications sent
 * while it was away are lost. The channel is per schema, so stores on schemas of one database don't hear each other.
 */
export class PostgresShared implements SharedPort {
  /** This store's id in the payloads it sends. */
  readonly origin = randomUUID();
  /** The NOTIFY channel of this schema. */
  readonly channel: string;
  private readonly listeners = new Set<(change: SharedChange) => void>();
  /** The feed's connection, or the one being opened. */
  private client: pg.Client | undefined;
  private listening = false;
  private everListened = false;
  private retryMs = FIRST_RETRY_MS;
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private hits = 0;
  /** Resolves once the feed listens (again): tests wait for it before they expect to hear anything. */
  private listened: Promise<void>;
  private markListened: () => void = () => undefined;

  constructor(
    private readonly pool: pg.Pool,
    schema: string | undefined,
  ) {
    this.channel = schema === undefined ? 'betal' : `betal_${schema}`.toLowerCase().slice(0, 63);
    this.listened = new Promise((resolve) => (this.markListened = resolve));
  }

  async sync(): Promise<SharedState> {
    const { rows } = await this.pool.query<{ key: string; value: string }>(
      "SELECT key, value FROM settings WHERE key IN ('clock_offset_ms', 'sales_units_stamp')",
    );
    const value = (key: string) => rows.find((r) => r.key === key)?.value;
    return {
      clockOffsetMs: Number(value('clock_offset_ms') ?? 0),
      salesUnitsStamp: value('sales_units_stamp') ?? '',
    };
  }

  async advanceClock(ms: number): Promise<number> {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('the clock only moves forward');
    // One statement: the addition happens on the row, under its lock, so concurrent advances add up.
    const { rows } = await this.pool.query<{ value: string }>(
      `WITH c AS (
         INSERT INTO settings (key, value) VALUES ('clock_offset_ms', ($1::numeric)::text)
         ON CONFLICT (key) DO UPDATE SET value = (settings.value::numeric + $1::numeric)::text
         RETURNING value)
       SELECT value, pg_notify($2, $3) FROM c`,
      [String(ms), this.channel, this.note({ k: 'c' })],
    );
    return Number(rows[0]?.value ?? 0);
  }

  async hitRateLimit(id: string, now: number, windowMs: number): Promise<{ start: number; count: number }> {
    const at = Math.floor(now);
    // SET reads the row as it was: a window that ended restarts at `now` with this call as its first.
    const { rows } = await this.pool.query<{ start: number; count: number }>(
      `INSERT INTO rate_limits (id, start, count) VALUES ($1, $2, 1)
       ON CONFLICT (id) DO UPDATE SET
         start = CASE WHEN rate_limits.start + $3 <= $2 THEN $2 ELSE rate_limits.start END,
         count = CASE WHEN rate_limits.start + $3 <= $2 THEN 1 ELSE rate_limits.count + 1 END
       RETURNING start, count`,
      [id, at, windowMs],
    );
    if (++this.hits >= PRUNE_EVERY) {
      this.hits = 0;
      await this.pool.query('DELETE FROM rate_limits WHERE start + $2 <= $1', [at, windowMs]);
    }
    const row = rows[0] as { start: number; count: number };
    return { start: Number(row.start), count: Number(row.count) };
  }

  onChange(listener: (change: SharedChange) => void): () => void {
    this.listeners.add(listener);
    if (!this.client && !this.retryTimer && !this.closed) void this.connect();
    return () => this.listeners.delete(listener);
  }

  /** Resolves once the change feed listens (it starts with the first listener). */
  ready(): Promise<void> {
    return this.listened;
  }

  /** The payload announcing that the payment `msn`/`reference` changed, for `pg_notify(channel, payload)`. */
  paymentNote(msn: string, reference: string): string {
    return this.note({ k: 'p', m: msn, r: reference });
  }

  private note(body: { k: 'p'; m: string; r: string } | { k: 'c' }): string {
    return JSON.stringify({ o: this.origin, ...body });
  }

  private async connect(): Promise<void> {
    this.retryTimer = undefined;
    if (this.closed) return;
    const client = new pg.Client(this.pool.options);
    this.client = client;
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    client.on('notification', (message) => this.heard(message.payload));
    try {
      await client.connect();
      await client.query(`LISTEN ${quoteIdent(this.channel)}`);
    } catch {
      this.lost(client);
      return;
    }
    if (this.client !== client) return;
    this.listening = true;
    this.retryMs = FIRST_RETRY_MS;
    const again = this.everListened;
    this.everListened = true;
    this.markListened();
    if (again) this.emit({ kind: 'resync' });
  }

  /** The feed's connection `client` failed or ended: connect again later (once per connection). */
  private lost(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    if (this.listening) {
      this.listening = false;
      this.listened = new Promise((resolve) => (this.markListened = resolve));
    }
    client.removeAllListeners('notification');
    client.on('error', () => undefined);
    void client.end().catch(() => undefined);
    if (this.closed || this.listeners.size === 0) return;
    this.retryTimer = setTimeout(() => void this.connect(), this.retryMs);
    this.retryTimer.unref();
    this.retryMs = Math.min(MAX_RETRY_MS, this.retryMs * 2);
  }

  private heard(payload: string | undefined): void {
    let note: Note;
    try {
      note = JSON.parse(payload ?? '') as Note;
    } catch {
      return;
    }
    if (note.o === this.origin) return;
    if (note.k === 'p') this.emit({ kind: 'payment', msn: note.m, reference: note.r });
    else if (note.k === 'c') this.emit({ kind: 'clock' });
  }

  private emit(change: SharedChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch {
        // One listener's failure must not keep the change from the others.
      }
    }
  }

  /** Stops listening and closes the feed's connection. */
  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = undefined;
    if (client) {
      client.on('error', () => undefined);
      await client.end().catch(() => undefined);
    }
  }
}
