/**
 * The merchant's view of one payment, and how news of it (webhooks, queries, answers to its own capture, refund
 * and cancel calls) changes that view. Pure: no I/O, times are given (epoch ms on the merchant's clock).
 *
 * The view is built so that the order in which news arrives does not matter:
 * - each webhook event is kept once, by its own `pspReference` (contract 3.7: every event has its own), so a
 *   duplicate changes nothing;
 * - the sums of the events and the latest query are each a lower bound of what the platform knows (aggregates
 *   only grow, contract 3.6), so the view takes the larger of the two, amount by amount: an old query answer
 *   arriving after a newer webhook does not move the view back;
 * - the state only moves forward: CREATED → a final state (AUTHORIZED, ABORTED, EXPIRED, TERMINATED).
 * A query (`GET payment`, contract 3.4) is the source of truth: once the platform has been queried after the
 * last change, the view equals the platform's. Source: contract 3.4-3.7 and 4.3-4.5 (duplicates, order).
 */

import { PAYMENT_EVENT_NAMES, type PaymentEventName, type PaymentState } from '@betal/contract';

/** The payment states of ePayment (contract 3.6), as the contract declares them. */
export type { PaymentState };

/** The event names of the event log and webhooks (contract 3.7), as the contract declares them. */
export type EventName = PaymentEventName;

/** Whether `name` is one of the event names of contract 3.7. */
export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && (PAYMENT_EVENT_NAMES as readonly string[]).includes(name);
}

/** The four running sums of a payment, in minor units of its currency (contract 3.6). */
export interface Sums {
  authorized: number;
  captured: number;
  refunded: number;
  cancelled: number;
}

/** One payment event as the merchant keeps it: its name, amount (minor units), outcome and time (ISO). */
export interface KnownEvent {
  pspReference: string;
  name: EventName;
  /** Minor units: the payment amount (CREATED, AUTHORIZED), the operation's (CAPTURED, REFUNDED), the released (CANCELLED). */
  value: number;
  success: boolean;
  /** The platform's timestamp of the event (ISO 8601). */
  timestamp: string;
  /** How the merchant learnt of it. */
  via: 'webhook' | 'query';
}

/** What a query answered (GET payment or a modification answer): the state and sums at `at` (epoch ms). */
export interface Snapshot {
  state: PaymentState;
  sums: Sums;
  /** Merchant clock, epoch ms. */
  at: number;
}

/**
 * The merchant's view of a payment: the events it has seen (each once), the largest query answer, and when it
 * last heard anything. `amount` and `currency` are those the merchant created the payment with.
 */
export interface PaymentView {
  reference: string;
  currency: string;
  /** The payment's amount, minor units. */
  amount: number;
  /** Events by pspReference. */
  events: Record<string, KnownEvent>;
  /** The join of every query answer (the largest sums and the furthest state). */
  snapshot?: Snapshot;
  /** The `sub` of the payment's profile, once a query gave it (contract 3.13). */
  sub?: string;
  /** Merchant clock (epoch ms): last time a new event or a query answer reached the view. */
  lastNewsAt: number;
  /** Merchant clock (epoch ms): last query answer, if any. */
  lastQueriedAt?: number;
  /** Merchant clock (epoch ms): last time a new (not duplicate) event was applied. */
  lastEventAt?: number;
}

/** A new view of a payment the merchant just created (or is about to create), at `now` (epoch ms). */
export function newView(reference: string, amount: number, currency: string, now: number): PaymentView {
  return { reference, amount, currency, events: {}, lastNewsAt: now };
}

/** An incoming payment event (webhook payload of contract 4.3, or an event-log entry of contract 3.7). */
export interface IncomingEvent {
  pspReference: string;
  name: EventName;
  amount: { value: number; currency?: string };
  success: boolean;
  timestamp: string;
}

/** Result of applying news: the view to keep, and whether anything was new (false for a duplicate). */
export interface Applied {
  view: PaymentView;
  changed: boolean;
}

/**
 * Applies one event, once: a second delivery of the same `pspReference` (a duplicate, contract 4.5) changes
 * nothing and answers `changed: false`. Events may come in any order. `now` is the merchant's clock (epoch ms).
 */
