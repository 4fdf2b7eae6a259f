import { epaymentEventType } from '@betal/contract';
import type { Clock } from '../clock.js';
import { webhookPayload } from '../apis/epayment/wire.js';
import {
  DEFAULT_TIMEOUT_MS,
  UNRESPONSIVE_DELETE_MS,
  DELIVERY_RETENTION_MS,
  nextAttemptAt,
} from './schedule.js';
import type { DestinationPolicy } from './destinations.js';
import { WebhookSender, type SendRequest, type SendResult } from './sender.js';
import type { WebhookServiceOptions } from './service.js';
import type {
  AttemptOutcome,
  NewDelivery,
  StoredDelivery,
  PlatformStore,
  WebhookRegistration,
  WebhooksPort,
} from '../storage/ports.js';

/** How many due deliveries of a registration one query reads ahead. */
const READ_AHEAD = 256;
/** Default lease of a claim on due deliveries (real ms); see {@link WebhookServiceOptions.claimLeaseMs}. */
const DEFAULT_CLAIM_LEASE_MS = 300_000;

interface Flight {
  promise: Promise<void>;
}

/**
 * The webhook dispatcher (contract 4): delivery of every ePayment event from the transactional outbox
 * (`payment_events`) to each registration subscribed to it, signed (4.4) and retried on the platform clock (4.5).
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
export class WebhookDispatcher {
  private readonly sender: WebhookSender;
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

  /** `policy`: the destination policy every connection is checked against (outside dev mode), or none. */
  constructor(
    private readonly store: PlatformStore,
    private readonly hooks: WebhooksPort,
    private readonly clock: Clock,
    private readonly options: WebhookServiceOptions,
    policy: DestinationPolicy | undefined,
  ) {
    const wall = options.wallClock ?? { now: () => Date.now() };
    this.concurrency = Math.max(1, options.concurrencyPerEndpoint ?? 16);
    this.pollMs = Math.max(10, options.pollMs ?? 1000);
    this.fanOutBatch = Math.max(1, options.fanOutBatch ?? 1000);
    this.sender = new WebhookSender({
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      connectionsPerEndpoint: this.concurrency,
      wallNow: () => wall.now(),
      ...(policy ? { connector: (timeoutMs: number) => policy.connector(timeoutMs) } : {}),
    });
  }

  /** The registrations changed (one was registered): they are read again on the next round. */
  registrationsChanged(): void {
    this.live = undefined;
  }

  /** A registration was deleted: what is held of it is forgotten and its connections are closed. */
  async registrationDeleted(id: string): Promise<void> {
    this.forgetRegistration(id);
    await this.sender.forget(id);
  }

  /** True while an attempt of delivery `id` is under way (its outcome not yet recorded). */
  isInFlight(id: number): boolean {
    return this.inflight.has(id);
  }

  /**
   * Makes one attempt of delivery `d` to `reg` now, by hand (`manual: true` in the log), outside the queue; the
   * promise settles once its outcome is recorded. The registration's read-ahead is dropped and read again.
   */
  sendByHand(reg: WebhookRegistration, d: StoredDelivery): Promise<void> {
    this.ready.delete(reg.id);
    this.dirty.add(reg.id);
    return this.launch(reg, d, true);
  }

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
      const registrations = await this.liveRegistrations();
      // Nobody to deliver to: nothing is read or written (no cursor upkeep after every commit). The cursor moves
      // once a registration exists: no event at or before the oldest live registration's `fromSeq` is delivered,
      // so the scan starts there, never at events committed while nobody was registered.
      if (registrations.length === 0) return;
      const stored = this.cursorSeq ?? (await this.hooks.cursor());
      const from = Math.max(stored, Math.min(...registrations.map((r) => r.fromSeq)));
      const events = await this.store.eventsAfter(from, this.fanOutBatch);
      const last = events[events.length - 1];
      if (!last) {
        this.cursorSeq = from > stored && !(await this.hooks.fanOut(stored, from, [])) ? undefined : from;
        return;
      }
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
      const moved = await this.hooks.fanOut(stored, last.seq, deliveries);
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
        queue = await this.hooks.claimDueHeads({
          registrationId: reg.id,
          now: this.clock.now(),
          limit: READ_AHEAD,
          exclude: new Set(this.inflight.keys()),
          leaseMs: this.options.claimLeaseMs ?? DEFAULT_CLAIM_LEASE_MS,
        });
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
        const outcome = this.outcomeOf(d, result, { registrationId: reg.id, at, manual });
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

  /**
   * What one attempt of delivery `d` made for registration `registrationId` at `at` (platform clock, ms) leads
   * to: delivered, the next attempt on the retry schedule, failed for good, or (a manual redelivery) unchanged.
   */
  private outcomeOf(
    d: StoredDelivery,
    result: SendResult,
    { registrationId, at, manual }: { registrationId: string; at: number; manual: boolean },
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
        await this.registrationDeleted(id);
      }
    }
  }
}
