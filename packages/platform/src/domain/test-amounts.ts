import { standardDetail, type Currency, type EPaymentErrorCode } from '@betal/contract';

/**
 * The test amounts of the test environment as one table: which amount (minor units), on which operation, fails
 * with which error code, and with what effect. Contract 3.10 (TK test-and-go-live) names the authorization and
 * refund amounts; the capture amounts 126 and 128 are ours (issue #9: the docs name none for 6260 and 6280).
 * The domain decides by this table (domain/transitions.ts), the tests read it, and README ("Behaviour where the
 * contract is uncertain") documents it.
 */

/** What a test amount does to the operation it is given to. */
export type TestAmountEffect =
  /** Refused with the code, as a declined card in the app: nothing changes and no event is made. */
  | 'declined'
  /**
   * Accepted with an unknown result (no code): the payment stays CREATED with no event for
   * {@link UNKNOWN_RESULT_MS}, then becomes AUTHORIZED (the machine's PENDING phase).
   */
  | 'unknown-result'
  /** Fails with the code and leaves an event of the operation with `success: false`; nothing moves. */
  | 'failed-event'
  /**
   * As `failed-event`, but only on the first try under an Idempotency-Key: the key is remembered, and a retry
   * under it is decided afresh and succeeds. Without a key it fails every time.
   */
  | 'failed-event-once-per-key';

/** One test amount. */
export interface TestAmount {
  /** The amount, in minor units: the payment's value for `authorize`, `modificationAmount.value` otherwise. */
  amount: number;
  operation: 'authorize' | 'capture' | 'refund';
  /** The error code it fails with; none for `unknown-result`, which does not fail. */
  code?: EPaymentErrorCode;
  effect: TestAmountEffect;
  /** Only payments in this currency know the amount (202: Norway); in others it is an ordinary amount. */
  currency?: Currency;
  /** Why it fails, in the words the user or the merchant is shown. */
  reason: string;
  /** The Problem's `detail` when it fails. */
  detail: string;
}

/** How long the result of an `unknown-result` approval stays unknown: 1 hour of platform time. */
export const UNKNOWN_RESULT_MS = 60 * 60 * 1000;

function declinedCard(amount: number, reason: string): TestAmount {
  const detail = `Approve failed: ${reason} (test amount ${amount}).`;
  return { amount, operation: 'authorize', code: 10010, effect: 'declined', reason, detail };
}

/** Every test amount (contract 3.10, issue #9; the capture codes are the August 2026 ones). */
export const TEST_AMOUNTS: readonly TestAmount[] = [
  declinedCard(151, 'Insufficient funds'),
  declinedCard(182, 'Refused by issuer'),
  declinedCard(183, 'Suspected fraud'),
  declinedCard(184, 'Withdrawal limit exceeded'),
  declinedCard(186, 'Expired card'),
  declinedCard(187, 'Invalid card'),
  declinedCard(197, '3-D Secure denied'),
  {
    amount: 201,
    operation: 'authorize',
    effect: 'unknown-result',
    reason: 'the result of the approval is unknown for 1 hour; it then turns out a success',
    detail: 'Accepted; the payment stays CREATED for 1 hour, then becomes AUTHORIZED (test amount 201).',
  },
  {
    amount: 202,
    operation: 'authorize',
    code: 10030,
    effect: 'declined',
    currency: 'NOK',
    reason: 'strong customer authentication is needed',
    detail: 'Identification required: strong customer authentication is needed (test amount 202, Norway).',
  },
  {
    amount: 123,
    operation: 'refund',
    code: 5100,
    effect: 'failed-event',
    reason: 'Cannot refund: the user is deleted or has no account to receive the refund',
    detail: `${standardDetail(5100)} (test amount 123: Cannot refund: the user is deleted or has no account to receive the refund).`,
  },
  {
    amount: 124,
    operation: 'refund',
    code: 6220,
    effect: 'failed-event',
    reason: 'Refund period expired',
    detail: 'Refund period expired (test amount 124).',
  },
  {
    amount: 126,
    operation: 'capture',
    code: 6260,
    effect: 'failed-event',
    reason: 'the bank released the reservation early',
    detail: 'Funds unavailable: the bank released the reservation early (test amount 126).',
  },
  {
    amount: 128,
    operation: 'capture',
    code: 6280,
    effect: 'failed-event-once-per-key',
    reason: 'a passing failure; retry with the same Idempotency-Key',
    detail:
      'Capture failed, please try again later: a passing failure; retry with the same Idempotency-Key (test amount 128).',
  },
];

/**
 * The test amount `amount` (minor units) is on `operation` for a payment in `currency`, or undefined when it is
 * an ordinary amount there.
 */
export function testAmountOf(
  operation: TestAmount['operation'],
  amount: number,
  currency: Currency,
): TestAmount | undefined {
  return TEST_AMOUNTS.find(
    (t) =>
      t.operation === operation &&
      t.amount === amount &&
      (t.currency === undefined || t.currency === currency),
  );
}
