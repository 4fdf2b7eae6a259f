import type { PlatformClock } from '../clock.js';
import type { Payment } from '../domain/payment.js';
import type { PaymentsPort, SharedChange, SharedPort } from '../storage/ports.js';
import type { SalesUnitDirectory } from './directory.js';

/** What {@link ProcessSync} keeps in step. */
export interface ProcessSyncDeps {
  /** The store's shared state; undefined when this process is alone on its store (SQLite). */
  shared: SharedPort | undefined;
  /** Where a payment another process changed is read. */
  payments: PaymentsPort;
  clock: PlatformClock;
  directory: SalesUnitDirectory;
  /** The webhook dispatcher: woken when another process committed events or moved the clock. */
  wake: () => void;
  /** The expiry sweep: run when another process moved the clock; resolves with how many payments expired. */
  sweep: () => Promise<number | void>;
  /** Where failures of work started by a notification are reported. */
  onError: (error: unknown) => void;
}

/**
 * Keeps one process in step with the others on a store they share (issue #12; a no-op on a store of one process):
 *
 * - {@link ProcessSync.sync}, before every request and every expiry sweep, reads the shared state in one query:
 *   the test clock is caught up to the shared offset (waking the dispatcher, whose retries may be due), and the
 *   sales units are read again when their stamp changed, so a sandbox created or deleted on one process is
 *   known or unknown on every other from the next request on.
 * - {@link ProcessSync.advanceClock} moves the shared clock atomically, so concurrent advances add up.
 * - The store's change feed (LISTEN/NOTIFY) wakes the webhook dispatcher when another process committed events,
 *   and the dispatcher and the expiry sweep when it moved the clock, rather than only at their next poll; and
 *   {@link ProcessSync.onRemotePayment} passes payments another process changed on to the customer's live pages.
 */
export class ProcessSync {
  private salesUnitsStamp: string | undefined;
  private reloading: Promise<void> = Promise.resolve();
  private readonly stopFeed: (() => void) | undefined;
  private readonly paymentListeners = new Set<(payment: Payment) => void>();
  /** Payments named by the feed whose read has not started: a burst of notes makes one read per payment. */
  private readonly toRead = new Set<string>();
  private reads: Promise<void> = Promise.resolve();

  constructor(private readonly deps: ProcessSyncDeps) {
    this.stopFeed = deps.shared?.onChange((change) => this.heard(change));
  }

  /** Whether this process shares its store with others. */
  get shared(): boolean {
    return this.deps.shared !== undefined;
  }

  /** Catches up with the shared state (see the class); rejects with the store's error when it cannot be read. */
  async sync(): Promise<void> {
    const shared = this.deps.shared;
    if (!shared) return;
    const state = await shared.sync();
    if (this.deps.clock.catchUp(state.clockOffsetMs)) this.deps.wake();
    if (state.salesUnitsStamp !== this.salesUnitsStamp) {
      this.salesUnitsStamp = state.salesUnitsStamp;
      this.reloading = this.deps.directory.reload().catch((error: unknown) => {
        // Not read: the next sync tries again.
        this.salesUnitsStamp = undefined;
        throw error;
      });
    }
    // A request that comes while the sales units are read waits for them, whoever started the read.
    await this.reloading;
  }

  /**
   * Moves the test clock forward by `ms` (finite, >= 0; RangeError otherwise): on a shared store atomically in the
   * database, then this process's clock to the sum; alone, the clock in memory, then the offset kept in the store
   * by `persist`. Resolves with the clock's offset after it, in ms.
   */
  async advanceClock(ms: number, persist: (offsetMs: number) => Promise<void>): Promise<number> {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('the clock only moves forward');
    const clock = this.deps.clock;
    if (this.deps.shared && !clock.frozen) {
      clock.catchUp(await this.deps.shared.advanceClock(ms));
      return clock.offset;
    }
    clock.advance(ms);
    await persist(clock.offset);
    return clock.offset;
  }

  /**
   * The test clock's advance (`POST /betal/clock/advance`, `admin.advanceClock`): {@link ProcessSync.advanceClock},
   * then the expiry sweep, then the webhook dispatcher woken (retries may have become due). Resolves with how many
   * payments expired; RangeError for a negative or non-finite `ms`.
   */
  async advanceTestClock(ms: number, persist: (offsetMs: number) => Promise<void>): Promise<number> {
    await this.advanceClock(ms, persist);
    const expired = (await this.deps.sweep()) ?? 0;
    this.deps.wake();
    return expired;
  }

  /**
   * Calls `listener` with each payment another process changed, read after the change was heard (so possibly
   * with later changes too; never an older state than an earlier call's). Returns a function that removes it.
   */
  onRemotePayment(listener: (payment: Payment) => void): () => void {
    this.paymentListeners.add(listener);
    return () => this.paymentListeners.delete(listener);
  }

  private heard(change: SharedChange): void {
    const { deps } = this;
    if (change.kind === 'payment') {
      deps.wake();
      if (this.paymentListeners.size > 0) this.read(change.msn, change.reference);
      return;
    }
    // The clock moved elsewhere, or the feed was away and may have missed that: catch up, then sweep.
    this.sync()
      .then(() => {
        deps.wake();
        return deps.sweep();
      })
      .catch(deps.onError);
  }

  private read(msn: string, reference: string): void {
    const key = `${msn}\u0000${reference}`;
    if (this.toRead.has(key)) return;
    this.toRead.add(key);
    this.reads = this.reads
      .then(async () => {
        this.toRead.delete(key);
        const payment = await this.deps.payments.findPayment(msn, reference);
        if (!payment) return;
        for (const listener of this.paymentListeners) listener(payment);
      })
      .catch(this.deps.onError);
  }

  /** Stops listening to the change feed. */
  close(): void {
    this.stopFeed?.();
    this.paymentListeners.clear();
  }
}
