/**
 * The storage ports: every persistent thing the platform keeps, behind async interfaces that an implementation
 * (SQLite in `sqlite/`, PostgreSQL in `postgres/`) provides and `test/storage/conformance.ts` checks. Rules for every port:
 *
 * - **Async.** Every read and write returns a promise, so a networked database fits the same shape.
 * - **MSN-scoped.** What belongs to a merchant is looked up by MSN and its own key: another merchant's
 *   reference, registration, image or category does not exist for you. The few platform-wide reads say so
 *   (the outbox, the expiry sweep, a payment by its customer token, the admin lists).
 * - **Atomic.** Each method that writes is one transaction; a payment command, its events and its idempotency
 *   record commit together or not at all ({@link PaymentsPort.execute}).
 * - **Times** are epoch ms on the platform clock unless a field says real time; amounts are minor units.
 * - **Errors.** A write refused because the database is held by another process rejects with `StoreBusyError`
 *   (`./busy.ts`): nothing of it was written and it may be retried. Any other rejection is a fault.
 * - **No HTTP.** Storage knows no status codes; the one HTTP-shaped value it keeps, the rendered answer of an
 *   idempotency key, is opaque to it ({@link RenderedAnswer}).
 */
import type { PaymentPage, PaymentSearch } from './payment-search.js';
import type { StoreCause } from './busy.js';
import type {
  Currency,
  DeliveryStatus,
  OmCategoryType,
  OmPaymentType,
  PaymentEventName,
  Receipt,
} from '@betal/contract';
import type { NewPaymentEvent, Payment } from '../domain/payment.js';
import type { SalesUnit } from '../domain/sales-unit.js';
import type { TestUser } from '../domain/test-user.js';

/**
 * An answer rendered by the HTTP edge and kept for an idempotency key, to be sent again as it was: `status` and
 * JSON `body` (undefined for an empty body). Storage only keeps it; it never reads or makes one.
 */
export interface RenderedAnswer {
  status: number;
  body: unknown;
}

/** What an idempotency key was first used for, and the answer it got (contract 3.8). */
export interface IdempotencyRecord {
  key: string;
  /** `create`, `capture`, `refund` or `cancel`. */
  operation: string;
  reference: string;
  /** A hash of the request that first used the key. */
  fingerprint: string;
  /** The stored rendered answer. */
  response: RenderedAnswer;
}

/**
 * A stored event of the log. `seq` is its **outbox position**: positive, unique across the platform, and
 * increasing in commit order (see {@link OutboxPort}); `timestamp` is epoch ms.
 */
export interface StoredPaymentEvent extends NewPaymentEvent {
  seq: number;
  msn: string;
  reference: string;
  currency: Currency;
  name: PaymentEventName;
}

/** What a command writes: a new or changed payment and the events that change caused. */
export interface PaymentWrite {
  payment: Payment;
  insert: boolean;
  events: NewPaymentEvent[];
}

/**
 * A command's decision: optionally a write, what the command answers its caller (`result`, which the store only
 * hands back), and the answer to keep under the command's idempotency key, for this operation and request
 * fingerprint.
 */
export interface CommandOutcome<R = RenderedAnswer> {
  write?: PaymentWrite;
  result: R;
  remember?: { operation: string; fingerprint: string; response: RenderedAnswer };
}

/**
 * One atomic change of one payment. `decide` is pure and synchronous: it is called inside the store's
 * transaction with the payment as it is (undefined when absent) and the record of the idempotency key (if any),
 * so that changes to one payment are serialized and aggregates can never pass their bounds.
 */
export interface PaymentCommand<R = RenderedAnswer> {
  msn: string;
  reference: string;
  idempotencyKey?: string;
  /**
   * The operation the key is for (`create`, `capture`, `refund`, `cancel`): keys are scoped per MSN, reference
   * and operation, so `existing` is the record of this key for this operation of this payment only.
   */
  operation?: string;
  decide(current: Payment | undefined, existing: IdempotencyRecord | undefined): CommandOutcome<R>;
}

