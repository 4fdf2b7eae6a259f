import { EPAYMENT_ERRORS } from '@betal/contract';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../src/domain/errors.js';
import {
  abort,
  authorize,
  cancel,
  capture,
  expire,
  isOverdue,
  refund,
  type Payment,
  type Transition,
} from '../../src/domain/payment.js';
import { testAmountOf } from '../../src/domain/test-amounts.js';
import { at, authorizedPayment, counterIds, createdPayment, nok, NOW, thrownBy } from './fixtures.js';

const USER = { phoneNumber: '4712345678' };

/**
 * Runs `act` on `payment` and asserts it is refused with `code` (and the catalogue's status), that the payment
 * object is left exactly as it was and that no pspReference was drawn (no event was made).
 */
function expectRefused(payment: Payment, code: number, act: (p: Payment) => unknown): DomainError {
  const before = structuredClone(payment);
  const thrown = thrownBy(() => act(payment));
  expect(thrown).toBeInstanceOf(DomainError);
  const error = thrown as DomainError;
  expect(error.code).toBe(code);
  expect(error.status).toBe(EPAYMENT_ERRORS[code as keyof typeof EPAYMENT_ERRORS].status);
  expect(payment).toEqual(before);
  return error;
}

function only(t: Transition) {
  expect(t.events).toHaveLength(1);
  return t.events[0]!;
}

/** Asserts that `t` moved the payment to `state` with `aggregate` (minor units) by one successful event. */
function expectMoved(t: Transition, state: Payment['state'], aggregate: Payment['aggregate']): void {
  expect(t.payment.state).toBe(state);
  expect(t.payment.aggregate).toEqual(aggregate);
  expect(only(t).success).toBe(true);
}

describe('authorize (contract 3.6, 3.10)', () => {
  it('CREATED → AUTHORIZED with authorized = amount and one AUTHORIZED event of the amount', () => {
    const ids = counterIds();
    const t = authorize(createdPayment(4_990), { ...at(NOW + 5, ids), by: USER });
    expect(t.payment.state).toBe('AUTHORIZED');
    expect(t.payment.aggregate).toEqual({ authorized: 4_990, captured: 0, refunded: 0, cancelled: 0 });
    expect(t.payment.authorizedBy).toBe('4712345678');
    const e = only(t);
    expect(e).toEqual({
      name: 'AUTHORIZED',
      pspReference: '1000000001',
      amount: 4_990,
      timestamp: NOW + 5,
      idempotencyKey: null,
      success: true,
    });
  });

  it('keeps the sub when one is given, and sets none otherwise', () => {
    const ids = counterIds();
    expect(authorize(createdPayment(), { ...at(NOW, ids), by: { ...USER, sub: 'sub-1' } }).payment.sub).toBe(
      'sub-1',
    );
    expect(authorize(createdPayment(), { ...at(NOW, ids), by: USER }).payment.sub).toBeUndefined();
  });

  it('refuses an AUTHORIZED payment with 6230', () => {
    expectRefused(authorizedPayment(), 6230, (p) => authorize(p, { ...at(), by: USER }));
  });

  it.each(['ABORTED', 'EXPIRED', 'TERMINATED'] as const)('refuses a %s payment with 10020', (state) => {
    expectRefused(createdPayment(10_000, { state }), 10020, (p) => authorize(p, { ...at(), by: USER }));
  });

  it.each([151, 182, 183, 184, 186, 187, 197])(
    'refuses the test amount %i with 10010 and leaves the payment CREATED',
    (amount) => {
      expect(testAmountOf('authorize', amount, 'NOK')?.code).toBe(10010);
      const error = expectRefused(createdPayment(amount), 10010, (p) => authorize(p, { ...at(), by: USER }));
      expect(error.detail).toContain(String(amount));
    },
  );

  it('authorizes amounts next to the test amounts', () => {
    for (const amount of [150, 152, 185, 188, 196, 198, 15_100]) {
      expect(authorize(createdPayment(amount), { ...at(), by: USER }).payment.state).toBe('AUTHORIZED');
    }
  });
});

