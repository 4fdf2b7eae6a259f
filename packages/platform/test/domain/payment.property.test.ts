import type { Currency } from '@betal/contract';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../src/domain/errors.js';
import {
  abort,
  authorize,
  cancel,
  capture,
  expire,
  refund,
  type NewPaymentEvent,
  type Payment,
  type RefundResult,
} from '../../src/domain/payment.js';
import {
  TEST_AMOUNTS,
  testAmountOf,
  UNKNOWN_RESULT_MS,
  type TestAmount,
} from '../../src/domain/test-amounts.js';
import { decide, stateOf } from '../../src/domain/transitions.js';
import { at, counterIds, createdPayment, nok, NOW } from './fixtures.js';

/**
 * Model-based property tests of the payment state machine (contract 3.6, 3.7, 3.10): random sequences of the
 * merchant's and the user's operations with random amounts, valid and invalid, checked step by step against an
 * oracle that reads the transition table and the test amounts.
 */

/** The test amounts of one operation (domain/test-amounts.ts). */
const amountsOf = (operation: TestAmount['operation']) =>
  TEST_AMOUNTS.filter((t) => t.operation === operation).map((t) => t.amount);

/** An amount as the generator describes it: a fixed number, all that is left, or a fraction of what is left. */
type AmountSpec = { kind: 'fixed'; value: number } | { kind: 'rest' } | { kind: 'part'; fraction: number };

type Op =
  | { op: 'authorize' }
  | { op: 'abort' }
  | { op: 'expire' }
  | { op: 'capture'; currency: Currency; amount: AmountSpec }
  | { op: 'refund'; currency: Currency; amount: AmountSpec }
  | { op: 'cancel'; cancelTransactionOnly: boolean };

const amountSpec: fc.Arbitrary<AmountSpec> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.integer({ min: -500, max: 25_000 }).map((value) => ({ kind: 'fixed' as const, value })),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(
        0,
        -1,
        1,
        ...amountsOf('capture'),
        ...amountsOf('refund'),
        0.5,
        99.99,
        Number.NaN,
        Number.MAX_SAFE_INTEGER + 2,
      )
      .map((value) => ({ kind: 'fixed' as const, value })),
  },
  { weight: 2, arbitrary: fc.constant({ kind: 'rest' as const }) },
  {
    weight: 2,
    arbitrary: fc
      .double({ min: 0, max: 1, noNaN: true })
      .map((fraction) => ({ kind: 'part' as const, fraction })),
  },
);
const currency = fc.oneof(
  { weight: 9, arbitrary: fc.constant<Currency>('NOK') },
  { weight: 1, arbitrary: fc.constantFrom<Currency>('DKK', 'EUR') },
);
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ op: 'authorize' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'abort' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'expire' as const }) },
  { weight: 5, arbitrary: fc.record({ op: fc.constant('capture' as const), currency, amount: amountSpec }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('refund' as const), currency, amount: amountSpec }) },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant('cancel' as const), cancelTransactionOnly: fc.boolean() }),
  },
);
const paymentValue = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 100, max: 20_000 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(100, ...amountsOf('refund'), ...amountsOf('authorize')),
  },
);

function resolve(spec: AmountSpec, left: number): number {
  if (spec.kind === 'fixed') return spec.value;
  if (spec.kind === 'rest') return left;
  return Math.floor(left * spec.fraction);
}

/** What the table says an operation does to a payment: a refusal code, or the events it causes and its move. */
type Expected =
  | { refused: number }
  | {
      events: Array<Pick<NewPaymentEvent, 'name' | 'amount' | 'success'>>;
      failure?: number;
      /** The sum of the aggregate the event's amount is added to, and the state the payment is in after. */
      adds?: keyof Payment['aggregate'];
      state: Payment['state'];
    };

/** Whether a 201 approval is waiting for its result (the payment stays CREATED for an hour). */
const pending = (p: Payment) => p.details.pendingAuthorization !== undefined;

