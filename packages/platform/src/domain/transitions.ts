import {
  standardDetail,
  type Currency,
  type EPaymentErrorCode,
  type PaymentEventName,
  type PaymentState,
} from '@betal/contract';
import { DomainError } from './errors.js';
import type {
  AggregateAmounts,
  NewPaymentEvent,
  Payment,
  PspReferenceSource,
  Transition,
} from './payment.js';
import { testAmountOf, type TestAmount } from './test-amounts.js';

/**
 * The payment state machine as data (contract 3.6, 3.7, 3.10): for every phase of a payment and every operation,
 * exactly one outcome (a move to a phase, with its event and the aggregate it adds to, behind ordered guards;
 * or a refusal with its error code), run by one generic function, {@link step}. The test amounts are the other
 * table it reads (domain/test-amounts.ts). test/domain/transitions.test.ts validates the table itself.
 */

/** What can be done to a payment: by the user (authorize, abort), by the clock (expire), by the merchant. */
export type Operation = 'authorize' | 'abort' | 'expire' | 'capture' | 'refund' | 'cancel';
/** Every operation, once. */
export const OPERATIONS: readonly Operation[] = [
  'authorize',
  'abort',
  'expire',
  'capture',
  'refund',
  'cancel',
];

/**
 * Where a payment stands for the machine: its state, except that a CREATED payment whose approval has an unknown
 * result (test amount 201, `details.pendingAuthorization`) is PENDING.
 */
export type Phase = PaymentState | 'PENDING';
/** Every phase, once: the rows of {@link PAYMENT_MACHINE}. */
export const PHASES: readonly Phase[] = [
  'CREATED',
  'PENDING',
  'AUTHORIZED',
  'ABORTED',
  'EXPIRED',
  'TERMINATED',
];

/** The phase of `payment`. */
export function phaseOf(payment: Pick<Payment, 'state' | 'details'>): Phase {
  return payment.state === 'CREATED' && payment.details.pendingAuthorization ? 'PENDING' : payment.state;
}

/** The state a payment in `phase` has (PENDING is still CREATED to the merchant). */
export function stateOf(phase: Phase): PaymentState {
  return phase === 'PENDING' ? 'CREATED' : phase;
}

/** One operation tried on one payment: everything the guards and the test amounts look at. */
export interface Attempt {
  payment: Payment;
  /** Epoch ms on the platform clock; the events' timestamp. */
  now: number;
  /** The amount the operation is about, in minor units: `modificationAmount.value` for capture and refund. */
  value: number;
  currency: Currency;
  idempotencyKey: string | null;
  /** The sales unit captures only the whole authorized amount at once (6140). */
  fullCaptureOnly: boolean;
  /** The sales unit's capture deadline in days after authorization (domain/sales-unit.ts). */
  captureWindowDays: number;
  /** Cancel asks to cancel the transaction only (6060 once AUTHORIZED). */
  cancelTransactionOnly: boolean;
}

/** A guard of a move: the attempt is refused with `code` when `broken` holds. Guards are checked in order. */
export interface Guard {
  code: EPaymentErrorCode;
  /** What the guard asks of the attempt, in words. */
  rule: string;
  broken(a: Attempt): boolean;
  detail(a: Attempt): string;
}

/** Which amount a move's event carries (minor units). */
export type EventAmount =
  /** The payment's value. */
  | 'value'
  /** The amount of the attempt (`modificationAmount`). */
  | 'requested'
  /** All that is authorized and not captured. */
  | 'uncaptured';

/** The operation is done: the payment moves to `to` with one `event`, whose amount is added to `adds`. */
export interface Move {
  kind: 'move';
  to: Phase;
  event: PaymentEventName;
  amount: EventAmount;
  /** The aggregate sum the event's amount is added to, if any. */
  adds?: keyof AggregateAmounts;
  guards: readonly Guard[];
}

/** The operation is refused in this phase with `code`. */
export interface Refusal {
  kind: 'refused';
  code: EPaymentErrorCode;
  detail(payment: Payment): string;
}

/** The operation is never asked in this phase (the clock expires only CREATED payments): a bug if it is. */
export interface NotAsked {
  kind: 'not-asked';
  detail(payment: Payment): string;
}

