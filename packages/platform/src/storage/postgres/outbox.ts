import type pg from 'pg';
import type { CommittedChange } from '../ports.js';
import { LOCK, LOCK_CLASS } from './connection.js';

/** How many events one sequencer statement gives positions at most; a full batch is followed by another. */
const SEQUENCE_BATCH = 5000;

/**
 * Gives the committed events without a position (`seq IS NULL`) the next positions of `payment_events_seq`, in
 * the order of their row ids, in one statement, and answers the `(id, seq)` pairs it assigned. Rows of
 * transactions still in flight are invisible to it (READ COMMITTED) and keep waiting for a later run.
 */
const ASSIGN_POSITIONS = `WITH picked AS (
    SELECT id FROM payment_events WHERE seq IS NULL ORDER BY id LIMIT ${SEQUENCE_BATCH} FOR UPDATE
  ), numbered AS (
    SELECT id, nextval('payment_events_seq') AS seq FROM (SELECT id FROM picked ORDER BY id) AS p
  )
  UPDATE payment_events e SET seq = n.seq FROM numbered n WHERE e.id = n.id RETURNING e.id, e.seq`;

/** A committed (or committing) change of this process whose events are waiting for their positions. */
export interface OutboxEntry {
  /** The row ids of its events (`payment_events.id`), known once they are inserted. */
  readonly ids: readonly number[];
  /** The lowest position of its events, once a sequencer (of any process) gave them positions. */
  seq?: number;
  /** The change, set once its transaction committed; until then the entry holds back later positions. */
  commit?: CommittedChange;
  /** Resolves the command's `execute` once the change has been announced. */
  fire?: () => void;
  /** For a change without events: the committed entries it is announced after (they committed before it). */
  after?: ReadonlySet<OutboxEntry>;
}

/**
 * The outbox's sequencer and this process's announcements (see `PostgresStore`, "The outbox").
 *
 * **Positions.** A command's transaction inserts its events with no position. {@link OutboxSequencer.sequence}
 * runs one short transaction that takes the outbox lock (`LOCK.outbox`, transaction level, per schema), gives
 * every committed event without a position the next positions in row-id order (`ASSIGN_POSITIONS`) and commits.
 * Only sequencers take that lock, never a command's transaction, and one run serves every event committed before
 * it, so the lock is held once per batch instead of once per command. Runs of one process are coalesced: a call
 * while a run is under way joins the next run, which starts when the current one ends.
 *
 * **Announcements.** Entries of this process are announced in position order: an entry whose positions are known
 * waits for every entry of this process with lower positions to be committed and announced. Positions are learnt
 * from the run's own assignments and, for events another process's sequencer numbered, from a lookup by row id
 * in the same round trip. When a run fails (the database is gone, the lock wait ran out), the committed entries
 * still waiting are announced at once in the order they committed, and their events get positions from a later
 * run (of any process, or of the next reader).
 */
export class OutboxSequencer {
  /** Registered entries (inserted, not yet announced), in registration order. */
  private readonly entries = new Set<OutboxEntry>();
  private current: Promise<void> | undefined;
  private next: Promise<void> | undefined;

  constructor(
    private readonly pool: pg.Pool,
    /** The lock wait of a run, in ms (`lock_timeout`). */
    private readonly lockWaitMs: number,
    /** Called with each change, in the order described above. */
    private readonly announce: (commit: CommittedChange) => void,
  ) {}

  /** Registers a change whose events were inserted as rows `ids`, before its transaction commits. */
  register(ids: readonly number[]): OutboxEntry {
    const entry: OutboxEntry = { ids };
    this.entries.add(entry);
    return entry;
  }

  /** Forgets an entry whose transaction did not commit (rolled back, or the connection failed). */
  drop(entry: OutboxEntry): void {
    this.entries.delete(entry);
    this.flush();
  }

  /** Resolves once `entry`'s change, committed as `commit`, has been announced (after its events got positions). */
  committed(entry: OutboxEntry, commit: CommittedChange): Promise<void> {
    const announced = new Promise<void>((resolve) => (entry.fire = resolve));
    entry.commit = commit;
    this.flush();
    void this.sequence().catch(() => undefined);
    return announced;
  }