/**
 * The oracle reads the tables, it does not restate them: the transition table (phase × operation, guards in
 * order: domain/transitions.ts) and the test amounts (domain/test-amounts.ts) decide; the checks below hold the
 * functions to that decision, and the invariants hold the table to contract 3.6's bounds.
 */
function expected(p: Payment, o: Op, value: number, fullCaptureOnly: boolean): Expected {
  const modification = o.op === 'capture' || o.op === 'refund';
  const d = decide(o.op, {
    payment: p,
    now: o.op === 'expire' && pending(p) ? p.details.pendingAuthorization!.resolvesAt : NOW,
    value: modification ? value : p.value,
    currency: modification ? o.currency : p.currency,
    idempotencyKey: modification ? 'k' : null,
    fullCaptureOnly,
    captureWindowDays: 180,
    cancelTransactionOnly: o.op === 'cancel' && o.cancelTransactionOnly,
  });
  if (d.kind === 'refused') return { refused: d.error.code };
  if (d.kind === 'test-amount') {
    const t = d.testAmount;
    if (t.effect === 'declined') return { refused: t.code! };
    if (t.effect === 'unknown-result') return { events: [], state: p.state };
    return {
      events: [{ name: d.move.event, amount: value, success: false }],
      failure: t.code!,
      state: p.state,
    };
  }
  return {
    events: [{ name: d.move.event, amount: d.amount, success: true }],
    ...(d.move.adds ? { adds: d.move.adds } : {}),
    state: stateOf(d.move.to),
  };
}

function checkInvariants(p: Payment): void {
  const { authorized, captured, refunded, cancelled } = p.aggregate;
  for (const v of [authorized, captured, refunded, cancelled]) {
    expect(Number.isSafeInteger(v)).toBe(true);
    expect(v).toBeGreaterThanOrEqual(0);
  }
  expect(captured + cancelled).toBeLessThanOrEqual(p.state === 'TERMINATED' ? p.value : authorized);
  expect(refunded).toBeLessThanOrEqual(captured);
  expect(authorized).toBe(p.state === 'AUTHORIZED' ? p.value : 0);
}

