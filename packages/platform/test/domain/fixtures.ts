import type { Currency } from '@betal/contract';
import type { Payment, PspReferenceSource } from '../../src/domain/payment.js';
import type { SalesUnit } from '../../src/domain/sales-unit.js';

/** A fixed time for the domain tests: 2026-11-22T12:00:00Z in epoch ms. */
export const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);

/** Predictable numeric pspReferences ("1000000001", "1000000002", ...), as the real service's look. */
export function counterIds(start = 1_000_000_000): PspReferenceSource & { count(): number } {
  let n = start;
  return { next: () => String(++n), count: () => n - start };
}

/**
 * A CREATED payment of `value` minor units (default NOK 100.00) as createPayment would have built it, without
 * going through the create rules. `overrides` replace top-level fields.
 */
export function createdPayment(value = 10_000, overrides: Partial<Payment> = {}): Payment {
  return {
    msn: '123456',
    reference: 'order-0001',
    pspReference: '3b1f7c1e-0000-4000-8000-000000000001',
    state: 'CREATED',
    currency: 'NOK' as Currency,
    value,
    aggregate: { authorized: 0, captured: 0, refunded: 0, cancelled: 0 },
    userFlow: 'WEB_REDIRECT',
    paymentMethod: 'WALLET',
    token: 'tok-0001',
    createdAt: NOW,
    expiresAt: NOW + 10 * 60 * 1000,
    details: { customerInteraction: 'CUSTOMER_NOT_PRESENT', longLiving: false },
    ...overrides,
  };
}

/** An AUTHORIZED payment with the given aggregate (authorized defaults to the value). */
export function authorizedPayment(
  value = 10_000,
  aggregate: Partial<Payment['aggregate']> = {},
  overrides: Partial<Payment> = {},
): Payment {
  return createdPayment(value, {
    state: 'AUTHORIZED',
    aggregate: { authorized: value, captured: 0, refunded: 0, cancelled: 0, ...aggregate },
    authorizedBy: '4712345678',
    ...overrides,
  });
}

/** A sales unit like the dev ones; `capabilities` and other fields may be overridden. */
export function salesUnit(
  overrides: Partial<Omit<SalesUnit, 'capabilities'>> & {
    capabilities?: Partial<SalesUnit['capabilities']>;
  } = {},
): SalesUnit {
  const { capabilities, ...rest } = overrides;
  return {
    msn: '123456',
    name: 'Test shop',
    market: 'NO',
    currency: 'NOK',
    clientId: 'client',
    clientSecret: 'secret',
    subscriptionKeys: ['key-1', 'key-2'],
    ...rest,
    capabilities: {
      pushMessage: true,
      longLiving: true,
      ninScope: true,
      fullCaptureOnly: false,
      maxLongLivingDays: 60,
      ...capabilities,
    },
  };
}

/**
 * The options every payment operation takes, at `now` (epoch ms, default NOW) with `ids` (default fresh
 * counterIds) and no Idempotency-Key; spread them and add or replace fields.
 */
export function at(
  now = NOW,
  ids: PspReferenceSource = counterIds(),
): { now: number; ids: PspReferenceSource; idempotencyKey: string | null } {
  return { now, ids, idempotencyKey: null };
}

/** `value` minor units of NOK as an operation's `amount` option, to spread. */
export function nok(value: number): { amount: { currency: Currency; value: number } } {
  return { amount: { currency: 'NOK', value } };
}

/** What `act` throws, or undefined when it returns. */
export function thrownBy(act: () => unknown): unknown {
  try {
    act();
  } catch (error) {
    return error;
  }
  return undefined;
}