export function applyEvent(
  view: PaymentView,
  event: IncomingEvent,
  now: number,
  via: KnownEvent['via'] = 'webhook',
): Applied {
  if (view.events[event.pspReference]) return { view, changed: false };
  const known: KnownEvent = {
    pspReference: event.pspReference,
    name: event.name,
    value: event.amount.value,
    success: event.success,
    timestamp: event.timestamp,
    via,
  };
  return {
    view: {
      ...view,
      events: { ...view.events, [event.pspReference]: known },
      lastNewsAt: Math.max(view.lastNewsAt, now),
      lastEventAt: now,
    },
    changed: true,
  };
}

const FINAL_ORDER: Record<PaymentState, number> = {
  CREATED: 0,
  ABORTED: 1,
  EXPIRED: 2,
  TERMINATED: 3,
  AUTHORIZED: 4,
};

/**
 * The further of two states: CREATED is behind every final state. Two different final states cannot both be
 * true of one payment (contract 3.6); should they meet, the order ABORTED < EXPIRED < TERMINATED < AUTHORIZED
 * keeps the join deterministic and commutative.
 */
export function furtherState(a: PaymentState, b: PaymentState): PaymentState {
  return FINAL_ORDER[a] >= FINAL_ORDER[b] ? a : b;
}

function maxSums(a: Sums, b: Sums): Sums {
  return {
    authorized: Math.max(a.authorized, b.authorized),
    captured: Math.max(a.captured, b.captured),
    refunded: Math.max(a.refunded, b.refunded),
    cancelled: Math.max(a.cancelled, b.cancelled),
  };
}

/**
 * Applies a query answer: `GET payment` (contract 3.4) or the answer to a capture, refund or cancel (contract
 * 3.5). Sums and state are joined with what the view knew, so an answer that left the platform before a newer
 * webhook cannot move the view back. `sub` is kept once given. `now` is the merchant's clock (epoch ms).
 */
export function applySnapshot(
  view: PaymentView,
  answer: { state: PaymentState; sums: Sums; sub?: string | undefined },
  now: number,
): PaymentView {
  const previous = view.snapshot;
  const snapshot: Snapshot = previous
    ? {
        state: furtherState(previous.state, answer.state),
        sums: maxSums(previous.sums, answer.sums),
        at: now,
      }
    : { state: answer.state, sums: answer.sums, at: now };
  return {
    ...view,
    snapshot,
    ...(answer.sub && !view.sub ? { sub: answer.sub } : {}),
    lastNewsAt: Math.max(view.lastNewsAt, now),
    lastQueriedAt: now,
  };
}

/** The state an event implies: a successful capture, refund or cancel of an authorized payment means AUTHORIZED. */
function stateOfEvent(event: KnownEvent): PaymentState | undefined {
  if (!event.success) return undefined;
  switch (event.name) {
    case 'CREATED':
      return 'CREATED';
    case 'AUTHORIZED':
    case 'CAPTURED':
    case 'REFUNDED':
    case 'CANCELLED':
      return 'AUTHORIZED';
    case 'ABORTED':
    case 'EXPIRED':
    case 'TERMINATED':
      return event.name;
  }
}

/**
 * The sums the successful events add up to (failed ones, `success: false`, count for nothing): AUTHORIZED gives
 * authorized, CAPTURED, REFUNDED and CANCELLED add up, TERMINATED cancels the whole amount. Contract 3.6-3.7.
 */
export function sumsOfEvents(events: Iterable<KnownEvent>): Sums {
  const sums: Sums = { authorized: 0, captured: 0, refunded: 0, cancelled: 0 };
  for (const e of events) {
    if (!e.success) continue;
    if (e.name === 'AUTHORIZED') sums.authorized = Math.max(sums.authorized, e.value);
    else if (e.name === 'CAPTURED') sums.captured += e.value;
    else if (e.name === 'REFUNDED') sums.refunded += e.value;
    else if (e.name === 'CANCELLED') sums.cancelled += e.value;
    // A cancel before authorization ends the payment as TERMINATED with all of it cancelled (contract 3.6).
    else if (e.name === 'TERMINATED') sums.cancelled = Math.max(sums.cancelled, e.value);
  }
  return sums;
}

/** What the merchant tells people about a payment, from its state and sums. */
export type PaymentStatus =
  | 'PENDING'
  | 'AUTHORIZED'
  | 'PARTIALLY_CAPTURED'
  | 'CAPTURED'
  | 'PARTIALLY_REFUNDED'
  | 'REFUNDED'
  | 'CANCELLED'
  | 'ABORTED'
  | 'EXPIRED'
  | 'TERMINATED';