describe('payment state machine, model-based (contract 3.6, 3.7)', () => {
  it('keeps the aggregate bounds, moves only along the state graph, refuses without effect, emits exactly the contract events', () => {
    fc.assert(
      fc.property(
        paymentValue,
        fc.boolean(),
        fc.array(op, { minLength: 1, maxLength: 25 }),
        (value, fullCaptureOnly, ops) => {
          const ids = counterIds();
          let p = createdPayment(value);
          const log: NewPaymentEvent[] = [];
          for (const o of ops) {
            const before = structuredClone(p);
            const drawn = ids.count();
            const left =
              o.op === 'refund'
                ? p.aggregate.captured - p.aggregate.refunded
                : p.aggregate.authorized - p.aggregate.captured;
            const amount = o.op === 'capture' || o.op === 'refund' ? resolve(o.amount, left) : 0;
            if (o.op === 'expire' && p.state !== 'CREATED') {
              expect(() => expire(p, NOW, ids)).toThrow();
              expect(p).toEqual(before);
              continue;
            }
            const want = expected(p, o, amount, fullCaptureOnly);
            const modification = {
              amount: { currency: 'currency' in o ? o.currency : p.currency, value: amount },
              ...at(NOW, ids),
              idempotencyKey: 'k',
            };
            let result: RefundResult | undefined;
            let thrown: unknown;
            try {
              switch (o.op) {
                case 'authorize':
                  result = authorize(p, { ...at(NOW, ids), by: { phoneNumber: '4712345678' } });
                  break;
                case 'abort':
                  result = abort(p, NOW, ids);
                  break;
                case 'expire':
                  result = expire(p, NOW, ids);
                  break;
                case 'capture':
                  result = capture(p, { ...modification, fullCaptureOnly });
                  break;
                case 'refund':
                  result = refund(p, modification);
                  break;
                case 'cancel':
                  result = cancel(p, { ...at(NOW, ids), cancelTransactionOnly: o.cancelTransactionOnly });
                  break;
              }
            } catch (error) {
              thrown = error;
            }
            // The input payment is never mutated, whatever happens.
            expect(p).toEqual(before);
            if ('refused' in want) {
              expect(thrown, `${o.op} ${amount} on ${JSON.stringify(before)}`).toBeInstanceOf(DomainError);
              expect((thrown as DomainError).code).toBe(want.refused);
              expect(ids.count()).toBe(drawn);
              continue;
            }
            expect(thrown, `${o.op} ${amount} on ${JSON.stringify(before)}`).toBeUndefined();
            const t = result!;
            expect(t.events.map((e) => ({ name: e.name, amount: e.amount, success: e.success }))).toEqual(
              want.events,
            );
            // A pending 201 approval resolves at its own time, an hour after it was given (at NOW).
            const when = o.op === 'expire' && pending(before) ? NOW + UNKNOWN_RESULT_MS : NOW;
            expect(t.events.every((e) => e.timestamp === when)).toBe(true);
            if (want.failure !== undefined) {
              expect(t.failure?.code).toBe(want.failure);
              // Only a 6280 remembers its key (for the retry); nothing else changes.
              const { retryableCaptureKeys: _keys, ...rest } = t.payment.details;
              expect({ ...t.payment, details: rest }).toEqual({
                ...before,
                details: { ...before.details, retryableCaptureKeys: undefined },
              });
              if (want.failure === 6280) expect(t.payment.details.retryableCaptureKeys).toContain('k');
            } else {
              expect(t.failure).toBeUndefined();
            }
            expect(t.payment.state).toBe(want.state);
            const added = want.adds && want.events[0]?.success ? { [want.adds]: want.events[0].amount } : {};
            const sums = Object.entries(before.aggregate).map(([k, v]) => [k, v + (added[k] ?? 0)]);
            expect(t.payment.aggregate).toEqual(Object.fromEntries(sums));
            p = t.payment;
            log.push(...t.events);
            checkInvariants(p);
          }
          // The log of successful events adds up to the aggregate (contract 3.7).
          const sum = (name: string) =>
            log.filter((e) => e.name === name && e.success).reduce((s, e) => s + e.amount, 0);
          expect(sum('CAPTURED')).toBe(p.aggregate.captured);
          expect(sum('REFUNDED')).toBe(p.aggregate.refunded);
          expect(sum('CANCELLED') + sum('TERMINATED')).toBe(p.aggregate.cancelled);
          expect(sum('AUTHORIZED')).toBe(p.aggregate.authorized);
          expect(new Set(log.map((e) => e.pspReference)).size).toBe(log.length);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('a capture or refund of all that is left always succeeds on a payment that allows it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 100, max: 65_000_000 }),
        fc.integer({ min: 1, max: 5 }),
        (value, parts) => {
          fc.pre(!testAmountOf('authorize', value, 'NOK'));
          const ids = counterIds();
          let p = authorize(createdPayment(value), {
            ...at(NOW, ids),
            by: { phoneNumber: '4712345678' },
          }).payment;
          for (let i = 0; i < parts - 1; i++) {
            const part = Math.floor((value - p.aggregate.captured) / 2);
            fc.pre(!testAmountOf('capture', part, 'NOK'));
            if (part > 0) p = capture(p, { ...nok(part), ...at(NOW, ids) }).payment;
          }
          fc.pre(!testAmountOf('capture', value - p.aggregate.captured, 'NOK'));
          p = capture(p, { ...nok(value - p.aggregate.captured), ...at(NOW, ids) }).payment;
          expect(p.aggregate.captured).toBe(value);
          const refundable = p.aggregate.captured;
          fc.pre(!testAmountOf('refund', refundable, 'NOK'));
          p = refund(p, { ...nok(refundable), ...at(NOW, ids) }).payment;
          expect(p.aggregate.refunded).toBe(value);
          checkInvariants(p);
        },
      ),
    );
  });
});
