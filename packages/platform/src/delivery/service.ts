import { randomBytes, randomUUID } from 'node:crypto';
import {
  epaymentEventType,
  webhookLimitFor,
  type Delivery,
  type DeliveryStatus,
  type RegisterWebhookRequest,
  type Webhook,
  type WebhookEvent,
} from '@betal/contract';
import type { Clock } from '../clock.js';
import { FieldError } from '../domain/errors.js';
import { ApiError } from '../kernel/errors.js';
import { webhookPayload } from '../apis/epayment/wire.js';
import {
  DEFAULT_TIMEOUT_MS,
  UNRESPONSIVE_DELETE_MS,
  DELIVERY_RETENTION_MS,
  nextAttemptAt,
} from './schedule.js';
import { DestinationPolicy, type ResolveHost } from './destinations.js';
import { WebhookSender, type SendRequest, type SendResult } from './sender.js';
import type {
  AttemptOutcome,
  DeliveryWithAttempts,
  NewDelivery,
  StoredDelivery,
  PlatformStore,
  WebhookRegistration,
  WebhooksPort,
} from '../storage/ports.js';

/** Settings of the webhook service; every one has a default. */
export interface WebhookServiceOptions {
  /** Dev mode: `http://` and localhost URLs may be registered (with a lint notice). */
  devMode: boolean;
  /** Real time for `x-ms-date` (epoch ms). Default `Date.now`: receivers check freshness against real time. */
  wallClock?: Clock;
  /** A receiver that has not answered within this many ms (real time) has failed. Default 10 000 (contract 4.5). */
  timeoutMs?: number;
  /** At most this many attempts in flight per registration. Default 16. */
  concurrencyPerEndpoint?: number;
  /** How often (real ms) the dispatcher looks for due work even when nothing wakes it. Default 1000. */
  pollMs?: number;
  /**
   * How long (real ms) a claim on due deliveries lasts (see `WebhooksPort.claimDueHeads`): another process sharing
   * the database takes a delivery again only after this, so it must outlast the read-ahead being sent (up to 256
   * per registration, `concurrencyPerEndpoint` at a time, each at most `timeoutMs`). Default 300 000.
   */
  claimLeaseMs?: number;
  /** Events read from the outbox per fan-out transaction. Default 1000. */
  fanOutBatch?: number;
  /**
   * Hosts that may receive webhooks outside dev mode although they resolve to internal addresses
   * (`BETAL_ALLOW_WEBHOOK_HOSTS`). Default none.
   */
  allowHosts?: readonly string[];
  /** Resolves webhook hosts at registration and at connect time; default the system resolver. Tests inject one. */
  resolve?: ResolveHost;
  /** Fault rules on deliveries (issue #13, services/faults.ts); asked before each automatic attempt. */
  faults?: DeliveryFaults;
  /** Where the dispatcher reports its own failures (pino-like). */
  log?: { error(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

/**
 * The hook of fault rules on deliveries (services/faults.ts): asked before each automatic attempt, it answers the
 * rule that fired: `drop` (not sent, recorded as delivered), `duplicate` (sent twice), `delay` (sent after `ms`
 * real ms), `reorder` (recorded as delivered and sent after the next delivery of the same payment to the same
 * registration, or after `ms`, default 2 000).
 */
export interface DeliveryFaults {
  fireDelivery(facts: {
    msn: string;
    reference: string;
    eventType: string;
    url: string;
  }):
    { ruleId: string; action: { type: 'drop' | 'duplicate' | 'reorder' | 'delay'; ms?: number } } | undefined;
}

/** Common ports the real service delivers to (contract 4.1); others get a lint notice. */
const COMMON_PORTS = new Set(['', '80', '443', '8080']);
/** How many due deliveries of a registration one query reads ahead. */
const READ_AHEAD = 256;
/** Default lease of a claim on due deliveries (real ms); see {@link WebhookServiceOptions.claimLeaseMs}. */
const DEFAULT_CLAIM_LEASE_MS = 300_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function isLocal(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return (
    h === 'localhost' ||
    h.endsWith('.localhost') ||
    h === '::1' ||
    h === '0.0.0.0' ||
    /^127\./.test(h) ||
    /^10\./.test(h) ||
    /^192\.168\./.test(h) ||
    /^172\.(1[6-9]|2\d|3[01])\./.test(h)
  );
}

/**
 * The registration URL rule (contract 4.1): https and a publicly reachable host. Dev mode also accepts `http://`
 * and localhost/private hosts, each with a lint notice; a port other than 80, 443 or 8080 gets a lint notice
 * everywhere (the real service may not deliver there). Throws FieldError naming `url`.
 */
export function checkWebhookUrl(
  raw: string,
  devMode: boolean,
  notices: string[],
  allowHosts: readonly string[] = [],
): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new FieldError('url', 'The field Url must be an absolute URL.');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new FieldError('url', 'The field Url must be an https URL.');
  }
  if (url.username || url.password)
    throw new FieldError('url', 'The field Url must not contain credentials.');
  if (url.protocol === 'http:') {
    if (!devMode) throw new FieldError('url', 'The field Url must use HTTPS.');
    notices.push('url uses http://; accepted in dev mode only, the real service requires https.');
  }
  if (isLocal(url.hostname) && !allowHosts.includes(url.hostname.replace(/\.$/, ''))) {
    if (!devMode)
      throw new FieldError('url', 'The field Url must be publicly reachable (not a local address).');
    notices.push(
      `url host ${url.hostname} is local; accepted in dev mode only, the real service cannot reach it.`,
    );
  }
  if (!COMMON_PORTS.has(url.port)) {
    notices.push(`url port ${url.port} is not 80, 443 or 8080; the real service may not deliver to it.`);
  }
  return url;
}

/** A registration as the Webhooks API lists it (no secret). Contract 4.1. */
function webhookView(r: WebhookRegistration): Webhook {
  return { id: r.id, url: r.url, events: r.events };
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** A delivery with its attempts as Betal's delivery log shows it (JSON API and dashboard). */
export function deliveryView(d: DeliveryWithAttempts): Delivery {
  return {
    id: String(d.id),
    webhookId: d.registrationId,
    eventType: d.eventType,
    msn: d.msn,
    reference: d.reference,
    status: d.status,
    createdAt: new Date(d.createdAt).toISOString(),
    nextAttemptAt: d.status === 'pending' ? iso(d.nextAttemptAt) : null,
    payload: JSON.parse(d.body) as unknown,
    attempts: d.attemptLog.map((a) => ({
      attempt: a.attempt,
      at: new Date(a.at).toISOString(),
      statusCode: a.statusCode,
      latencyMs: a.latencyMs,
      error: a.error,
      manual: a.manual,
    })),
  };
}

/** A registration with its delivery counts, for Betal's delivery log (deleted ones included). */
export interface RegistrationSummary extends Webhook {
  msn: string;
  createdAt: string;
  deletedAt: string | null;
  deletedReason: string | null;
  failingSince: string | null;
  deliveries: Record<DeliveryStatus, number>;
}

interface Flight {
  promise: Promise<void>;
}

/**
 * Webhooks (contract 4): the registrations of the Webhooks API, and delivery of every ePayment event from the
 * transactional outbox (`payment_events`) to each registration subscribed to it, signed (4.4) and retried on the
 * platform clock (4.5).
 *
 * The dispatcher, woken by every commit (and by a timer as fallback), first fans new events out, in one
 * transaction, into one delivery per subscribed registration and moves the outbox cursor; then it sends the
 * deliveries that are due and first in line for their payment (a failing event holds back later events of the
 * same payment for that registration; others go on), at most `concurrencyPerEndpoint` at a time per
 * registration. An attempt's outcome is written after the answer: delivery is at least once, and a crash at any
 * moment loses nothing that was committed. Due deliveries are claimed for a lease when read (`claimDueHeads`), so
 * dispatchers of several processes on one PostgreSQL database never send one delivery at the same time, and keep
 * each payment's order (a later event waits while an earlier one is pending, claimed by whichever process).
 */
export class WebhookService {
  private readonly sender: WebhookSender;
  private readonly destinations: DestinationPolicy | undefined;
  private readonly concurrency: number;
  private readonly pollMs: number;
  private readonly fanOutBatch: number;
  private readonly inflight = new Map<number, Flight>();
  private readonly busy = new Map<string, number>();
  private readonly toRecord: Array<{ outcome: AttemptOutcome; done: (error?: unknown) => void }> = [];
  private flushScheduled = false;
  private pumping: Promise<number> | undefined;
  private rerun = false;
  private wakeScheduled = false;
  private timer: NodeJS.Timeout | undefined;
  /** When (real epoch ms) the timer fires. */
  private timerFiresAt = 0;
  private unsubscribe: (() => void) | undefined;
  private running = false;
  private stopped = false;
  /** New outbox events may exist (a commit happened): the next pump fans out. */
  private outboxDirty = true;
  /** The outbox cursor as last written (read from the store once). */
  private cursorSeq: number | undefined;
  /** Live registrations, cached until one is registered or deleted. */
  private live: WebhookRegistration[] | undefined;
  /** Per registration: due deliveries first in line for their payment, read ahead in one query. */
  private readonly ready = new Map<string, StoredDelivery[]>();
  /** Registrations that may have new due deliveries (fan-out, a recorded outcome). */
  private readonly dirty = new Set<string>();
  /** Every registration may have new due deliveries (the clock moved, the fallback timer, a test round). */
  private dirtyAll = true;

  constructor(
    private readonly store: PlatformStore,
    private readonly hooks: WebhooksPort,
    private readonly clock: Clock,
    private readonly options: WebhookServiceOptions,
  ) {
    const wall = options.wallClock ?? { now: () => Date.now() };
    this.concurrency = Math.max(1, options.concurrencyPerEndpoint ?? 16);
    this.pollMs = Math.max(10, options.pollMs ?? 1000);
    this.fanOutBatch = Math.max(1, options.fanOutBatch ?? 1000);
    // Outside dev mode every connection is checked against the destination policy (no internal addresses).
    this.destinations = options.devMode
      ? undefined
      : new DestinationPolicy({
          ...(options.allowHosts ? { allowHosts: options.allowHosts } : {}),
          ...(options.resolve ? { resolve: options.resolve } : {}),
        });
    const policy = this.destinations;
    this.sender = new WebhookSender({
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      connectionsPerEndpoint: this.concurrency,
      wallNow: () => wall.now(),
      ...(policy ? { connector: (timeoutMs: number) => policy.connector(timeoutMs) } : {}),
    });
  }

  // ---------------------------------------------------------------- Webhooks API (contract 4.1)

  /**
   * Registers a webhook for `msn`: 201 `{id, secret}`, or 400 naming the field (bad URL, too many registrations
   * for an event: 25 per event per MSN, 1 for `user.checked-in.v1`; outside dev mode, a host that is or resolves to
   * an internal address, see destinations.ts). Repeated events are kept once, with a lint
   * notice. The secret is random (64 bytes, base64) and shown only here. Contract 4.1.
   */
  async register(
    msn: string,
    req: RegisterWebhookRequest,
    notices: string[],
  ): Promise<{ id: string; secret: string }> {
    const allow = (this.options.allowHosts ?? []).map((h) => h.toLowerCase());
    const url = checkWebhookUrl(req.url, this.options.devMode, notices, allow);
    // Outside dev mode the host is resolved now and each address must be public (checked again at connect).
    const refusal = this.destinations && (await this.destinations.check(url.hostname));
    if (refusal) {
      throw new FieldError(
        'url',
        `The field Url must be publicly reachable (not a local address): ${refusal}.`,
      );
    }
    const events = [...new Set(req.events)];
    if (events.length < req.events.length) notices.push('events lists an event more than once; kept once.');
    const id = randomUUID();
    const secret = randomBytes(64).toString('base64');
    // Events committed from now on are this registration's (the outbox position it starts after).
    const fromSeq = await this.store.latestEventSeq();
    const outcome = await this.hooks.register(
      {
        id,
        msn,
        url: url.href,
        events,
        secret,
        createdAt: this.clock.now(),
        fromSeq,
        failingSince: null,
        deletedAt: null,
        deletedReason: null,
      },
      (event) => webhookLimitFor(event as WebhookEvent),
    );
    if (!outcome.ok) {
      throw new FieldError(
        'events',
        `At most ${outcome.limit} webhooks can be registered per event; ${outcome.event} already has ${outcome.limit} on MSN ${msn}.`,
      );
    }
    this.live = undefined;
    return { id, secret };
  }

  /** The live registrations of `msn`: 200 `{webhooks: [{id, url, events}]}`. Contract 4.1. */
  async list(msn: string): Promise<{ webhooks: Webhook[] }> {
    return { webhooks: (await this.hooks.listRegistrations(msn)).map(webhookView) };
  }

  /**
   * Deletes a registration of `msn`: 204; 400 when `id` is not a UUID; 404 when `msn` has no such registration.
   * Its pending deliveries are discarded; its delivery log is kept. Contract 4.1.
   */
  async delete(msn: string, id: string): Promise<void> {
    if (!UUID.test(id)) throw new FieldError('id', `The value '${id.slice(0, 60)}' is not a valid UUID.`);
    const deleted = await this.hooks.deleteRegistration(id.toLowerCase(), msn, this.clock.now(), 'deleted');
    if (!deleted) throw new ApiError(404, `No webhook with id '${id}' for this merchant.`);
    this.forgetRegistration(id.toLowerCase());
    await this.sender.forget(id.toLowerCase());
  }

  // ---------------------------------------------------------------- Delivery log (Betal's own API)

  /** Every registration (deleted ones too), newest first, with its delivery counts. */
  async registrations(limit = 200): Promise<RegistrationSummary[]> {
    const regs = await this.hooks.allRegistrations(limit);
    return Promise.all(regs.map((r) => this.summarise(r)));
  }

  /** One registration's summary, or undefined. */
  async registration(id: string): Promise<RegistrationSummary | undefined> {
    const r = await this.hooks.findRegistration(id);
    if (!r) return undefined;
    return this.summarise(r);
  }

  /** A registration as the delivery log shows it: its public view, its dates and its delivery count. */
  private async summarise(r: WebhookRegistration): Promise<RegistrationSummary> {
    return {
      ...webhookView(r),
      msn: r.msn,
      createdAt: new Date(r.createdAt).toISOString(),
      deletedAt: iso(r.deletedAt),
      deletedReason: r.deletedReason,
      failingSince: iso(r.failingSince),
      deliveries: await this.hooks.countDeliveries(r.id),
    };
  }

  /** A registration's deliveries with their attempts, newest first; `before` pages by delivery id. */
  async deliveries(
    registrationId: string,
    options: { limit?: number; before?: number; status?: DeliveryStatus } = {},
  ): Promise<Delivery[]> {
    const rows = await this.hooks.listDeliveries(registrationId, {
      limit: Math.min(Math.max(options.limit ?? 50, 1), 500),
      ...(options.before !== undefined ? { before: options.before } : {}),
      ...(options.status ? { status: options.status } : {}),
    });
    return rows.map(deliveryView);
  }

  /** One delivery with its attempts, or undefined. */
  async delivery(id: number): Promise<Delivery | undefined> {
    const d = await this.hooks.findDelivery(id);
    return d && deliveryView(d);
  }

  /**
   * Redelivers an event by hand, now, outside the queue (so possibly out of order): one signed attempt, logged
   * with `manual: true`. A 2xx marks a pending or given-up delivery delivered; a failure leaves its schedule as
   * it was. 200 with the delivery after the attempt; 404 unknown; 409 when the registration is deleted or an
   * attempt of this delivery is in flight.
   */
  async redeliver(id: number): Promise<Delivery | undefined> {
    const d = await this.hooks.findDelivery(id);
    if (!d) throw new ApiError(404, `No delivery with id ${id}.`);
    const reg = await this.hooks.findRegistration(d.registrationId);
    if (!reg || reg.deletedAt !== null)
      throw new ApiError(409, `The webhook ${d.registrationId} is deleted.`);
    if (this.inflight.has(id)) {
      throw new ApiError(409, `An attempt of delivery ${id} is in flight; try again shortly.`);
    }
    this.ready.delete(reg.id);
    this.dirty.add(reg.id);
    await this.launch(reg, d, true);
    const after = await this.hooks.findDelivery(id);
    return after && deliveryView(after);
  }

  // ---------------------------------------------------------------- Dispatcher

  /** Starts the dispatcher: wakes on every committed payment change, and every `pollMs` as a fallback. */
  start(): void {
    if (this.running || this.stopped) return;
    this.running = true;
    this.unsubscribe = this.store.onCommit(() => {
      this.outboxDirty = true;
      this.poke();
    });
    this.wake();
    this.armTimer();
  }

  /** Asks the dispatcher to look at everything soon: the outbox and every registration (after a clock change). */
  wake(): void {
    this.outboxDirty = true;
    this.dirtyAll = true;
    this.poke();
  }

  private forgetRegistration(id: string): void {
    this.live = undefined;
    this.ready.delete(id);
    this.dirty.delete(id);
  }

  /** Schedules a pump in the next turn of the event loop (many pokes in one turn make one pump). */
  private poke(): void {
    if (this.stopped || this.wakeScheduled) return;
    this.wakeScheduled = true;
    setImmediate(() => {
      this.wakeScheduled = false;
      this.pump().catch((err: unknown) => this.options.log?.error({ err }, 'webhook dispatcher failed'));
    });
  }

  /**
   * One deterministic round for tests: fans out new events, deletes unresponsive registrations, starts every
   * due delivery that is first in line and waits for those attempts (and any already in flight) to be recorded.
   * Returns how many attempts it started.
   */
  async runDue(): Promise<number> {
    await this.housekeeping();
    this.outboxDirty = true;
    this.dirtyAll = true;
    const launched = await this.pump();
    await Promise.allSettled([...this.inflight.values()].map((f) => f.promise));
    return launched;
  }

  /**
   * Runs rounds until nothing is due at the current platform time and nothing is in flight: every event is then
   * delivered, or waiting for a retry at a later platform time. Returns the number of attempts made.
   */
  async drain(maxRounds = 10_000): Promise<number> {
    let total = 0;
    for (let round = 0; round < maxRounds; round++) {
      // A round that started with attempts in flight may have unblocked later events: look again.
      const settled = this.inflight.size === 0;
      const launched = await this.runDue();
      total += launched;
      if (launched === 0 && settled && this.inflight.size === 0) return total;
    }
    throw new Error(`webhook drain did not settle in ${maxRounds} rounds`);
  }

  /** Stops the dispatcher: no new attempts; attempts under way are cut short and not recorded (they stay due). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.running = false;
    this.unsubscribe?.();
    if (this.timer) clearTimeout(this.timer);
    for (const list of this.held.values()) for (const { timer } of list) clearTimeout(timer);
    this.held.clear();
    await this.sender.close();
    await Promise.allSettled([...this.inflight.values()].map((f) => f.promise));
    if (this.pumping) await this.pumping.catch(() => undefined);
  }

  private pump(): Promise<number> {
    if (this.stopped) return Promise.resolve(0);
    if (this.pumping) {
      this.rerun = true;
      return this.pumping;
    }
    const run = async () => {
      let launched = 0;
      try {
        do {
          this.rerun = false;
          await this.fanOut();
          launched += await this.launchDue();
        } while (this.rerun && !this.stopped);
      } finally {
        this.pumping = undefined;
      }
      return launched;
    };
    this.pumping = run();
    return this.pumping;
  }

  /**
   * Arms the timer for a delivery due at `dueAt` (platform ms), or for the fallback poll: it fires at the earlier
   * of the two and never later than `pollMs` from now. An earlier timer is kept.
   */
  private armTimer(dueAt?: number): void {
    if (!this.running || this.stopped) return;
    const delay =
      dueAt === undefined ? this.pollMs : Math.min(this.pollMs, Math.max(1, dueAt - this.clock.now()));
    const firesAt = Date.now() + delay;
    if (this.timer && this.timerFiresAt <= firesAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerFiresAt = firesAt;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.tick().catch((err: unknown) => this.options.log?.error({ err }, 'webhook dispatcher tick failed'));
    }, delay);
    this.timer.unref();
  }

  /** The timer: deletes unresponsive registrations, looks at everything, and arms itself for the next due retry. */
  private async tick(): Promise<void> {
    await this.housekeeping();
    this.wake();
    this.armTimer(await this.hooks.nextDueAfter(this.clock.now()));
  }

  /** Moves new outbox events into deliveries, one transaction per batch (with the cursor). */
  private async fanOut(): Promise<void> {
    if (!this.outboxDirty) return;
    this.outboxDirty = false;
    // Another process sharing the database may have registered or deleted a webhook: read them again, or this one
    // would fan events out (or move the cursor past them) for a stale list.
    this.live = undefined;
    for (;;) {
      const from = this.cursorSeq ?? (await this.hooks.cursor());
      if ((await this.liveRegistrations()).length === 0) {
        // Nobody to deliver to: move the cursor past everything without reading the events.
        const latest = await this.store.latestEventSeq();
        this.cursorSeq =
          latest > from && !(await this.hooks.fanOut(from, latest, [])) ? undefined : Math.max(from, latest);
        return;
      }
      const events = await this.store.eventsAfter(from, this.fanOutBatch);
      const last = events[events.length - 1];
      if (!last) {
        this.cursorSeq = from;
        return;
      }
      const registrations = await this.liveRegistrations();
      const deliveries: NewDelivery[] = [];
      const now = this.clock.now();
      for (const event of events) {
        const type = epaymentEventType(event.name);
        const subscribed = registrations.filter(
          (r) => r.msn === event.msn && event.seq > r.fromSeq && r.events.includes(type),
        );
        if (subscribed.length === 0) continue;
        const payment =
          event.name === 'AUTHORIZED' ? await this.store.findPayment(event.msn, event.reference) : undefined;
        const body = JSON.stringify(webhookPayload(event, payment));
        for (const r of subscribed) {
          deliveries.push({
            registrationId: r.id,
            seq: event.seq,
            msn: event.msn,
            reference: event.reference,
            eventType: type,
            body,
            createdAt: now,
          });
        }
      }
      const moved = await this.hooks.fanOut(from, last.seq, deliveries);
      this.cursorSeq = moved ? last.seq : undefined;
      for (const d of deliveries) this.dirty.add(d.registrationId);
      if (events.length < this.fanOutBatch && moved) return;
    }
  }

  /**
   * Forgets what is held in memory of the store's registrations and deliveries (after a sales unit was deleted or
   * reset): they are read again on the next round. Attempts in flight finish; outcomes of deleted deliveries are
   * ignored by the store.
   */
  forget(): void {
    this.live = undefined;
    this.ready.clear();
    this.dirtyAll = true;
    this.outboxDirty = true;
    this.wake();
  }

  private async liveRegistrations(): Promise<WebhookRegistration[]> {
    this.live ??= await this.hooks.liveRegistrations();
    return this.live;
  }

  /**
   * Starts due deliveries up to each registration's free slots. Due heads are read ahead (up to READ_AHEAD per
   * query) and kept until sent: a head stays first in line for its payment until its outcome is recorded, and
   * stays due, so the read-ahead never goes stale (a deletion or a redelivery by hand drops it).
   */
  private async launchDue(): Promise<number> {
    if (this.stopped) return 0;
    const all = this.dirtyAll;
    this.dirtyAll = false;
    let launched = 0;
    for (const reg of await this.liveRegistrations()) {
      let free = this.concurrency - (this.busy.get(reg.id) ?? 0);
      if (free <= 0) continue;
      let queue = this.ready.get(reg.id) ?? [];
      if (queue.length === 0 && (all || this.dirty.has(reg.id))) {
        this.dirty.delete(reg.id);
        queue = await this.hooks.claimDueHeads(
          reg.id,
          this.clock.now(),
          READ_AHEAD,
          new Set(this.inflight.keys()),
          this.options.claimLeaseMs ?? DEFAULT_CLAIM_LEASE_MS,
        );
        // A full read-ahead may have left more behind: look again once this one is sent.
        if (queue.length === READ_AHEAD) this.dirty.add(reg.id);
      }
      while (free > 0 && queue.length > 0) {
        const d = queue.shift() as StoredDelivery;
        if (this.inflight.has(d.id)) continue;
        void this.launch(reg, d, false);
        launched += 1;
        free -= 1;
      }
      if (queue.length > 0) this.ready.set(reg.id, queue);
      else this.ready.delete(reg.id);
    }
    return launched;
  }

  /**
   * Starts one attempt; the promise settles once its outcome is recorded. The endpoint's slot is freed as soon as
   * the answer is in, so the connections stay busy while outcomes are written in batches; the delivery stays in
   * flight (and later events of its payment wait) until its outcome is recorded.
   */
  private launch(reg: WebhookRegistration, d: StoredDelivery, manual: boolean): Promise<void> {
    this.busy.set(reg.id, (this.busy.get(reg.id) ?? 0) + 1);
    let slotHeld = true;
    const freeSlot = () => {
      if (!slotHeld) return;
      slotHeld = false;
      this.busy.set(reg.id, (this.busy.get(reg.id) ?? 1) - 1);
      this.poke();
    };
    const at = this.clock.now();
    const promise = this.sendWithFaults(reg, d, manual, {
      endpointId: reg.id,
      url: reg.url,
      secret: reg.secret,
      body: d.body,
      extraHeaders: {
        'x-betal-delivery-id': String(d.id),
        'x-betal-event-type': d.eventType,
        'x-betal-attempt': String(d.attempts + 1),
      },
    })
      .then((result) => {
        freeSlot();
        if (result.interrupted) return undefined;
        const outcome = this.outcomeOf(reg.id, d, result, at, manual);
        // A delivery a fault kept from the receiver says so in the delivery log (and counts as delivered).
        const kept = this.faultNotes.get(d.id);
        if (kept !== undefined) {
          this.faultNotes.delete(d.id);
          outcome.attempt.error = kept;
        }
        return this.recordLater(outcome);
      })
      .catch((err: unknown) =>
        this.options.log?.error({ err, delivery: d.id }, 'recording a webhook attempt failed'),
      )
      .finally(() => {
        freeSlot();
        this.inflight.delete(d.id);
        // Its outcome may have unblocked the next event of the payment, or set a retry.
        this.dirty.add(reg.id);
        this.poke();
      });
    this.inflight.set(d.id, { promise });
    return promise;
  }

  /** Deliveries held back by a `reorder` fault, per registration and payment, with their release timers. */
  private readonly held = new Map<string, Array<{ request: SendRequest; timer: NodeJS.Timeout }>>();
  /** What a fault did to a delivery that was not sent (`dropped by fault rule fault-2`), by delivery id. */
  private readonly faultNotes = new Map<number, string>();

  /** Sends one attempt, applying the fault rule that fires on it (automatic attempts only; see DeliveryFaults). */
  private async sendWithFaults(
    reg: WebhookRegistration,
    d: StoredDelivery,
    manual: boolean,
    request: SendRequest,
  ): Promise<SendResult> {
    const key = `${reg.id}\u0000${d.msn}\u0000${d.reference}`;
    const fired = manual
      ? undefined
      : this.options.faults?.fireDelivery({
          msn: d.msn,
          reference: d.reference,
          eventType: d.eventType,
          url: reg.url,
        });
    const skipped: SendResult = { statusCode: null, error: null, latencyMs: 0, interrupted: false };
    switch (fired?.action.type) {
      case 'drop':
        this.faultNotes.set(d.id, `dropped by fault rule ${fired.ruleId}`);
        return skipped;
      case 'reorder': {
        const list = this.held.get(key) ?? [];
        const timer = setTimeout(() => void this.releaseHeld(key), fired.action.ms ?? 2_000);
        timer.unref();
        list.push({ request, timer });
        this.held.set(key, list);
        this.faultNotes.set(d.id, `held back by fault rule ${fired.ruleId}, to be sent after the next event`);
        return skipped;
      }
      case 'delay':
        await new Promise((resolve) => setTimeout(resolve, fired.action.ms ?? 0));
        break;
      default:
        break;
    }
    const result = await this.sender.send(request);
    if (fired?.action.type === 'duplicate' && !result.interrupted) await this.sender.send(request);
    if (this.held.has(key)) void this.releaseHeld(key);
    return result;
  }

  /** Sends the deliveries a `reorder` fault held back for this registration and payment (not recorded). */
  private async releaseHeld(key: string): Promise<void> {
    const list = this.held.get(key);
    if (!list) return;
    this.held.delete(key);
    for (const { request, timer } of list) {
      clearTimeout(timer);
      if (this.stopped) return;
      const result = await this.sender.send(request);
      this.options.log?.warn(
        { endpoint: request.endpointId, statusCode: result.statusCode, error: result.error },
        'sent a delivery held back by a reorder fault',
      );
    }
  }

  private outcomeOf(
    registrationId: string,
    d: StoredDelivery,
    result: SendResult,
    at: number,
    manual: boolean,
  ): AttemptOutcome {
    const attempt = {
      deliveryId: d.id,
      at,
      statusCode: result.statusCode,
      latencyMs: result.latencyMs,
      error: result.error,
      manual,
    };
    if (result.error === null)
      return { registrationId, attempt, next: { status: 'delivered' }, counts: !manual };
    if (manual) return { registrationId, attempt, next: { status: 'unchanged' }, counts: false };
    const next = nextAttemptAt(d.firstAttemptAt ?? at, d.attempts + 1, at);
    return {
      registrationId,
      attempt,
      next: next === undefined ? { status: 'failed' } : { status: 'pending', nextAttemptAt: next },
      counts: true,
    };
  }

  /** Queues an outcome; outcomes that arrive together are written in one transaction. */
  private recordLater(outcome: AttemptOutcome): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.toRecord.push({ outcome, done: (error) => (error === undefined ? resolve() : reject(error)) });
      if (this.flushScheduled) return;
      this.flushScheduled = true;
      const flush = () => {
        this.flushScheduled = false;
        const batch = this.toRecord.splice(0);
        this.hooks.record(batch.map((b) => b.outcome)).then(
          () => {
            for (const { outcome } of batch) {
              if (outcome.next.status === 'pending') this.armTimer(outcome.next.nextAttemptAt);
            }
            batch.forEach((b) => b.done());
          },
          (error: unknown) => batch.forEach((b) => b.done(error ?? new Error('record failed'))),
        );
      };
      // Under load (more answers on their way) wait a millisecond so that one transaction records many.
      if (this.inflight.size > 8) setTimeout(flush, 1);
      else setImmediate(flush);
    });
  }

  /** Deletes registrations unresponsive for 14 days and prunes the delivery log of finished deliveries older than 7 days. */
  private async housekeeping(): Promise<void> {
    const now = this.clock.now();
    await this.hooks.pruneFinished(now - DELIVERY_RETENTION_MS);
    for (const id of await this.hooks.unresponsiveSince(now - UNRESPONSIVE_DELETE_MS)) {
      if (await this.hooks.deleteRegistration(id, undefined, now, 'unresponsive')) {
        this.options.log?.warn({ webhook: id }, 'deleted a webhook whose endpoint failed for 14 days');
        this.forgetRegistration(id);
        await this.sender.forget(id);
      }
    }
  }
}