/** The state, sums, status and allowed operations of a payment as the merchant knows it. */
export interface Derived {
  state: PaymentState;
  sums: Sums;
  status: PaymentStatus;
  /** Minor units still capturable: authorized − cancelled − captured (contract 3.6); 0 unless AUTHORIZED. */
  capturable: number;
  /** Minor units still refundable: captured − refunded (contract 3.6). */
  refundable: number;
  /** Whether a cancel can succeed: CREATED (→ TERMINATED) or AUTHORIZED with something left to release. */
  cancellable: boolean;
  /** Whether the payment can no longer change by itself (only the merchant's own operations can change it). */
  settled: boolean;
}

/**
 * Derives the state, sums and status of a view: the further of the events' state and the query's, and each sum
 * the larger of the events' sum and the query's (both lower bounds of the platform's).
 */
export function derive(view: PaymentView): Derived {
  const events = Object.values(view.events);
  let state: PaymentState = view.snapshot?.state ?? 'CREATED';
  for (const e of events) {
    const s = stateOfEvent(e);
    if (s) state = furtherState(state, s);
  }
  const fromEvents = sumsOfEvents(events);
  const sums = view.snapshot ? maxSums(fromEvents, view.snapshot.sums) : fromEvents;
  if (state === 'AUTHORIZED' && sums.authorized === 0) sums.authorized = view.amount;
  const capturable =
    state === 'AUTHORIZED' ? Math.max(0, sums.authorized - sums.cancelled - sums.captured) : 0;
  const refundable = Math.max(0, sums.captured - sums.refunded);
  return {
    state,
    sums,
    status: statusOf(state, sums),
    capturable,
    refundable,
    cancellable: state === 'CREATED' || (state === 'AUTHORIZED' && sums.cancelled === 0 && capturable > 0),
    settled: state !== 'CREATED',
  };
}

/** The status shown for a state and its sums (see {@link PaymentStatus}). */
export function statusOf(state: PaymentState, sums: Sums): PaymentStatus {
  if (state === 'CREATED') return 'PENDING';
  if (state !== 'AUTHORIZED') return state;
  if (sums.refunded > 0) return sums.refunded >= sums.captured ? 'REFUNDED' : 'PARTIALLY_REFUNDED';
  if (sums.captured > 0) {
    return sums.captured + sums.cancelled >= sums.authorized ? 'CAPTURED' : 'PARTIALLY_CAPTURED';
  }
  return sums.cancelled > 0 ? 'CANCELLED' : 'AUTHORIZED';
}

/** Settings of {@link needsReconciliation}. */
export interface ReconcileRule {
  /** How long without news (ms) before a payment is queried. */
  quietMs: number;
  /** Whether one of the merchant's own operations on it ended without a clear answer (timeout, 5xx). */
  operationInDoubt?: boolean;
}

/**
 * Whether to query a payment now (reconciliation): one still CREATED that has had no news for `quietMs`, and one
 * whose last news came by webhook only (events since the last query) or whose operation ended in doubt, once
 * quiet. A final payment whose latest query is newer than its latest event is left alone: only the merchant's own
 * operations can change it, and their answers are applied as they come. `now` is epoch ms.
 */
export function needsReconciliation(view: PaymentView, now: number, rule: ReconcileRule): boolean {
  if (now - view.lastNewsAt < rule.quietMs) return false;
  const { state } = derive(view);
  if (state === 'CREATED' || rule.operationInDoubt) return true;
  if (view.lastQueriedAt === undefined) return true;
  return view.lastEventAt !== undefined && view.lastEventAt > view.lastQueriedAt;
}

const NAME_ORDER: Record<EventName, number> = {
  CREATED: 0,
  AUTHORIZED: 1,
  ABORTED: 1,
  EXPIRED: 1,
  TERMINATED: 1,
  CAPTURED: 2,
  CANCELLED: 3,
  REFUNDED: 4,
};

/**
 * The events of a view in the platform's order: by timestamp; events of the same instant (a frozen test clock)
 * in the order a payment's life allows (CREATED, then the outcome, then captures, cancel, refunds), then by
 * pspReference.
 */
export function eventHistory(view: PaymentView): KnownEvent[] {
  return Object.values(view.events).sort((a, b) => {
    if (a.timestamp !== b.timestamp) return a.timestamp < b.timestamp ? -1 : 1;
    const byName = NAME_ORDER[a.name] - NAME_ORDER[b.name];
    return byName !== 0 ? byName : a.pspReference.localeCompare(b.pspReference);
  });
}