/** What one operation does in one phase. */
export type Outcome = Move | Refusal | NotAsked;

const DAY_MS = 24 * 60 * 60 * 1000;
/** How long after authorization a payment can be cancelled, in days (contract 3.6); after it 6030. */
export const CANCEL_WINDOW_DAYS = 180;
/** How long after authorization a payment can be refunded, in days (contract 3.6); after it 6220. */
export const REFUND_WINDOW_DAYS = 365;

function windowClosed(payment: Payment, now: number, days: number): boolean {
  const at = payment.details.authorizedAt;
  return at !== undefined && now > at + days * DAY_MS;
}

/** A guard of `code`: `broken` refuses the attempt, with `detail` (a sentence, or made from the attempt). */
function guard(
  code: EPaymentErrorCode,
  rule: string,
  broken: (a: Attempt) => boolean,
  detail: string | ((a: Attempt) => string),
): Guard {
  return { code, rule, broken, detail: typeof detail === 'string' ? () => detail : detail };
}

function window(code: EPaymentErrorCode, days: (a: Attempt) => number, what: string): Guard {
  return guard(
    code,
    'inside its window after authorization',
    (a) => windowClosed(a.payment, a.now, days(a)),
    (a) => what.replace('{days}', String(days(a))),
  );
}

function amountGuards(what: string): Guard[] {
  return [
    guard(
      4040,
      "in the payment's currency",
      (a) => a.currency !== a.payment.currency,
      (a) => `The ${what} currency ${a.currency} differs from the payment currency ${a.payment.currency}.`,
    ),
    guard(
      4040,
      'a positive integer in minor units',
      (a) => !Number.isSafeInteger(a.value) || a.value <= 0,
      `The ${what} amount must be a positive integer in minor units.`,
    ),
  ];
}

const cancelledBefore = (a: Attempt) => a.payment.aggregate.cancelled > 0;
const capturable = ({ payment: { aggregate: g } }: Attempt) => g.authorized - g.cancelled - g.captured;
const refundable = ({ payment: { aggregate: g } }: Attempt) => g.captured - g.refunded;
const cancelDays = (a: Attempt) => Math.min(CANCEL_WINDOW_DAYS, a.captureWindowDays);

const CAPTURE: Move = {
  kind: 'move',
  to: 'AUTHORIZED',
  event: 'CAPTURED',
  amount: 'requested',
  adds: 'captured',
  guards: [
    window(
      6100,
      (a) => a.captureWindowDays,
      'The capture period of {days} days after authorization has expired.',
    ),
    ...amountGuards('capture'),
    guard(6070, 'nothing cancelled', cancelledBefore, 'The payment has been cancelled.'),
    guard(
      6170,
      'something left to capture',
      (a) => capturable(a) === 0,
      'The payment is already fully captured.',
    ),
    guard(
      6090,
      'at most what is left to capture',
      (a) => a.value > capturable(a),
      (a) => `Capture amount too high: at most ${capturable(a)} can be captured.`,
    ),
    guard(
      6140,
      'all at once where the sales unit captures only in full',
      (a) => a.fullCaptureOnly && (a.payment.aggregate.captured > 0 || a.value !== capturable(a)),
      (a) => `This sales unit only allows a full capture of ${capturable(a)}.`,
    ),
  ],
};

const REFUND: Move = {
  kind: 'move',
  to: 'AUTHORIZED',
  event: 'REFUNDED',
  amount: 'requested',
  adds: 'refunded',
  guards: [
    window(
      6220,
      () => REFUND_WINDOW_DAYS,
      'The refund period of {days} days after authorization has expired.',
    ),
    ...amountGuards('refund'),
    guard(
      6150,
      'at most what is captured and not refunded',
      (a) => a.value > refundable(a),
      (a) => `Not enough refundable: at most ${refundable(a)} can be refunded.`,
    ),
  ],
};

