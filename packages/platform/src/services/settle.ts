import { expire, isOverdue, type Payment, type Transition } from '../domain/payment.js';
import type { IdSource } from '../ids.js';
import type { PaymentWrite } from '../storage/ports.js';

/** What {@link settleThenApply} decided: the change and its write, or the refusal and the expiry to keep. */
export type Settled<T extends Transition> =
  | {
      ok: true;
      value: T;
      write: PaymentWrite;
      /** Whether anything changed: a payment other than the one read, or an expiry first. */
      changed: boolean;
    }
  | { ok: false; error: unknown; write?: PaymentWrite };

/**
 * The one rule of every change to an existing payment (contract 3.11): expire it first if it is overdue, then
 * apply the change; when the change is refused (throws), the expiry is still written. Pure: the caller runs it
 * inside its store command.
 */
export function settleThenApply<T extends Transition>(
  current: Payment,
  now: number,
  ids: IdSource,
  apply: (payment: Payment, now: number) => T,
): Settled<T> {
  const settled: Transition = isOverdue(current, now)
    ? expire(current, now, ids)
    : { payment: current, events: [] };
  try {
    const value = apply(settled.payment, now);
    return {
      ok: true,
      value,
      write: { payment: value.payment, insert: false, events: [...settled.events, ...value.events] },
      changed: value.payment !== current || settled.events.length > 0,
    };
  } catch (error) {
    if (settled.events.length === 0) return { ok: false, error };
    return { ok: false, error, write: { payment: settled.payment, insert: false, events: settled.events } };
  }
}