describe('abort and expire (contract 3.6, 3.11)', () => {
  it('abort: CREATED → ABORTED with an ABORTED event of the amount; other states 10020', () => {
    const t = abort(createdPayment(2_500), NOW, counterIds());
    expect(t.payment.state).toBe('ABORTED');
    expect(t.payment.aggregate).toEqual({ authorized: 0, captured: 0, refunded: 0, cancelled: 0 });
    expect(only(t)).toMatchObject({ name: 'ABORTED', amount: 2_500, success: true, idempotencyKey: null });
    for (const state of ['AUTHORIZED', 'ABORTED', 'EXPIRED', 'TERMINATED'] as const) {
      expectRefused(createdPayment(2_500, { state }), 10020, (p) => abort(p, NOW, counterIds()));
    }
  });

  it('isOverdue is true for a CREATED payment from expiresAt on, and never for another state', () => {
    const p = createdPayment();
    expect(isOverdue(p, p.expiresAt - 1)).toBe(false);
    expect(isOverdue(p, p.expiresAt)).toBe(true);
    expect(isOverdue(authorizedPayment(), p.expiresAt + 1)).toBe(false);
  });

  it('expire: CREATED → EXPIRED with one EXPIRED event; any other state is a programming error', () => {
    const t = expire(createdPayment(3_000), NOW, counterIds());
    expect(t.payment.state).toBe('EXPIRED');
    expect(only(t)).toMatchObject({ name: 'EXPIRED', amount: 3_000, success: true });
    expect(() => expire(authorizedPayment(), NOW, counterIds())).toThrow();
  });
});

describe('capture (contract 3.6)', () => {
  it('adds to captured, keeps the state, and emits one CAPTURED event of the captured amount with its key', () => {
    const t = capture(authorizedPayment(10_000), { ...nok(6_000), ...at(), idempotencyKey: 'cap-1' });
    expectMoved(t, 'AUTHORIZED', { authorized: 10_000, captured: 6_000, refunded: 0, cancelled: 0 });
    expect(only(t)).toMatchObject({ name: 'CAPTURED', amount: 6_000, idempotencyKey: 'cap-1' });
  });

  it('allows repeated partial captures up to the authorized amount', () => {
    const ids = counterIds();
    let p = authorizedPayment(10_000);
    for (const v of [2_500, 2_500, 5_000]) p = capture(p, { ...nok(v), ...at(NOW, ids) }).payment;
    expect(p.aggregate.captured).toBe(10_000);
  });

  it('refuses before authorization with 6080', () => {
    expectRefused(createdPayment(), 6080, (p) => capture(p, { ...nok(100), ...at() }));
  });

  it.each(['ABORTED', 'EXPIRED', 'TERMINATED'] as const)('refuses a %s payment with 6200', (state) => {
    expectRefused(createdPayment(10_000, { state }), 6200, (p) => capture(p, { ...nok(100), ...at() }));
  });

  it('refuses after a cancel with 6070, also when part was captured', () => {
    expectRefused(authorizedPayment(10_000, { cancelled: 10_000 }), 6070, (p) =>
      capture(p, { ...nok(100), ...at() }),
    );
    expectRefused(authorizedPayment(10_000, { captured: 4_000, cancelled: 6_000 }), 6070, (p) =>
      capture(p, { ...nok(100), ...at() }),
    );
  });

  it('refuses more than the remainder with 6090', () => {
    expectRefused(authorizedPayment(10_000), 6090, (p) => capture(p, { ...nok(10_001), ...at() }));
    expectRefused(authorizedPayment(10_000, { captured: 7_000 }), 6090, (p) =>
      capture(p, { ...nok(3_001), ...at() }),
    );
  });

  it('refuses a fully captured payment with 6170', () => {
    expectRefused(authorizedPayment(10_000, { captured: 10_000, refunded: 500 }), 6170, (p) =>
      capture(p, { ...nok(1), ...at() }),
    );
  });

  it('refuses a partial capture with 6140 on a fullCaptureOnly sales unit, and allows the full one', () => {
    const options = { fullCaptureOnly: true };
    expectRefused(authorizedPayment(10_000), 6140, (p) => capture(p, { ...nok(9_999), ...at(), ...options }));
    const t = capture(authorizedPayment(10_000), { ...nok(10_000), ...at(), ...options });
    expect(t.payment.aggregate.captured).toBe(10_000);
  });

  it('refuses another currency and a non-positive or non-integer amount with 4040', () => {
    for (const [currency, value] of [
      ['DKK', 100],
      ['EUR', 100],
      ['NOK', 0],
      ['NOK', -100],
      ['NOK', 1.5],
      ['NOK', Number.NaN],
    ] as const) {
      expectRefused(authorizedPayment(), 4040, (p) => capture(p, { amount: { currency, value }, ...at() }));
    }
  });
});

