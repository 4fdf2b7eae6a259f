import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  APP_STEP_MS,
  confirmLanding,
  CustomerFlowError,
  eligibility,
  expiryAtCreation,
  holderOf,
  LANDING_STEP_MS,
  missingConsent,
  postpone,
  secondsLeft,
  stageOf,
} from '../../src/domain/customer-flow.js';
import type { Payment } from '../../src/domain/payment.js';
import type { TestUser } from '../../src/domain/test-user.js';
import { DEV_TEST_USERS } from '../../src/internal-entry.js';

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);
const TEN_MINUTES = 10 * 60 * 1000;

function payment(overrides: Partial<Payment> = {}, details: Partial<Payment['details']> = {}): Payment {
  return {
    msn: '123456',
    reference: 'flow-test-1',
    pspReference: '00000000-0000-4000-a000-000000000000',
    state: 'CREATED',
    currency: 'NOK',
    value: 10_000,
    aggregate: { authorized: 0, captured: 0, refunded: 0, cancelled: 0 },
    userFlow: 'WEB_REDIRECT',
    paymentMethod: 'WALLET',
    token: 'token-1',
    createdAt: NOW,
    expiresAt: NOW + TEN_MINUTES,
    details: { customerInteraction: 'CUSTOMER_NOT_PRESENT', longLiving: false, ...details },
    ...overrides,
  };
}

function user(phoneNumber: string): TestUser {
  const found = DEV_TEST_USERS.find((u) => u.phoneNumber === phoneNumber);
  if (!found) throw new Error(phoneNumber);
  return found;
}

function refusal(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof CustomerFlowError) return error.reason;
    throw error;
  }
  return undefined;
}

describe('expiry at creation (contract 3.11, 3.12)', () => {
  it('gives a landing step 5 minutes, PUSH_MESSAGE 10 minutes, a long-living payment its expiresAt', () => {
    for (const flow of ['WEB_REDIRECT', 'NATIVE_REDIRECT', 'QR'] as const) {
      expect(expiryAtCreation(payment({ userFlow: flow }))).toBe(NOW + LANDING_STEP_MS);
    }
    expect(expiryAtCreation(payment({ userFlow: 'PUSH_MESSAGE' }))).toBe(NOW + TEN_MINUTES);
    const due = NOW + 3 * 24 * 3600_000;
    expect(expiryAtCreation(payment({ userFlow: 'QR', expiresAt: due }, { longLiving: true }))).toBe(due);
  });
});

describe('the landing step', () => {
  it('hands the request to the confirmed number with 5 minutes in the app, never past 10 in all', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: LANDING_STEP_MS - 1 }), (elapsed) => {
        const created = payment({ expiresAt: NOW + LANDING_STEP_MS });
        const at = NOW + elapsed;
        const confirmed = confirmLanding(created, { phoneNumber: '4712345678', now: at, via: 'landing' });
        expect(confirmed.expiresAt).toBe(at + APP_STEP_MS);
        expect(confirmed.expiresAt).toBeLessThanOrEqual(NOW + TEN_MINUTES);
        expect(holderOf(confirmed)).toBe('4712345678');
        expect(stageOf(confirmed)).toBe('IN_APP');
        expect(confirmed.details.customerSide?.landing).toEqual({
          phoneNumber: '4712345678',
          confirmedAt: at,
          via: 'landing',
        });
      }),
    );
  });

  it('moves the request to another number without a new deadline; the same number changes nothing', () => {
    const first = confirmLanding(payment(), { phoneNumber: '4712345678', now: NOW + 60_000, via: 'landing' });
    expect(confirmLanding(first, { phoneNumber: '4712345678', now: NOW + 90_000, via: 'landing' })).toBe(
      first,
    );
    const moved = confirmLanding(first, { phoneNumber: '4791234567', now: NOW + 120_000, via: 'app' });
    expect(holderOf(moved)).toBe('4791234567');
    expect(moved.expiresAt).toBe(first.expiresAt);
    expect(moved.details.customerSide?.landing?.confirmedAt).toBe(NOW + 60_000);
  });

  it('keeps a long-living payment due at its expiresAt', () => {
    const due = NOW + 2 * 24 * 3600_000;
    const confirmed = confirmLanding(payment({ userFlow: 'QR', expiresAt: due }, { longLiving: true }), {
      phoneNumber: '4712345678',
      now: NOW,
      via: 'app',
    });
    expect(confirmed.expiresAt).toBe(due);
  });

  it('refuses PUSH_MESSAGE (no landing step) and a payment that has ended', () => {
    expect(
      refusal(() =>
        confirmLanding(payment({ userFlow: 'PUSH_MESSAGE' }), {
          phoneNumber: '4712345678',
          now: NOW,
          via: 'landing',
        }),
      ),
    ).toBe('NO_LANDING_STEP');
    for (const state of ['AUTHORIZED', 'ABORTED', 'EXPIRED', 'TERMINATED'] as const) {
      expect(
        refusal(() =>
          confirmLanding(payment({ state }), { phoneNumber: '4712345678', now: NOW, via: 'landing' }),
        ),
      ).toBe('PAYMENT_ENDED');
    }
  });

  it('a PUSH_MESSAGE request is with its customer from the start; a landing request with nobody', () => {
    const push = payment({ userFlow: 'PUSH_MESSAGE' }, { customerPhoneNumber: '4791234567' });
    expect(holderOf(push)).toBe('4791234567');
    expect(stageOf(push)).toBe('IN_APP');
    expect(holderOf(payment({}, { customerPhoneNumber: '4791234567' }))).toBeUndefined();
    expect(stageOf(payment())).toBe('LANDING');
    expect(stageOf(payment({ state: 'EXPIRED' }))).toBe('EXPIRED');
  });
});