const RELEASE: Move = {
  kind: 'move',
  to: 'AUTHORIZED',
  event: 'CANCELLED',
  amount: 'uncaptured',
  adds: 'cancelled',
  guards: [
    window(
      6030,
      cancelDays,
      'The cancel period has expired: an authorized payment can be cancelled only inside its capture deadline of {days} days after authorization.',
    ),
    guard(6060, 'not cancelTransactionOnly', (a) => a.cancelTransactionOnly, `${standardDetail(6060)}.`),
    guard(6190, 'not cancelled before', cancelledBefore, 'The payment has already been cancelled.'),
    guard(
      6040,
      'something not captured',
      (a) => a.payment.aggregate.authorized === a.payment.aggregate.captured,
      'The payment is fully captured.',
    ),
  ],
};

function move(to: Phase, event: PaymentEventName, adds?: keyof AggregateAmounts): Move {
  return { kind: 'move', to, event, amount: 'value', ...(adds ? { adds } : {}), guards: [] };
}

function refused(code: EPaymentErrorCode, detail: (payment: Payment) => string): Refusal {
  return { kind: 'refused', code, detail };
}

const noLongerRejected = refused(10020, (p) => `The payment is ${p.state} and can no longer be rejected.`);
const notAsked: NotAsked = { kind: 'not-asked', detail: (p) => `cannot expire a ${p.state} payment` };
const notAuthorized = (code: EPaymentErrorCode) =>
  refused(code, () => 'The payment has not been authorized yet.');
const TERMINATE = move('TERMINATED', 'TERMINATED', 'cancelled');

/** A final state: every operation is refused, and the clock has nothing to expire. */
function final(): Record<Operation, Outcome> {
  return {
    authorize: refused(10020, (p) => `The payment is ${p.state} and can no longer be approved.`),
    abort: noLongerRejected,
    expire: notAsked,
    capture: refused(6200, (p) => `A ${p.state} payment cannot be captured.`),
    refund: refused(6210, (p) => `A ${p.state} payment cannot be refunded.`),
    cancel: refused(6190, (p) => `A ${p.state} payment cannot be cancelled.`),
  };
}

/**
 * The transition table: phase × operation → outcome (contract 3.6's matrix). A CREATED payment is authorized,
 * aborted, expired or terminated (cancel); a PENDING one (test amount 201) resolves to AUTHORIZED when its hour
 * is over and may still be cancelled; an AUTHORIZED one is captured, refunded and cancelled (the uncaptured rest
 * released) without leaving AUTHORIZED, behind the aggregate guards; the final states refuse everything.
 */
export const PAYMENT_MACHINE: Readonly<Record<Phase, Readonly<Record<Operation, Outcome>>>> = {
  CREATED: {
    authorize: move('AUTHORIZED', 'AUTHORIZED', 'authorized'),
    abort: move('ABORTED', 'ABORTED'),
    expire: move('EXPIRED', 'EXPIRED'),
    capture: notAuthorized(6080),
    refund: notAuthorized(6020),
    cancel: TERMINATE,
  },
  PENDING: {
    authorize: refused(
      10020,
      (p) =>
        `The payment is being processed: the result of the approval is unknown until ${new Date(p.details.pendingAuthorization!.resolvesAt).toISOString()} (test amount ${p.value}).`,
    ),
    abort: refused(
      10020,
      () => 'The payment was approved and is being processed; it can no longer be rejected.',
    ),
    expire: move('AUTHORIZED', 'AUTHORIZED', 'authorized'),
    capture: notAuthorized(6080),
    refund: notAuthorized(6020),
    cancel: TERMINATE,
  },
  AUTHORIZED: {
    authorize: refused(6230, () => 'The payment is already reserved.'),
    abort: noLongerRejected,
    expire: notAsked,
    capture: CAPTURE,
    refund: REFUND,
    cancel: RELEASE,
  },
  ABORTED: final(),
  EXPIRED: final(),
  TERMINATED: final(),
};

/** What the table decides for one attempt, before anything is applied. */
export type Decision =
  | { kind: 'refused'; error: DomainError }
  | { kind: 'test-amount'; move: Move; testAmount: TestAmount }
  | { kind: 'move'; move: Move; amount: number };