describe('refund (contract 3.6, 3.10)', () => {
  const captured = () => authorizedPayment(10_000, { captured: 6_000 });

  it('adds to refunded and emits one REFUNDED event of the refunded amount with its key', () => {
    const t = refund(captured(), { ...nok(1_000), ...at(), idempotencyKey: 'ref-1' });
    expect(t.failure).toBeUndefined();
    expectMoved(t, 'AUTHORIZED', { authorized: 10_000, captured: 6_000, refunded: 1_000, cancelled: 0 });
    expect(only(t)).toMatchObject({ name: 'REFUNDED', amount: 1_000, idempotencyKey: 'ref-1' });
  });

  it('allows refunding all that was captured, in parts, and after a cancel of the rest', () => {
    const ids = counterIds();
    let p = authorizedPayment(10_000, { captured: 6_000, cancelled: 4_000 });
    p = refund(p, { ...nok(2_000), ...at(NOW, ids) }).payment;
    p = refund(p, { ...nok(4_000), ...at(NOW, ids) }).payment;
    expect(p.aggregate).toEqual({ authorized: 10_000, captured: 6_000, refunded: 6_000, cancelled: 4_000 });
  });

  it('refuses before authorization with 6020', () => {
    expectRefused(createdPayment(), 6020, (p) => refund(p, { ...nok(100), ...at() }));
  });

  it.each(['ABORTED', 'EXPIRED', 'TERMINATED'] as const)('refuses a %s payment with 6210', (state) => {
    expectRefused(createdPayment(10_000, { state }), 6210, (p) => refund(p, { ...nok(100), ...at() }));
  });

  it('refuses more than captured − refunded with 6150, also when nothing was captured', () => {
    expectRefused(authorizedPayment(), 6150, (p) => refund(p, { ...nok(100), ...at() }));
    expectRefused(captured(), 6150, (p) => refund(p, { ...nok(6_001), ...at() }));
    expectRefused(authorizedPayment(10_000, { captured: 6_000, refunded: 5_000 }), 6150, (p) =>
      refund(p, { ...nok(1_001), ...at() }),
    );
  });

  it('refuses another currency and a non-positive amount with 4040', () => {
    expectRefused(captured(), 4040, (p) => refund(p, { amount: { currency: 'EUR', value: 100 }, ...at() }));
    expectRefused(captured(), 4040, (p) => refund(p, { ...nok(0), ...at() }));
  });

  it.each([
    [123, 5100],
    [124, 6220],
  ])(
    'the test amount %i fails with %i: payment unchanged, one REFUNDED event with success false',
    (value, code) => {
      const p = captured();
      const before = structuredClone(p);
      const t = refund(p, { ...nok(value), ...at(), idempotencyKey: 'ref-test' });
      expect(t.failure).toBeInstanceOf(DomainError);
      expect(t.failure!.code).toBe(code);
      expect(t.failure!.status).toBe(400);
      expect(t.payment).toEqual(before);
      expect(p).toEqual(before);
      expect(only(t)).toMatchObject({
        name: 'REFUNDED',
        amount: value,
        idempotencyKey: 'ref-test',
        success: false,
      });
    },
  );
});

describe('cancel (contract 3.6)', () => {
  it('CREATED → TERMINATED with cancelled = amount, authorized 0, and one TERMINATED event', () => {
    const t = cancel(createdPayment(7_000), { ...at(), idempotencyKey: 'can-1' });
    expectMoved(t, 'TERMINATED', { authorized: 0, captured: 0, refunded: 0, cancelled: 7_000 });
    expect(only(t)).toMatchObject({ name: 'TERMINATED', amount: 7_000, idempotencyKey: 'can-1' });
  });

  it('CREATED with cancelTransactionOnly is also TERMINATED', () => {
    expect(cancel(createdPayment(), { ...at(), cancelTransactionOnly: true }).payment.state).toBe(
      'TERMINATED',
    );
  });

  it('AUTHORIZED: releases the uncaptured remainder at once and stays AUTHORIZED', () => {
    const whole = cancel(authorizedPayment(10_000), at());
    expect(whole.payment.state).toBe('AUTHORIZED');
    expect(whole.payment.aggregate).toEqual({
      authorized: 10_000,
      captured: 0,
      refunded: 0,
      cancelled: 10_000,
    });
    expect(only(whole)).toMatchObject({ name: 'CANCELLED', amount: 10_000, idempotencyKey: null });

    const rest = cancel(authorizedPayment(10_000, { captured: 3_000, refunded: 1_000 }), {
      ...at(),
      idempotencyKey: 'k',
    });
    expect(rest.payment.aggregate).toEqual({
      authorized: 10_000,
      captured: 3_000,
      refunded: 1_000,
      cancelled: 7_000,
    });
    expect(only(rest)).toMatchObject({ name: 'CANCELLED', amount: 7_000, idempotencyKey: 'k' });
  });

  it('refuses a fully captured payment with 6040', () => {
    expectRefused(authorizedPayment(10_000, { captured: 10_000 }), 6040, (p) => cancel(p, at()));
  });

  it('refuses cancelTransactionOnly on an AUTHORIZED payment with 6060', () => {
    expectRefused(authorizedPayment(), 6060, (p) => cancel(p, { ...at(), cancelTransactionOnly: true }));
    expectRefused(authorizedPayment(10_000, { captured: 2_000 }), 6060, (p) =>
      cancel(p, { ...at(), cancelTransactionOnly: true }),
    );
  });

  it('refuses a second cancel and the final states with 6190', () => {
    expectRefused(authorizedPayment(10_000, { captured: 2_000, cancelled: 8_000 }), 6190, (p) =>
      cancel(p, at()),
    );
    for (const state of ['ABORTED', 'EXPIRED', 'TERMINATED'] as const) {
      expectRefused(createdPayment(10_000, { state }), 6190, (p) => cancel(p, at()));
    }
  });
});