/** A change that has committed: the payment after it and the events it caused. */
export interface CommittedChange {
  payment: Payment;
  events: NewPaymentEvent[];
}

/**
 * A user's consent to share profile data with one merchant (contract 3.13): remembered per user and MSN, so a
 * second payment with the same scopes does not ask again. `grantedAt` is epoch ms on the platform clock.
 */
export interface Consent {
  msn: string;
  phoneNumber: string;
  sub: string;
  scopes: string[];
  grantedAt: number;
}

/** Payments and their event log, every one scoped by MSN. */
export interface PaymentsPort {
  /**
   * Runs a command atomically: the payment write, its events (which join the outbox) and the idempotency record
   * commit together or not at all, and changes of one payment are serialized. Resolves with the outcome's
   * `result` once committed; rejects with what `decide` threw (nothing written) or with `StoreBusyError`. Throws
   * when a write names another payment than the command's.
   */
  execute<R>(command: PaymentCommand<R>): Promise<R>;
  findPayment(msn: string, reference: string): Promise<Payment | undefined>;
  /** A payment by its customer token (platform-wide: the token is unique and secret). */
  findPaymentByToken(token: string): Promise<Payment | undefined>;
  /** The events of one payment, oldest first (outbox position order). */
  listEvents(msn: string, reference: string): Promise<StoredPaymentEvent[]>;
  /** CREATED payments of every MSN whose expiry is at or before `now` (ms), soonest first, at most `limit`. */
  listOverdue(now: number, limit: number): Promise<Array<{ msn: string; reference: string }>>;
  /** Payments of one MSN, newest first, at most `limit`. */
  listPayments(msn: string, limit: number): Promise<Payment[]>;
  /**
   * Payments matching every filter of `query` (MSN, states, reference prefix, created since/until in epoch ms on
   * the platform clock), newest first (the order they were stored in), at most `query.limit`, below the cursor
   * `query.before`; `next` is the cursor of the next page, undefined on the last (storage/payment-search.ts).
   */
  searchPayments(query: PaymentSearch): Promise<PaymentPage<Payment>>;
  /**
   * Calls `listener` after every committed change of a payment (webhook delivery and the customer's app wake up
   * on it), in commit order, before `execute` resolves. Returns a function that removes the listener.
   */
  onCommit(listener: (commit: CommittedChange) => void): () => void;
}

/**
 * The outbox: every payment event of the platform, read by the webhook dispatcher with a cursor (the position
 * of the last event it has fanned out, kept with the deliveries, {@link WebhooksPort.fanOut}).
 *
 * **Contract** (what the dispatcher relies on, and every implementation must give):
 * 1. *Commit order.* Events become visible in the order their commands committed: once an event at position
 *    `p` is visible, no event at a position below `p` can become visible later. A cursor at `p` therefore never
 *    skips an event. (SQLite gets this from its single writer assigning `seq` inside the transaction; a store
 *    with concurrent writers must assign the position at commit, e.g. under a commit-time lock, or hold back
 *    positions above the oldest transaction still in flight. PostgreSQL inserts events without a position and
 *    numbers them after commit in a sequencer transaction, the only holder of an advisory lock held until its
 *    commit: `PostgresStore` in `postgres/store.ts`.)
 * 2. *Per-payment order.* The events of one payment have increasing positions in the order they happened.
 * 3. *At least once.* Reading does not consume: `eventsAfter(cursor)` answers the same events until the cursor
 *    is moved past them, and the cursor moves only together with the deliveries made from them (the ack,
 *    {@link WebhooksPort.fanOut}). A crash between read and ack makes the events read again, never lost.
 */
export interface OutboxPort {
  /** The newest visible position (0 when there are no events). */
  latestEventSeq(): Promise<number>;
  /** Events of every payment at positions after `seq`, in position order, at most `limit`. */
  eventsAfter(seq: number, limit: number): Promise<StoredPaymentEvent[]>;
}