describe("I'll pay later (contract 3.12)", () => {
  it('postpones a long-living payment and refuses others', () => {
    const push = payment(
      { userFlow: 'PUSH_MESSAGE', expiresAt: NOW + 86_400_000 },
      { longLiving: true, customerPhoneNumber: '4791234567' },
    );
    const later = postpone(push, NOW + 1_000);
    expect(stageOf(later)).toBe('POSTPONED');
    expect(later.state).toBe('CREATED');
    expect(later.expiresAt).toBe(push.expiresAt);
    expect(postpone(later, NOW + 2_000)).toBe(later);
    expect(refusal(() => postpone(payment({ userFlow: 'PUSH_MESSAGE' }), NOW))).toBe('NOT_LONG_LIVING');
    expect(refusal(() => postpone({ ...push, state: 'EXPIRED' }, NOW))).toBe('PAYMENT_ENDED');
  });

  it('a new landing confirmation brings a postponed request back to the requests', () => {
    const qr = payment({ userFlow: 'QR', expiresAt: NOW + 86_400_000 }, { longLiving: true });
    const later = postpone(confirmLanding(qr, { phoneNumber: '4712345678', now: NOW, via: 'app' }), NOW);
    expect(stageOf(later)).toBe('POSTPONED');
    expect(stageOf(confirmLanding(later, { phoneNumber: '4791234567', now: NOW, via: 'app' }))).toBe(
      'IN_APP',
    );
  });
});

describe('eligibility (contract 3.14)', () => {
  it('says why a user cannot pay', () => {
    expect(eligibility(undefined, undefined, NOW)).toEqual({ ok: false, reason: 'UNKNOWN_USER' });
    expect(eligibility(user('4790000013'), undefined, NOW)).toEqual({
      ok: false,
      reason: 'CANNOT_PAY_BUSINESSES',
    });
    const young = { ...user('4790000013'), canPayBusinesses: true };
    expect(eligibility(young, undefined, NOW)).toEqual({ ok: false, reason: 'UNDER_15', minimumAge: 15 });
    const noApp = { ...user('4712345678'), appInstalled: false };
    expect(eligibility(noApp, undefined, NOW)).toEqual({ ok: false, reason: 'APP_NOT_INSTALLED' });
    const sixteen = { ...user('4712345678'), birthDate: '2010-11-23' };
    expect(eligibility(sixteen, 16, NOW)).toEqual({ ok: false, reason: 'UNDER_MINIMUM_AGE', minimumAge: 16 });
    expect(eligibility({ ...sixteen, birthDate: '2010-11-22' }, 16, NOW)).toEqual({ ok: true });
    expect(eligibility(user('4712345678'), 18, NOW)).toEqual({ ok: true });
  });
});

describe('consent and time left', () => {
  it('asks only for the scopes not consented to yet (contract 3.13)', () => {
    expect(missingConsent(undefined, undefined)).toEqual([]);
    expect(missingConsent(['phoneNumber', 'name'], undefined)).toEqual(['phoneNumber', 'name']);
    expect(missingConsent(['phoneNumber', 'name'], ['name', 'email'])).toEqual(['phoneNumber']);
  });

  it('counts whole seconds down to expiresAt while CREATED', () => {
    const p = payment({ expiresAt: NOW + 90_500 });
    expect(secondsLeft(p, NOW)).toBe(91);
    expect(secondsLeft(p, NOW + 90_500)).toBe(0);
    expect(secondsLeft(p, NOW + 100_000)).toBe(0);
    expect(secondsLeft({ ...p, state: 'AUTHORIZED' }, NOW)).toBe(0);
  });
});