describe('cancel only inside the capture deadline', () => {
  const DAY = 24 * 60 * 60 * 1000;
  const authorizedNow = (): Payment => {
    const p = authorizedPayment();
    return { ...p, details: { ...p.details, authorizedAt: NOW } };
  };

  it('uses the capture deadline when it is shorter than 180 days (14 days: DK/FI without late capture)', () => {
    const ok = cancel(authorizedNow(), { ...at(NOW + 14 * DAY), captureWindowDays: 14 });
    expect(ok.payment.aggregate.cancelled).toBe(10_000);
    const error = expectRefused(authorizedNow(), 6030, (p) =>
      cancel(p, { ...at(NOW + 14 * DAY + 1), captureWindowDays: 14 }),
    );
    expect(error.detail).toContain('14 days');
  });

  it('never allows more than 180 days, whatever the capture deadline', () => {
    expect(() => cancel(authorizedNow(), { ...at(NOW + 180 * DAY), captureWindowDays: 180 })).not.toThrow();
    expectRefused(authorizedNow(), 6030, (p) => cancel(p, { ...at(NOW + 180 * DAY + 1) }));
    expectRefused(authorizedNow(), 6030, (p) =>
      cancel(p, { ...at(NOW + 180 * DAY + 1), captureWindowDays: 365 }),
    );
  });
});

describe('test amounts 201 and 202 (contract 3.10)', () => {
  const HOUR = 60 * 60 * 1000;

  it('201: approving leaves it CREATED with no event, expiring at the hour; expire then authorizes it', () => {
    const pending = authorize(createdPayment(201), { ...at(), by: { ...USER, sub: 'sub-1' } });
    expect(pending.events).toEqual([]);
    expect(pending.payment.state).toBe('CREATED');
    expect(pending.payment.expiresAt).toBe(NOW + HOUR);
    expect(isOverdue(pending.payment, NOW + HOUR - 1)).toBe(false);
    expectRefused(pending.payment, 10020, (p) => authorize(p, { ...at(NOW + 1), by: USER }));
    expectRefused(pending.payment, 10020, (p) => abort(p, NOW + 1, counterIds()));
    const resolved = expire(pending.payment, NOW + 2 * HOUR, counterIds());
    expect(resolved.payment).toMatchObject({
      state: 'AUTHORIZED',
      sub: 'sub-1',
      authorizedBy: USER.phoneNumber,
    });
    expect(resolved.payment.details.authorizedAt).toBe(NOW + HOUR);
    expect(resolved.payment.details.pendingAuthorization).toBeUndefined();
    expect(resolved.events.map((e) => [e.name, e.timestamp])).toEqual([['AUTHORIZED', NOW + HOUR]]);
  });

  it('202: 10030 in NOK, an ordinary amount in DKK', () => {
    expectRefused(createdPayment(202), 10030, (p) => authorize(p, { ...at(), by: USER }));
    const dkk = { ...createdPayment(202), currency: 'DKK' as const };
    expect(authorize(dkk, { ...at(), by: USER }).payment.state).toBe('AUTHORIZED');
  });
});

describe('every event of a payment has its own pspReference (contract 3.7)', () => {
  it('draws a fresh pspReference per event and never reuses the CREATED one', () => {
    const ids = counterIds();
    let p = createdPayment(10_000);
    const seen = [p.pspReference];
    for (const step of [
      (q: Payment) => authorize(q, { ...at(NOW, ids), by: USER }),
      (q: Payment) => capture(q, { ...nok(4_000), ...at(NOW, ids) }),
      (q: Payment) => refund(q, { ...nok(1_000), ...at(NOW, ids) }),
      (q: Payment) => cancel(q, { ...at(NOW, ids) }),
    ]) {
      const t = step(p);
      seen.push(...t.events.map((e) => e.pspReference));
      p = t.payment;
      expect(p.pspReference).toBe(seen[0]);
    }
    expect(new Set(seen).size).toBe(5);
  });
});