  /**
   * Resolves once `commit`, a committed change without events, has been announced: at once, or after the changes
   * of this process that committed before it and are still waiting for their positions.
   */
  committedWithoutEvents(commit: CommittedChange): Promise<void> {
    const after = new Set([...this.entries].filter((e) => e.commit));
    if (after.size === 0) {
      this.announce(commit);
      return Promise.resolve();
    }
    const entry: OutboxEntry = { ids: [], commit, after };
    const announced = new Promise<void>((resolve) => (entry.fire = resolve));
    this.entries.add(entry);
    return announced;
  }

  /**
   * Gives every event committed before the call a position: resolves once a run that started after the call has
   * committed. Rejects with the database's error when the run failed (after announcing what was waiting).
   */
  sequence(): Promise<void> {
    if (!this.current) {
      this.current = this.run().finally(() => (this.current = undefined));
      return this.current;
    }
    this.next ??= this.current
      .catch(() => undefined)
      .then(() => {
        this.next = undefined;
        return this.sequence();
      });
    return this.next;
  }

  private async run(): Promise<void> {
    const client = await this.pool.connect().catch((error: unknown) => {
      this.giveUp();
      throw error;
    });
    let broken: Error | undefined;
    try {
      for (;;) {
        const waiting = [...this.entries]
          .filter((e) => e.seq === undefined && !e.after)
          .flatMap((e) => e.ids);
        // One round trip, one implicit transaction: the lock is released when the last statement is done.
        const results = (await client.query(
          `SELECT set_config('lock_timeout', '${this.lockWaitMs}ms', true);
           SELECT pg_advisory_xact_lock(${LOCK_CLASS + LOCK.outbox}, hashtext(COALESCE(current_schema(), '')));
           ${ASSIGN_POSITIONS};
           SELECT id, seq FROM payment_events WHERE id = ANY('{${waiting.join(',')}}'::bigint[])
             AND seq IS NOT NULL`,
        )) as unknown as pg.QueryResult<{ id: number; seq: number }>[];
        const assigned = results[2]?.rows ?? [];
        this.learn([...assigned, ...(results[3]?.rows ?? [])]);
        if (assigned.length < SEQUENCE_BATCH) return;
      }
    } catch (error) {
      broken = error as Error;
      this.giveUp();
      throw error;
    } finally {
      // A failed query leaves nothing open (the implicit transaction rolled back); a broken connection is dropped.
      client.release(broken && !('code' in broken) ? broken : undefined);
    }
  }

  /** Notes the positions of this process's entries among `rows` and announces what can be announced. */
  private learn(rows: ReadonlyArray<{ id: number; seq: number }>): void {
    const positions = new Map(rows.map((r) => [r.id, r.seq]));
    for (const entry of this.entries) {
      if (entry.seq !== undefined) continue;
      const seqs = entry.ids.map((id) => positions.get(id)).filter((s) => s !== undefined);
      if (seqs.length > 0) entry.seq = Math.min(...seqs);
    }
    this.flush();
  }

  /**
   * Announces, in position order, the entries with positions whose lower-positioned entries are all announced;
   * then the changes without events whose predecessors are all announced.
   */
  private flush(): void {
    const known = [...this.entries].filter((e) => e.seq !== undefined);
    known.sort((x, y) => (x.seq as number) - (y.seq as number));
    for (const entry of known) {
      if (!entry.commit) break;
      this.fire(entry);
    }
    for (const entry of this.entries) {
      if (entry.after && ![...entry.after].some((e) => this.entries.has(e))) this.fire(entry);
    }
  }

  /** A run failed: the committed entries still waiting are announced now, in the order they committed. */
  private giveUp(): void {
    for (const entry of [...this.entries]) if (entry.commit) this.fire(entry);
  }

  private fire(entry: OutboxEntry): void {
    this.entries.delete(entry);
    this.announce(entry.commit as CommittedChange);
    entry.fire?.();
  }
}
