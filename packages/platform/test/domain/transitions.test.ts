import { EPAYMENT_ERRORS, PAYMENT_EVENT_NAMES, PAYMENT_STATES } from '@betal/contract';
import { describe, expect, it } from 'vitest';
import { TEST_AMOUNTS } from '../../src/domain/test-amounts.js';
import {
  OPERATIONS,
  PAYMENT_MACHINE,
  PHASES,
  stateOf,
  type Outcome,
  type Phase,
} from '../../src/domain/transitions.js';

/**
 * The tables validated as tables (domain/transitions.ts, domain/test-amounts.ts): whatever rule they hold, their
 * shape must be that of a state machine the contract can have.
 */

const outcomes = (): Array<{ phase: Phase; op: string; outcome: Outcome }> =>
  PHASES.flatMap((phase) => OPERATIONS.map((op) => ({ phase, op, outcome: PAYMENT_MACHINE[phase][op] })));

/** Where a phase can go: the moves of the table, and the test amount that makes an approval PENDING. */
function next(phase: Phase): Phase[] {
  const moves = OPERATIONS.map((op) => PAYMENT_MACHINE[phase][op]).flatMap((o) =>
    o.kind === 'move' ? [o.to] : [],
  );
  const pending = TEST_AMOUNTS.some((t) => t.effect === 'unknown-result') && phase === 'CREATED';
  return [...moves, ...(pending ? (['PENDING'] as const) : [])];
}

const FINAL: readonly Phase[] = ['ABORTED', 'EXPIRED', 'TERMINATED'];

describe('the transition table', () => {
  it('has exactly one outcome for every (phase, operation) pair, and no other', () => {
    expect(Object.keys(PAYMENT_MACHINE).sort()).toEqual([...PHASES].sort());
    for (const phase of PHASES) {
      expect(Object.keys(PAYMENT_MACHINE[phase]).sort()).toEqual([...OPERATIONS].sort());
    }
    for (const { outcome } of outcomes()) {
      expect(['move', 'refused', 'not-asked']).toContain(outcome.kind);
    }
  });

  it('has a phase for every payment state of the contract, and only PENDING besides', () => {
    expect(new Set(PHASES.map(stateOf))).toEqual(new Set(PAYMENT_STATES));
    expect(PHASES.filter((p) => !(PAYMENT_STATES as readonly string[]).includes(p))).toEqual(['PENDING']);
  });

  it('reaches every phase from CREATED', () => {
    const seen = new Set<Phase>(['CREATED']);
    const queue: Phase[] = ['CREATED'];
    while (queue.length) {
      for (const to of next(queue.shift()!)) {
        if (!seen.has(to)) queue.push(to);
        seen.add(to);
      }
    }
    expect([...seen].sort()).toEqual([...PHASES].sort());
  });

  it('leaves the final states by no operation, and AUTHORIZED only for itself', () => {
    for (const phase of FINAL) {
      expect(next(phase)).toEqual([]);
      for (const op of OPERATIONS) expect(PAYMENT_MACHINE[phase][op].kind).not.toBe('move');
    }
    expect(new Set(next('AUTHORIZED'))).toEqual(new Set(['AUTHORIZED']));
    // The phases that never leave themselves: AUTHORIZED and the final ones; CREATED and PENDING do.
    expect(PHASES.filter((p) => next(p).every((to) => to === p))).toEqual(['AUTHORIZED', ...FINAL]);
  });

  it('refuses and guards with codes of the contract catalogue (packages/contract/src/errors.ts)', () => {
    const codes = outcomes().flatMap(({ outcome: o }) =>
      o.kind === 'refused' ? [o.code] : o.kind === 'move' ? o.guards.map((g) => g.code) : [],
    );
    expect(codes.length).toBeGreaterThan(0);
    for (const code of codes) expect(EPAYMENT_ERRORS).toHaveProperty(String(code));
  });

  it('makes events the contract knows, and leaves only the clock unasked', () => {
    for (const { op, outcome } of outcomes()) {
      if (outcome.kind === 'move') expect(PAYMENT_EVENT_NAMES).toContain(outcome.event);
      if (outcome.kind === 'not-asked') expect(op).toBe('expire');
    }
    for (const phase of PHASES) {
      expect(PAYMENT_MACHINE[phase].expire.kind === 'move').toBe(phase === 'CREATED' || phase === 'PENDING');
    }
  });
});

describe('the test amounts', () => {
  it('name each (operation, amount, currency) once', () => {
    const keys = TEST_AMOUNTS.map((t) => `${t.operation} ${t.amount} ${t.currency ?? '*'}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('are positive integers in minor units on operations that move in some phase', () => {
    for (const t of TEST_AMOUNTS) {
      expect(Number.isSafeInteger(t.amount) && t.amount > 0).toBe(true);
      expect(PHASES.some((p) => PAYMENT_MACHINE[p][t.operation].kind === 'move')).toBe(true);
    }
  });

  it('fail with a code of the catalogue, but the unknown result, which does not fail', () => {
    for (const t of TEST_AMOUNTS) {
      if (t.effect === 'unknown-result') expect(t.code).toBeUndefined();
      else expect(EPAYMENT_ERRORS).toHaveProperty(String(t.code));
      expect(t.detail).toContain(`test amount ${t.amount}`);
    }
  });

  it('decline only an approval, and log a failed event only for a capture or a refund', () => {
    for (const t of TEST_AMOUNTS) {
      const approval = t.operation === 'authorize';
      expect(['declined', 'unknown-result'].includes(t.effect)).toBe(approval);
    }
  });
});