/** The operation's test amount that applies to the attempt, if any (a 6280 retried under its key does not). */
function testAmountFor(op: Operation, a: Attempt): TestAmount | undefined {
  if (op !== 'authorize' && op !== 'capture' && op !== 'refund') return undefined;
  const t = testAmountOf(op, a.value, a.payment.currency);
  const retried =
    t?.effect === 'failed-event-once-per-key' &&
    a.idempotencyKey !== null &&
    (a.payment.details.retryableCaptureKeys ?? []).includes(a.idempotencyKey);
  return retried ? undefined : t;
}

/**
 * Decides `op` on the attempt by the table: the phase's outcome, then the move's guards in order, then the test
 * amounts. Pure; throws only for an operation the phase is never asked (a bug).
 */
export function decide(op: Operation, a: Attempt): Decision {
  const outcome = PAYMENT_MACHINE[phaseOf(a.payment)][op];
  if (outcome.kind === 'not-asked') throw new Error(outcome.detail(a.payment));
  if (outcome.kind === 'refused') {
    return { kind: 'refused', error: new DomainError(outcome.code, outcome.detail(a.payment)) };
  }
  const broken = outcome.guards.find((g) => g.broken(a));
  if (broken) return { kind: 'refused', error: new DomainError(broken.code, broken.detail(a)) };
  const testAmount = testAmountFor(op, a);
  if (testAmount) return { kind: 'test-amount', move: outcome, testAmount };
  const g = a.payment.aggregate;
  const amount = { value: a.payment.value, requested: a.value, uncaptured: g.authorized - g.captured }[
    outcome.amount
  ];
  return { kind: 'move', move: outcome, amount };
}

/** The event an attempt logs: its name, amount (minor units) and whether it succeeded (contract 3.7). */
interface Logged {
  name: PaymentEventName;
  amount: number;
  success: boolean;
}

/** The new event of attempt `a`, with a fresh pspReference from `ids` and the attempt's time and key. */
function event(a: Attempt, ids: PspReferenceSource, { name, amount, success }: Logged): NewPaymentEvent {
  return {
    name,
    pspReference: ids.next(),
    amount,
    timestamp: a.now,
    idempotencyKey: a.idempotencyKey,
    success,
  };
}

/**
 * A step's result: a transition, with `failure` when a test amount failed it (logged as an unsuccessful event),
 * or `unknownResult` when the attempt was accepted with an unknown result (test amount 201) and changed nothing.
 */
export type Step = Transition & { failure?: DomainError; unknownResult?: true };

/**
 * The generic machine: decides `op` on the attempt ({@link decide}) and applies it. A refusal, or a `declined`
 * test amount, throws its DomainError and changes nothing. A `failed-event` test amount returns the unchanged
 * payment (but for the key remembered by `failed-event-once-per-key`), one event with `success: false` and the
 * failure. `unknown-result` returns the payment unchanged with no event and `unknownResult`, for the caller to
 * make it PENDING. A move sets the state, adds the event's amount to its aggregate sum and makes its event.
 */
export function step(op: Operation, a: Attempt, ids: PspReferenceSource): Step {
  const d = decide(op, a);
  if (d.kind === 'refused') throw d.error;
  const p = a.payment;
  if (d.kind === 'test-amount') {
    const t = d.testAmount;
    if (t.effect === 'unknown-result') return { payment: p, events: [], unknownResult: true };
    const failure = new DomainError(t.code!, t.detail);
    if (t.effect === 'declined') throw failure;
    const keys = p.details.retryableCaptureKeys ?? [];
    const remember = t.effect === 'failed-event-once-per-key' && a.idempotencyKey !== null;
    return {
      payment: remember
        ? { ...p, details: { ...p.details, retryableCaptureKeys: [...keys, a.idempotencyKey!] } }
        : p,
      events: [event(a, ids, { name: d.move.event, amount: a.value, success: false })],
      failure,
    };
  }
  const { to, adds } = d.move;
  return {
    payment: {
      ...p,
      state: stateOf(to),
      aggregate: adds ? { ...p.aggregate, [adds]: p.aggregate[adds] + d.amount } : p.aggregate,
    },
    events: [event(a, ids, { name: d.move.event, amount: d.amount, success: true })],
  };
}
