import type { DeliveryStatus } from '@betal/contract';

/**
 * A webhook registration (contract 4.1). Times are epoch ms on the platform clock. `fromSeq` is the last
 * payment-event `seq` that existed when it was registered: it gets only events after it.
 */
export interface WebhookRegistration {
  id: string;
  msn: string;
  url: string;
  events: string[];
  secret: string;
  createdAt: number;
  fromSeq: number;
  /** Since when every attempt to this endpoint has failed (null after a 2xx). */
  failingSince: number | null;
  deletedAt: number | null;
  /** `deleted` (by the API) or `unresponsive` (after 14 days of failures, contract 4.5). */
  deletedReason: string | null;
}

/** A delivery to create at fan-out: one event for one registration, with its body as it will be sent. */
export interface NewDelivery {
  registrationId: string;
  /** The payment event's `seq`: the order of deliveries per registration and payment. */
  seq: number;
  msn: string;
  reference: string;
  eventType: string;
  body: string;
  createdAt: number;
}

/** A delivery as stored: its state in the retry schedule. */
export interface StoredDelivery extends NewDelivery {
  id: number;
  status: DeliveryStatus;
  /** Automatic attempts made so far (redeliveries by hand do not count). */
  attempts: number;
  /** When it is due (pending only). */
  nextAttemptAt: number | null;
  firstAttemptAt: number | null;
  /** When it was delivered, given up or discarded. */
  finishedAt: number | null;
}

/** One HTTP attempt, for the delivery log. `at` is platform ms; `latencyMs` is real time. */
export interface AttemptRecord {
  deliveryId: number;
  at: number;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
  manual: boolean;
}

/** The outcome of an attempt to record, with what becomes of the delivery. */
export interface AttemptOutcome {
  /** The registration the delivery belongs to (its endpoint's failing streak is updated). */
  registrationId: string;
  attempt: AttemptRecord;
  /** delivered; pending again at `nextAttemptAt`; failed (given up); or unchanged (a failed manual attempt). */
  next:
    | { status: 'delivered' }
    | { status: 'pending'; nextAttemptAt: number }
    | { status: 'failed' }
    | { status: 'unchanged' };
  /** Whether the attempt counts in the retry schedule (an automatic one). */
  counts: boolean;
}

/** A delivery with its attempts, oldest first. */
export interface DeliveryWithAttempts extends StoredDelivery {
  attemptLog: Array<AttemptRecord & { attempt: number }>;
}

/** The outcome of registering: the registration, or the event whose limit is reached. */
export type RegisterOutcome = { ok: true } | { ok: false; event: string; limit: number };

/**
 * Persistence of webhook registrations, the outbox cursor, deliveries and their attempts, behind one interface
 * (SQLite now, PostgreSQL can follow). Every method that writes is one transaction.
 */
export interface WebhookStore {
  /**
   * Saves a registration unless one of its events already has `limit(event)` live registrations on the MSN
   * (counted in the same transaction). `fromSeq` is set by the store to the newest payment-event seq.
   */
  register(
    registration: Omit<WebhookRegistration, 'fromSeq'>,
    limit: (event: string) => number,
  ): Promise<RegisterOutcome>;
  findRegistration(id: string): Promise<WebhookRegistration | undefined>;
  /** Live registrations of one MSN, oldest first. */
  listRegistrations(msn: string): Promise<WebhookRegistration[]>;
  /** Live registrations of every MSN, oldest first. */
  liveRegistrations(): Promise<WebhookRegistration[]>;
  /** Every registration, deleted ones too, newest first (for the dashboard). */
  allRegistrations(limit: number): Promise<WebhookRegistration[]>;
  /**
   * Deletes a live registration (kept for the log, marked deleted with `reason`) and discards its pending
   * deliveries. False when there is no live registration `id` on `msn` (any MSN when undefined).
   */
  deleteRegistration(id: string, msn: string | undefined, now: number, reason: string): Promise<boolean>;
  /** Ids of live registrations whose endpoint has failed every attempt since at or before `before`. */
  unresponsiveSince(before: number): Promise<string[]>;
  /**
   * Deletes finished deliveries (delivered, failed or discarded) created before `before` (epoch ms); pending ones
   * stay whatever their age. Returns how many were deleted.
   */
  pruneFinished(before: number): Promise<number>;

  /** The outbox cursor: the last payment-event seq fanned out. */
  cursor(): Promise<number>;
  /**
   * Fans out in one transaction: inserts `deliveries` (only for registrations still live, each event once per
   * registration) and moves the cursor from `from` to `to`. False (and nothing written) if the cursor is no
   * longer `from`.
   */
  fanOut(from: number, to: number, deliveries: NewDelivery[]): Promise<boolean>;

  /**
   * Up to `limit` deliveries of a registration that are due at `now` and first in line for their payment (no
   * earlier pending delivery of the same payment), oldest first, leaving out `exclude` (in flight).
   */
  dueHeads(
    registrationId: string,
    now: number,
    limit: number,
    exclude: ReadonlySet<number>,
  ): Promise<StoredDelivery[]>;
  /** The earliest next attempt after `now` among pending deliveries (ms), or undefined. */
  nextDueAfter(now: number): Promise<number | undefined>;
  /** Records attempts and their outcomes in one transaction; outcomes of deleted deliveries are ignored. */
  record(outcomes: AttemptOutcome[]): Promise<void>;

  findDelivery(id: number): Promise<DeliveryWithAttempts | undefined>;
  /** A registration's deliveries, newest first, with their attempts; `status` filters. */
  listDeliveries(
    registrationId: string,
    options: { limit: number; before?: number; status?: DeliveryStatus },
  ): Promise<DeliveryWithAttempts[]>;
  /** Counts of a registration's deliveries per status. */
  countDeliveries(registrationId: string): Promise<Record<DeliveryStatus, number>>;
}
