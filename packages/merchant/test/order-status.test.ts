import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyEvent,
  applySnapshot,
  derive,
  needsReconciliation,
  newView,
  statusOf,
  type EventName,
  type IncomingEvent,
  type PaymentState,
  type PaymentView,
  type Sums,
} from '../src/domain/order-status.js';

/**
 * A small model of the platform's side of one payment (contract 3.6-3.7): the events it emits, each with its own
 * pspReference, and the state and sums a query answers after each event. Used to check the merchant's status
 * logic against the truth under duplicated, reordered, missed and reconciled webhooks.
 */
interface Truth {
  amount: number;
  events: IncomingEvent[];
  /** The query answer after each event (index i: after events[0..i]). */
  snapshots: Array<{ state: PaymentState; sums: Sums }>;
}

type Op = { kind: 'capture' | 'refund'; fraction: number; fail: boolean } | { kind: 'cancel' };

function simulate(
  amount: number,
  outcome: 'AUTHORIZED' | 'ABORTED' | 'EXPIRED' | 'TERMINATED',
  ops: Op[],
): Truth {
  const events: IncomingEvent[] = [];
  const snapshots: Truth['snapshots'] = [];
  let state: PaymentState = 'CREATED';
  const sums: Sums = { authorized: 0, captured: 0, refunded: 0, cancelled: 0 };
  let t = Date.UTC(2026, 0, 1);
  const emit = (name: EventName, value: number, success = true) => {
    t += 1000;
    events.push({
      pspReference: `psp-${events.length + 1}`,
      name,
      amount: { value, currency: 'NOK' },
      success,
      timestamp: new Date(t).toISOString(),
    });
    snapshots.push({ state, sums: { ...sums } });
  };
  emit('CREATED', amount);
  if (outcome === 'TERMINATED') {
    state = 'TERMINATED';
    sums.cancelled = amount;
    emit('TERMINATED', amount);
    return { amount, events, snapshots };
  }
  if (outcome !== 'AUTHORIZED') {
    state = outcome;
    emit(outcome, amount);
    return { amount, events, snapshots };
  }
  state = 'AUTHORIZED';
  sums.authorized = amount;
  emit('AUTHORIZED', amount);
  for (const op of ops) {
    if (op.kind === 'cancel') {
      const left = sums.authorized - sums.cancelled - sums.captured;
      if (sums.cancelled > 0 || left <= 0) continue;
      sums.cancelled = left;
      emit('CANCELLED', left);
    } else if (op.kind === 'capture') {
      const left = sums.authorized - sums.cancelled - sums.captured;
      if (sums.cancelled > 0 || left <= 0) continue;
      const value = Math.max(1, Math.floor(left * op.fraction));
      sums.captured += value;
      emit('CAPTURED', value);
    } else {
      const left = sums.captured - sums.refunded;
      if (left <= 0) continue;
      const value = Math.max(1, Math.floor(left * op.fraction));
      if (op.fail) {
        emit('REFUNDED', value, false); // a refused refund: an event with success false, sums unchanged
        continue;
      }
      sums.refunded += value;
      emit('REFUNDED', value);
    }
  }
  return { amount, events, snapshots };
}

const arbTruth: fc.Arbitrary<Truth> = fc
  .record({
    amount: fc.integer({ min: 100, max: 1_000_000 }),
    outcome: fc.constantFrom(
      'AUTHORIZED',
      'AUTHORIZED',
      'AUTHORIZED',
      'ABORTED',
      'EXPIRED',
      'TERMINATED',
    ) as fc.Arbitrary<'AUTHORIZED' | 'ABORTED' | 'EXPIRED' | 'TERMINATED'>,
    ops: fc.array(
      fc.oneof(
        fc.record({
          kind: fc.constantFrom('capture', 'refund') as fc.Arbitrary<'capture' | 'refund'>,
          fraction: fc.double({ min: 0.05, max: 1, noNaN: true }),
          fail: fc.boolean(),
        }),
        fc.constant({ kind: 'cancel' as const }),
      ),
      { maxLength: 8 },
    ),
  })
  .map(({ amount, outcome, ops }) => simulate(amount, outcome, ops));