/** Sales units (merchants): keyed by MSN, found by their client id too. */
export interface SalesUnitsPort {
  /** Inserts or replaces the unit with this MSN. */
  saveSalesUnit(unit: SalesUnit): Promise<void>;
  findSalesUnitByMsn(msn: string): Promise<SalesUnit | undefined>;
  findSalesUnitByClientId(clientId: string): Promise<SalesUnit | undefined>;
  /** Every unit, by MSN. */
  listSalesUnits(): Promise<SalesUnit[]>;
  /**
   * Deletes the unit with this MSN and all its data in one transaction: payments, their events and idempotency
   * keys, webhook registrations and their deliveries, Order Management data (images, categories, receipts),
   * consents and the customers' inbox entries of it. Another MSN's data is untouched; outbox positions are never
   * handed out again. With `keepUnit` the unit itself stays (a reset of one sales unit). False when there was no
   * unit with this MSN (its data, if any, is deleted all the same).
   */
  deleteMerchant(msn: string, options?: { keepUnit?: boolean }): Promise<boolean>;
  /**
   * Deletes everything in one transaction: every sales unit and its data, every test user and consent, and the
   * settings except `keepSettings` (signing keys, the admin token). The outbox cursor stays where it is and
   * positions are never handed out again, so a running dispatcher misses nothing written after.
   */
  deleteEverything(options: { keepSettings: readonly string[] }): Promise<void>;
}

/** Test users (the simulated customers), keyed by phone number (digits with country code). */
export interface TestUsersPort {
  /** Inserts or replaces the user with this phone number. */
  saveUser(user: TestUser): Promise<void>;
  findUser(phoneNumber: string): Promise<TestUser | undefined>;
  findUserByCustomerToken(token: string): Promise<TestUser | undefined>;
  /** Every user, by phone number. */
  listUsers(): Promise<TestUser[]>;
  /** False when there was no such user. */
  deleteUser(phoneNumber: string): Promise<boolean>;
}

/** Consents (contract 3.13), one per MSN and user; `sub` is unique per MSN. */
export interface ConsentsPort {
  /** Inserts or replaces the consent of this user for this MSN. */
  saveConsent(consent: Consent): Promise<void>;
  findConsent(msn: string, phoneNumber: string): Promise<Consent | undefined>;
  findConsentBySub(msn: string, sub: string): Promise<Consent | undefined>;
}

/**
 * Platform settings, string values by key: `dev_seeded`, `subject_key`, `token_signing_key`, `admin_token`, users'
 * PINs, and the test clock's persisted state `clock_offset_ms` (its offset in ms, as a decimal string).
 */
export interface SettingsPort {
  getSetting(key: string): Promise<string | undefined>;
  /** Inserts or replaces. */
  setSetting(key: string, value: string): Promise<void>;
}

/**
 * A change another process on the same database committed, as the store's change feed hears it ({@link SharedPort}):
 * a payment's (its events, or its customer-side stage) or the test clock's. `resync`: the feed was
 * cut and is back, so changes may have been missed; whoever listens reads what it holds again.
 */
export type SharedChange =
  { kind: 'payment'; msn: string; reference: string } | { kind: 'clock' } | { kind: 'resync' };

/** What {@link SharedPort.sync} reads: the state every process on one database must agree on at each request. */
export interface SharedState {
  /** The test clock's offset in ms (the `clock_offset_ms` setting; 0 when none). */
  clockOffsetMs: number;
  /** Changes whenever a sales unit is saved or deleted or everything is reset; compare for equality only. */
  salesUnitsStamp: string;
}

/**
 * What several processes on one database keep in step through it (issue #12). Only a store that several processes
 * may share has it (PostgreSQL); without it a process is alone (SQLite) and keeps this state in memory.
 */
