import fc from 'fast-check';
import { TEST_AMOUNTS } from '../../src/domain/test-amounts.js';

/**
 * The operations of the PostgreSQL property tests (postgres-property, postgres-processes-property): random captures,
 * refunds and cancels of one authorized payment, each sent to one of two platforms, or to both with one key.
 */

/** The amount each property's payment is authorized for, in minor units. */
export const AUTHORIZED = 10_000;
/** Amounts with a test meaning (domain/test-amounts.ts) are left out: their refusals are tested elsewhere. */
const SPECIAL = new Set(TEST_AMOUNTS.map((t) => t.amount));

/** One operation: its kind, the amount in minor units (not for a cancel), which platform, and whether to both. */
export type Op =
  | { op: 'capture' | 'refund'; value: number; to: 0 | 1; both: boolean }
  | { op: 'cancel'; to: 0 | 1; both: boolean };

/** Captures and refunds of 1 to 6 000 minor units (five in six), and cancels. */
export const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      op: fc.constantFrom('capture' as const, 'refund' as const),
      value: fc.integer({ min: 1, max: 6_000 }).filter((v) => !SPECIAL.has(v)),
      to: fc.constantFrom(0 as const, 1 as const),
      both: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('cancel' as const),
      to: fc.constantFrom(0 as const, 1 as const),
      both: fc.boolean(),
    }),
  },
);