/** The truth as the merchant would show it: state and sums of the platform after every event. */
function truthOf(truth: Truth): { state: PaymentState; sums: Sums } {
  return truth.snapshots[truth.snapshots.length - 1]!;
}

const T0 = Date.UTC(2026, 0, 1, 12);

function deliver(
  events: IncomingEvent[],
  start: PaymentView = newView('ref-12345678', 0, 'NOK', T0),
): PaymentView {
  let view = start;
  events.forEach((e, i) => {
    view = applyEvent(view, e, T0 + i).view;
  });
  return view;
}

function fresh(truth: Truth): PaymentView {
  return newView('ref-12345678', truth.amount, 'NOK', T0);
}

describe('status logic: each webhook event counts once', () => {
  it('a duplicate (same pspReference) changes nothing and says so', () => {
    const truth = simulate(10000, 'AUTHORIZED', [{ kind: 'capture', fraction: 0.5, fail: false }]);
    const once = deliver(truth.events, fresh(truth));
    const again = applyEvent(once, truth.events[2]!, T0 + 99);
    expect(again.changed).toBe(false);
    expect(again.view).toBe(once);
    expect(derive(once).sums.captured).toBe(5000);
  });

  it('any number of duplicates, in any order, give the same view as one delivery each', () => {
    fc.assert(
      fc.property(
        arbTruth.chain((truth) =>
          fc.tuple(
            fc.constant(truth),
            fc.shuffledSubarray(truth.events, { minLength: 0 }).chain((extra) =>
              fc.shuffledSubarray([...truth.events, ...extra, ...extra], {
                minLength: truth.events.length + 2 * extra.length,
              }),
            ),
          ),
        ),
        ([truth, withDuplicates]) => {
          const clean = derive(deliver(truth.events, fresh(truth)));
          const noisy = derive(deliver(withDuplicates, fresh(truth)));
          expect(noisy).toEqual(clean);
          expect(noisy.state).toBe(truthOf(truth).state);
          expect(noisy.sums).toEqual(truthOf(truth).sums);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('status logic: order of delivery does not matter', () => {
  it('CAPTURED before AUTHORIZED still shows a captured payment', () => {
    const truth = simulate(25000, 'AUTHORIZED', [{ kind: 'capture', fraction: 1, fail: false }]);
    const [created, authorized, captured] = truth.events;
    const view = deliver([captured!, created!, authorized!], fresh(truth));
    const d = derive(view);
    expect(d.state).toBe('AUTHORIZED');
    expect(d.status).toBe('CAPTURED');
    expect(d.sums).toEqual({ authorized: 25000, captured: 25000, refunded: 0, cancelled: 0 });
  });

  it('a late CREATED does not move an authorized payment back to pending', () => {
    const truth = simulate(5000, 'AUTHORIZED', []);
    const view = deliver([truth.events[1]!, truth.events[0]!], fresh(truth));
    expect(derive(view).status).toBe('AUTHORIZED');
  });

  it('every permutation of the events gives the platform state and sums', () => {
    fc.assert(
      fc.property(
        arbTruth.chain((t) =>
          fc.tuple(fc.constant(t), fc.shuffledSubarray(t.events, { minLength: t.events.length })),
        ),
        ([truth, shuffled]) => {
          const d = derive(deliver(shuffled, fresh(truth)));
          expect(d.state).toBe(truthOf(truth).state);
          expect(d.sums).toEqual(truthOf(truth).sums);
          expect(d.status).toBe(statusOf(truthOf(truth).state, truthOf(truth).sums));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('the view never moves back: with stale query answers mixed in, state and sums only grow', () => {
    const rank: Record<PaymentState, number> = {
      CREATED: 0,
      ABORTED: 1,
      EXPIRED: 1,
      TERMINATED: 1,
      AUTHORIZED: 1,
    };
    fc.assert(
      fc.property(
        arbTruth.chain((t) =>
          fc.tuple(
            fc.constant(t),
            // news: an event (by index) or a query answer taken at some earlier moment (a stale snapshot)
            fc.array(
              fc.oneof(
                fc.nat({ max: t.events.length - 1 }).map((i) => ({ event: i })),
                fc.nat({ max: t.snapshots.length - 1 }).map((i) => ({ snapshot: i })),
              ),
              { maxLength: 30 },
            ),
          ),
        ),
        ([truth, news]) => {
          let view = fresh(truth);
          let before = derive(view);
          news.forEach((n, i) => {
            view =
              'event' in n
                ? applyEvent(view, truth.events[n.event]!, T0 + i).view
                : applySnapshot(view, truth.snapshots[n.snapshot]!, T0 + i);
            const after = derive(view);
            expect(rank[after.state]).toBeGreaterThanOrEqual(rank[before.state]);
            for (const k of ['authorized', 'captured', 'refunded', 'cancelled'] as const) {
              expect(after.sums[k]).toBeGreaterThanOrEqual(before.sums[k]);
              // never more than the platform ever had
              expect(after.sums[k]).toBeLessThanOrEqual(truthOf(truth).sums[k]);
            }
            before = after;
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('status logic: missed webhooks and reconciliation', () => {
  it('with the AUTHORIZED webhook missed the payment looks pending; a query puts it right', () => {
    const truth = simulate(30000, 'AUTHORIZED', []);
    const view = deliver([truth.events[0]!], fresh(truth));
    expect(derive(view).status).toBe('PENDING');
    const reconciled = applySnapshot(view, truthOf(truth), T0 + 60_000);
    expect(derive(reconciled).status).toBe('AUTHORIZED');
    expect(derive(reconciled).sums.authorized).toBe(30000);
    expect(derive(reconciled).capturable).toBe(30000);
  });

  it('after reconciliation the merchant never disagrees with the platform, whatever was missed or duplicated', () => {
    fc.assert(
      fc.property(
        arbTruth.chain((t) =>
          fc.tuple(
            fc.constant(t),
            fc.shuffledSubarray(t.events), // any subset, in any order (the rest is missed)
            fc.nat({ max: t.snapshots.length - 1 }), // an old query answer seen before
          ),
        ),
        ([truth, delivered, old]) => {
          let view = deliver(delivered, fresh(truth));
          view = applySnapshot(view, truth.snapshots[old]!, T0 + 500);
          view = applySnapshot(view, truthOf(truth), T0 + 1000); // reconciliation: the current answer
          const d = derive(view);
          expect(d.state).toBe(truthOf(truth).state);
          expect(d.sums).toEqual(truthOf(truth).sums);
          // and events delivered after reconciliation, duplicates included, change nothing
          const later = derive(deliver([...truth.events, ...delivered], view));
          expect(later).toEqual(d);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('failed events (success false) count for nothing', () => {
    const truth = simulate(10000, 'AUTHORIZED', [
      { kind: 'capture', fraction: 1, fail: false },
      { kind: 'refund', fraction: 0.5, fail: true },
    ]);
    const d = derive(deliver(truth.events, fresh(truth)));
    expect(truth.events.at(-1)!.success).toBe(false);
    expect(d.sums.refunded).toBe(0);
    expect(d.status).toBe('CAPTURED');
  });
});

describe('status logic: which payments reconciliation queries', () => {
  const quietMs = 60_000;

  it('a pending payment is queried once it has been quiet for quietMs, not before', () => {
    const view = newView('ref-12345678', 1000, 'NOK', T0);
    expect(needsReconciliation(view, T0 + quietMs - 1, { quietMs })).toBe(false);
    expect(needsReconciliation(view, T0 + quietMs, { quietMs })).toBe(true);
  });

  it('news resets the quiet time', () => {
    const truth = simulate(1000, 'AUTHORIZED', []);
    const view = applyEvent(newView('ref-12345678', 1000, 'NOK', T0), truth.events[0]!, T0 + 50_000).view;
    expect(needsReconciliation(view, T0 + quietMs, { quietMs })).toBe(false);
    expect(needsReconciliation(view, T0 + 50_000 + quietMs, { quietMs })).toBe(true);
  });

  it('a final payment known by webhook only is queried once; after the query it is left alone', () => {
    const truth = simulate(1000, 'AUTHORIZED', []);
    const byWebhook = deliver(truth.events, fresh(truth));
    const later = T0 + 10 * quietMs;
    expect(needsReconciliation(byWebhook, later, { quietMs })).toBe(true);
    const queried = applySnapshot(byWebhook, truthOf(truth), later);
    expect(needsReconciliation(queried, later + 10 * quietMs, { quietMs })).toBe(false);
    // ... unless one of the merchant's own operations ended in doubt
    expect(needsReconciliation(queried, later + 10 * quietMs, { quietMs, operationInDoubt: true })).toBe(
      true,
    );
  });

  it('an expired or aborted payment confirmed by a query is never queried again', () => {
    for (const outcome of ['ABORTED', 'EXPIRED', 'TERMINATED'] as const) {
      const truth = simulate(1000, outcome, []);
      const view = applySnapshot(deliver(truth.events, fresh(truth)), truthOf(truth), T0 + 100);
      expect(derive(view).status).toBe(outcome);
      expect(needsReconciliation(view, T0 + 100 * quietMs, { quietMs })).toBe(false);
    }
  });
});

describe('status logic: statuses and allowed operations', () => {
  it.each([
    ['CREATED', { authorized: 0, captured: 0, refunded: 0, cancelled: 0 }, 'PENDING'],
    ['AUTHORIZED', { authorized: 100, captured: 0, refunded: 0, cancelled: 0 }, 'AUTHORIZED'],
    ['AUTHORIZED', { authorized: 100, captured: 40, refunded: 0, cancelled: 0 }, 'PARTIALLY_CAPTURED'],
    ['AUTHORIZED', { authorized: 100, captured: 40, refunded: 0, cancelled: 60 }, 'CAPTURED'],
    ['AUTHORIZED', { authorized: 100, captured: 100, refunded: 0, cancelled: 0 }, 'CAPTURED'],
    ['AUTHORIZED', { authorized: 100, captured: 100, refunded: 30, cancelled: 0 }, 'PARTIALLY_REFUNDED'],
    ['AUTHORIZED', { authorized: 100, captured: 100, refunded: 100, cancelled: 0 }, 'REFUNDED'],
    ['AUTHORIZED', { authorized: 100, captured: 0, refunded: 0, cancelled: 100 }, 'CANCELLED'],
    ['EXPIRED', { authorized: 0, captured: 0, refunded: 0, cancelled: 0 }, 'EXPIRED'],
  ] as const)('%s with %o is %s', (state, sums, status) => {
    expect(statusOf(state, { ...sums })).toBe(status);
  });

  it('capturable, refundable and cancellable follow contract 3.6', () => {
    const view = (sums: Sums): PaymentView =>
      applySnapshot(newView('ref-12345678', 100, 'NOK', T0), { state: 'AUTHORIZED', sums }, T0);
    const partly = derive(view({ authorized: 100, captured: 40, refunded: 10, cancelled: 0 }));
    expect(partly.capturable).toBe(60);
    expect(partly.refundable).toBe(30);
    expect(partly.cancellable).toBe(true);
    const full = derive(view({ authorized: 100, captured: 100, refunded: 0, cancelled: 0 }));
    expect(full.capturable).toBe(0);
    expect(full.cancellable).toBe(false); // 6040: cannot cancel a captured payment
    const released = derive(view({ authorized: 100, captured: 40, refunded: 0, cancelled: 60 }));
    expect(released.capturable).toBe(0); // 6070
    expect(released.cancellable).toBe(false);
    const pending = derive(newView('ref-12345678', 100, 'NOK', T0));
    expect(pending.cancellable).toBe(true);
    expect(pending.capturable).toBe(0);
  });
});