export interface SharedPort {
  /** One read of {@link SharedState}; rejects with the database's error when it cannot be reached. */
  sync(): Promise<SharedState>;
  /**
   * Moves the shared test clock forward by `ms` (a finite number >= 0) atomically, so that concurrent advances
   * on several processes add up, and announces it on the change feed. Resolves with the new offset in ms.
   */
  advanceClock(ms: number): Promise<number>;
  /**
   * Counts one call against the fixed window of `id` (`windowMs` long, epoch ms on the platform clock): a window
   * that ended by `now` is started again at `now`. Resolves with the window's start and its count, this call
   * included. Atomic across processes.
   */
  hitRateLimit(id: string, now: number, windowMs: number): Promise<{ start: number; count: number }>;
  /**
   * Calls `listener` for each change other processes commit (not this process's own: `onCommit` has those), as
   * soon as it is heard, and with `resync` after the feed reconnected. Returns a function that removes it.
   */
  onChange(listener: (change: SharedChange) => void): () => void;
}

/**
 * The whole storage of one platform, as `openStorage` (`./open.ts`) builds it: the core ports flat (payments,
 * outbox, sales units, test users, consents, settings) and the feature ports as fields.
 */
export interface Storage
  extends PaymentsPort, OutboxPort, SalesUnitsPort, TestUsersPort, ConsentsPort, SettingsPort {
  readonly webhooks: WebhooksPort;
  readonly orderManagement: OrderManagementPort;
  readonly inbox: CustomerInboxPort;
  /** Named copies of the whole state (issue #13): {@link SnapshotsPort}. */
  readonly snapshots: SnapshotsPort;
  /** Present when several processes may share the storage (PostgreSQL): what they keep in step through it. */
  readonly shared?: SharedPort;
  /** What is wrong with the storage now (readiness names it); empty: nothing known. */
  health(): StoreCause[];
  /** Closes the connection; the storage must not be used after. */
  close(): Promise<void>;
}

/** The older name of {@link Storage}, kept for the package's users and the services that still say it. */
export type PlatformStore = Storage;

/**
 * A webhook registration (contract 4.1). Times are epoch ms on the platform clock. `fromSeq` is the newest
 * outbox position when it was registered: it gets only events after it.
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

/**
 * One attempt to send a delivery to the merchant's endpoint, for the delivery log. `at` is platform ms;
 * `latencyMs` is real time; `statusCode` is what the endpoint answered (null: no answer, see `error`).
 */
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

/** What {@link WebhooksPort.claimDueHeads} claims: the arguments of `dueHeads`, and how long the claim lasts. */
export interface DueClaim {
  registrationId: string;
  /** The platform clock's now (epoch ms): deliveries whose next attempt is at or before it are due. */
  now: number;
  /** At most this many deliveries. */
  limit: number;
  /** Delivery ids to leave out (in flight in this process). */
  exclude: ReadonlySet<number>;
  /** How long the claim lasts, in real ms. */
  leaseMs: number;
}

/**
 * Webhook registrations, the outbox cursor, deliveries and their attempts. Every method that writes is one
 * transaction. Registrations and deliveries are found by id (a random UUID, and a number the store assigns);
 * the MSN-scoped reads and deletes take the MSN.
 */
export interface WebhooksPort {
  /**
   * Saves a registration unless one of its events already has `limit(event)` live registrations on the MSN
   * (counted in the same transaction). `fromSeq` is the outbox position it starts after: the caller reads
   * {@link OutboxPort.latestEventSeq} just before, so the registration gets the events committed from then on.
   */
  register(registration: WebhookRegistration, limit: (event: string) => number): Promise<RegisterOutcome>;
  /** A registration by id, deleted ones too, of any MSN (the caller checks the MSN where it matters). */
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

  /** The outbox cursor: the position of the last event fanned out (0 at first). */
  cursor(): Promise<number>;
  /**
   * Fans out in one transaction, the outbox's ack: inserts `deliveries` (only for registrations still live,
   * each event once per registration) and moves the cursor from `from` to `to`. False (and nothing written) if
   * the cursor is no longer `from` (another dispatcher acked first); until it moves, the events are read again.
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
  /**
   * Like {@link WebhooksPort.dueHeads}, and claims what it returns for `leaseMs` (real ms): until the claim is
   * recorded (`record`) or its lease runs out, no other claim returns those deliveries, nor any later delivery of
   * the same payment (they are not first in line). Several processes sharing one database so never send one
   * delivery at the same time, and a claim whose process died is taken again once its lease is over (delivery
   * stays at least once). A store that only one process can open may return the same as `dueHeads`.
   */
  claimDueHeads(claim: DueClaim): Promise<StoredDelivery[]>;
  /** The earliest next attempt after `now` among pending deliveries (ms), or undefined. */
  nextDueAfter(now: number): Promise<number | undefined>;
  /** Records attempts and their outcomes in one transaction; outcomes of deleted deliveries are ignored. */
  record(outcomes: AttemptOutcome[]): Promise<void>;

  /** A delivery by id, with its attempts (any MSN: the delivery log is the platform's own). */
  findDelivery(id: number): Promise<DeliveryWithAttempts | undefined>;
  /**
   * A registration's deliveries, newest first (by outbox position), with their attempts, at most `limit`;
   * `status` filters; `before` (a delivery id) pages on from that delivery (from the newest when unknown).
   */
  listDeliveries(
    registrationId: string,
    options: { limit: number; before?: number; status?: DeliveryStatus },
  ): Promise<DeliveryWithAttempts[]>;
  /** Counts of a registration's deliveries per status. */
  countDeliveries(registrationId: string): Promise<Record<DeliveryStatus, number>>;
}

/** An uploaded image (contract 6, `POST /v1/images`): the decoded file and what its header says. */
export interface StoredImage {
  msn: string;
  imageId: string;
  mediaType: 'image/png' | 'image/jpeg';
  /** Pixels, read from the file header. */
  width: number;
  height: number;
  bytes: Buffer;
  /** Epoch ms on the platform clock. */
  createdAt: number;
}

/**
 * A category of an order (contract 6): what the app shows as the order's link ("See details") and image. One
 * record per v3 `POST /v3/categories`; the v2 upsert (`PUT /v2/{paymentType}/categories/{orderId}`) keeps one
 * record per order that it overwrites. The app shows the latest written record of the order.
 */
export interface CategoryRecord {
  /** UUID. */
  categoryId: string;
  msn: string;
  paymentType: OmPaymentType;
  orderId: string;
  type: OmCategoryType;
  url: string;
  imageId?: string;
  /** `v2` for the upserted record of an order, `v3` for an added one. */
  source: 'v2' | 'v3';
  /** Epoch ms on the platform clock. */
  createdAt: number;
  updatedAt: number;
}

/** A receipt attached through Order Management (contract 6): immutable once stored. */
export interface ReceiptRecord {
  /** UUID, the 201 body of `POST /v2/{paymentType}/receipts/{orderId}`. */
  receiptId: string;
  msn: string;
  paymentType: OmPaymentType;
  orderId: string;
  receipt: Receipt;
  /** Epoch ms on the platform clock. */
  createdAt: number;
}

/**
 * Order Management data (contract 6), every read and write scoped by MSN: another merchant's images, orders
 * and categories do not exist for you. Unique keys do the conflict checks (`false` answers, nothing written).
 */
export interface OrderManagementPort {
  /** Stores a new image; false (and nothing written) when the MSN already has one with this id. */
  insertImage(image: StoredImage): Promise<boolean>;
  findImage(msn: string, imageId: string): Promise<StoredImage | undefined>;
  /** Whether the MSN has an image with this id (without reading its bytes). */
  imageExists(msn: string, imageId: string): Promise<boolean>;

  /**
   * The v2 upsert: overwrites the order's v2 category (keeping its id and creation time) or inserts `record`.
   * Either way it becomes the order's latest category. Returns the record as stored.
   */
  upsertOrderCategory(record: CategoryRecord): Promise<CategoryRecord>;
  /** The v3 add: inserts a new category, which becomes the order's latest. */
  addCategory(record: CategoryRecord): Promise<void>;
  /** The category written last for the order, if any. */
  latestCategory(
    msn: string,
    paymentType: OmPaymentType,
    orderId: string,
  ): Promise<CategoryRecord | undefined>;
  /** Every category of an order id (any payment type), oldest first. */
  listCategories(msn: string, orderId: string): Promise<CategoryRecord[]>;
  /** A category of the MSN by its id. */
  findCategory(msn: string, categoryId: string): Promise<CategoryRecord | undefined>;
  /** Deletes one category; false when the MSN has none with this id. */
  deleteCategory(msn: string, categoryId: string): Promise<boolean>;

  /** Stores the order's receipt; false (and nothing written) when the order already has one. */
  insertReceipt(record: ReceiptRecord): Promise<boolean>;
  /** The order's receipt, if one was stored for this MSN, payment type and order id. */
  findReceipt(msn: string, paymentType: OmPaymentType, orderId: string): Promise<ReceiptRecord | undefined>;
}

/** One payment request in a user's app: which merchant's payment, and when it reached the app (epoch ms). */
export interface InboxEntry {
  msn: string;
  reference: string;
  addedAt: number;
}

/**
 * Which payment requests reached which user's app (pushed, landing step done, app switch, or authorized by the
 * user): the index behind the app's request list, Activities and history. Append-only; the payments themselves
 * stay in the payment store, so a listing always shows their current state.
 */
export interface CustomerInboxPort {
  /**
   * Notes that the payment reached the app of `phoneNumber` at `addedAt` (ms); a second call for the same payment
   * is a no-op (the first time is kept).
   */
  add(phoneNumber: string, msn: string, reference: string, addedAt: number): Promise<void>;
  /** The user's entries, newest first (ties: reference descending), at most `limit`. */
  list(phoneNumber: string, limit: number): Promise<InboxEntry[]>;
  /** Whether the payment ever reached that user's app. */
  has(phoneNumber: string, msn: string, reference: string): Promise<boolean>;
}

/**
 * What a snapshot holds, without its data: `createdAt` is epoch ms on the platform clock when it was saved,
 * `bytes` the size of its serialized rows, `counts` the rows per table (`payments`, `payment_events`,
 * `webhook_deliveries`, ...), and `meta` what the caller gave to keep with it (opaque to the store).
 */
export interface SnapshotInfo {
  name: string;
  createdAt: number;
  bytes: number;
  counts: Record<string, number>;
  meta: unknown;
}

/**
 * Snapshots of the whole stored state (issue #13 item 2): every table of data (payments and their events, the
 * idempotency keys, the outbox cursor, webhook registrations and deliveries with their attempt logs, Order
 * Management data, the customer inbox, consents, test users, sales units and settings) copied under a name
 * inside the database, and put back exactly. Snapshots themselves are not part of a snapshot, and are kept
 * across resets and restores. Outbox positions and delivery ids are never handed out again after a restore.
 */
export interface SnapshotsPort {
  /**
   * Copies the whole state under `name` in one transaction (a consistent view), replacing a snapshot of that
   * name. `meta` (JSON-serializable) is kept with it. Resolves with what was saved.
   */
  save(name: string, createdAt: number, meta: unknown): Promise<SnapshotInfo>;
  /** Every snapshot, oldest first. */
  list(): Promise<SnapshotInfo[]>;
  /**
   * Replaces the whole state by the snapshot's in one transaction: every table of data emptied and filled with
   * the saved rows, except the settings named in `keepSettings` (they stay as they are now). Resolves with the
   * snapshot's info, or undefined (nothing changed) when there is no snapshot of that name.
   */
  restore(name: string, options: { keepSettings: readonly string[] }): Promise<SnapshotInfo | undefined>;
  /** False when there was no snapshot of that name. */
  delete(name: string): Promise<boolean>;
}
