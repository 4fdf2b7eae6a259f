import { EPAYMENT_ERRORS, type CreatePaymentRequest } from '@betal/contract';
import { describe, expect, it } from 'vitest';
import {
  checkMerchantUrl,
  createPayment,
  DEFAULT_PAYMENT_TTL_MS,
  parseDateTime,
  redirectUrlFor,
  type CreateContext,
} from '../../src/domain/create.js';
import { DomainError, FieldError } from '../../src/domain/errors.js';
import type { Payment } from '../../src/domain/payment.js';
import { NOW, salesUnit, thrownBy } from './fixtures.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const receipt = {
  orderLines: [
    {
      name: 'Socks',
      id: 'line-1',
      totalAmount: 10_000,
      totalAmountExcludingTax: 8_000,
      totalTaxAmount: 2_000,
      taxRate: 2500,
    },
  ],
  bottomLine: { currency: 'NOK' as const },
};

function request(extra: Partial<CreatePaymentRequest> = {}): CreatePaymentRequest {
  return {
    amount: { currency: 'NOK', value: 10_000 },
    paymentMethod: { type: 'WALLET' },
    reference: 'order-0001',
    userFlow: 'WEB_REDIRECT',
    returnUrl: 'https://shop.example/return',
    ...extra,
  };
}

function context(extra: Partial<CreateContext> = {}): CreateContext {
  return {
    salesUnit: salesUnit(),
    now: NOW,
    pspReference: '3b1f7c1e-0000-4000-8000-000000000001',
    token: 'tok-0001',
    allowInsecureUrls: false,
    ...extra,
  };
}

const at = (ms: number) => new Date(ms).toISOString();

/** Asserts createPayment refuses with the code (and its catalogue status). */
function expectCode(code: number, req: CreatePaymentRequest, ctx: CreateContext = context()): DomainError {
  const thrown = thrownBy(() => createPayment(req, ctx));
  expect(thrown).toBeInstanceOf(DomainError);
  expect((thrown as DomainError).code).toBe(code);
  expect((thrown as DomainError).status).toBe(EPAYMENT_ERRORS[code as keyof typeof EPAYMENT_ERRORS].status);
  return thrown as DomainError;
}

/** Asserts createPayment refuses naming `field`, with no error code (a 400 of model validation). */
function expectField(field: string, req: CreatePaymentRequest, ctx: CreateContext = context()): void {
  const thrown = thrownBy(() => createPayment(req, ctx));
  expect(thrown).toBeInstanceOf(FieldError);
  expect((thrown as FieldError).field).toBe(field);
}

describe('createPayment builds the CREATED payment (contract 3.2, 3.4, 3.7)', () => {
  it('gives state CREATED, zero aggregate, the context ids, a 10-minute expiry and a CREATED event', () => {
    const { payment, event, notices } = createPayment(
      request({ paymentDescription: 'Socks', metadata: { orderId: '42' } }),
      context(),
    );
    expect(payment).toMatchObject({
      msn: '123456',
      reference: 'order-0001',
      pspReference: '3b1f7c1e-0000-4000-8000-000000000001',
      state: 'CREATED',
      currency: 'NOK',
      value: 10_000,
      aggregate: { authorized: 0, captured: 0, refunded: 0, cancelled: 0 },
      userFlow: 'WEB_REDIRECT',
      paymentMethod: 'WALLET',
      token: 'tok-0001',
      createdAt: NOW,
      expiresAt: NOW + 10 * MINUTE,
    });
    expect(DEFAULT_PAYMENT_TTL_MS).toBe(10 * MINUTE);
    expect(payment.details).toMatchObject({
      returnUrl: 'https://shop.example/return',
      paymentDescription: 'Socks',
      metadata: { orderId: '42' },
      customerInteraction: 'CUSTOMER_NOT_PRESENT',
      longLiving: false,
    });
    expect(event).toEqual({
      name: 'CREATED',
      pspReference: payment.pspReference,
      amount: 10_000,
      timestamp: NOW,
      idempotencyKey: null,
      success: true,
    });
    expect(notices).toEqual([]);
  });
});

describe('create refusals (contract 3.2, 3.9, 3.12)', () => {
  it('5020: Express shipping', () => {
    expectCode(5020, request({ shipping: { fixedOptions: [] } }));
  });

  it('5040: a currency the sales unit does not take', () => {
    expectCode(5040, request({ amount: { currency: 'DKK', value: 10_000 } }));
    expectCode(
      5040,
      request({ amount: { currency: 'NOK', value: 10_000 } }),
      context({ salesUnit: salesUnit({ currency: 'EUR', market: 'FI' }) }),
    );
  });

  it.each([
    ['NOK', 'NO', 100],
    ['DKK', 'DK', 1],
    ['EUR', 'FI', 1],
  ] as const)('6010: %s (market %s) below its minimum of %i minor units', (currency, market, minimum) => {
    const unit = salesUnit({ currency, market });
    const base = { returnUrl: 'https://shop.example/return' };
    expectCode(
      6010,
      request({ ...base, amount: { currency, value: minimum - 1 } }),
      context({ salesUnit: unit }),
    );
    const ok = createPayment(
      request({ ...base, amount: { currency, value: minimum } }),
      context({ salesUnit: unit }),
    );
    expect(ok.payment.value).toBe(minimum);
  });

  it('4160: CARD with any flow (test environment), and CARD outside WEB_REDIRECT', () => {
    expectCode(4160, request({ paymentMethod: { type: 'CARD' } }));
    expectCode(4160, request({ paymentMethod: { type: 'CARD' }, userFlow: 'QR', returnUrl: undefined }));
  });

  it('5010: blockedSources on a Norwegian sales unit; accepted in Denmark and Finland', () => {
    const blocked = { type: 'WALLET' as const, blockedSources: ['COMMERCIAL_CARDS' as const] };
    expectCode(5010, request({ paymentMethod: blocked }));
    for (const [market, currency] of [
      ['DK', 'DKK'],
      ['FI', 'EUR'],
    ] as const) {
      const { payment } = createPayment(
        request({ paymentMethod: blocked, amount: { currency, value: 1_000 } }),
        context({ salesUnit: salesUnit({ market, currency }) }),
      );
      expect(payment.details.blockedSources).toEqual(['COMMERCIAL_CARDS']);
    }
  });

  it('4140: PUSH_MESSAGE without customer, WEB_REDIRECT without returnUrl', () => {
    expectCode(4140, request({ userFlow: 'PUSH_MESSAGE' }));
    expectCode(4140, request({ returnUrl: undefined }));
  });

  it('5080: PUSH_MESSAGE on a sales unit not approved for skip landing page', () => {
    expectCode(
      5080,
      request({ userFlow: 'PUSH_MESSAGE', customer: { phoneNumber: '4712345678' } }),
      context({ salesUnit: salesUnit({ capabilities: { pushMessage: false } }), customerEligible: true }),
    );
  });

  it('7010: PUSH_MESSAGE to a customer who cannot be asked to pay', () => {
    const req = request({ userFlow: 'PUSH_MESSAGE', customer: { phoneNumber: '4790000013' } });
    expect(expectCode(7010, req, context({ customerEligible: false })).detail).toBe('Customer not found.');
    expect(createPayment(req, context({ customerEligible: true })).payment.details.customer).toEqual({
      phoneNumber: '4790000013',
    });
  });

  it('4090: returnUrl and receiptUrl that are not https or an app scheme', () => {
    for (const returnUrl of ['not a url', '/relative/path', 'http://shop.example/return', 'https://']) {
      expectCode(4090, request({ returnUrl }));
    }
    expectCode(4090, request({ receiptUrl: 'http://shop.example/receipt' }));
  });

  it('4090: script and data URLs are not app schemes', () => {
    for (const returnUrl of [
      'javascript:alert(1)',
      'JavaScript:alert(1)',
      'data:text/html,hi',
      'vbscript:x',
      'file:///etc/passwd',
    ]) {
      expectCode(4090, request({ returnUrl }), context({ allowInsecureUrls: true }));
    }
  });

  it('accepts https and custom app schemes', () => {
    for (const returnUrl of [
      'https://shop.example/return?order=1',
      'myshop://payment/done',
      'com.shop.app:/callback',
    ]) {
      expect(createPayment(request({ returnUrl }), context()).notices).toEqual([]);
    }
  });

  it('http:// and localhost are refused outside dev mode and accepted with a notice in dev mode (README)', () => {
    for (const returnUrl of [
      'http://shop.example/return',
      'https://localhost:3000/return',
      'https://127.0.0.1/return',
    ]) {
      expectCode(4090, request({ returnUrl }), context({ allowInsecureUrls: false }));
      const { notices } = createPayment(request({ returnUrl }), context({ allowInsecureUrls: true }));
      expect(notices).toHaveLength(1);
      expect(notices[0]).toContain('returnUrl');
    }
  });

  it('customer: exactly one of phoneNumber, personalQr and customerToken', () => {
    expectField('customer', request({ customer: {} }));
    expectField(
      'customer',
      request({ customer: { phoneNumber: '4712345678', customerToken: 'ct-4712345678' } }),
    );
    expectField(
      'customer',
      request({ customer: { phoneNumber: '4712345678', personalQr: 'https://qr.vipps.no/4712345678' } }),
    );
    expectField(
      'customer',
      request({ customer: { phoneNumber: '4712345678', personalQr: 'https://qr', customerToken: 'ct' } }),
    );
    for (const customer of [
      { phoneNumber: '4712345678' },
      { personalQr: 'https://qr.example/4712345678' },
      { customerToken: 'ct-1' },
    ]) {
      const { payment } = createPayment(
        request({ customer }),
        context({ resolvedPhoneNumber: '4712345678' }),
      );
      expect(payment.details.customer).toEqual(customer);
    }
  });

  it('4060 and 4050: a personalQr or customerToken that resolves to no user', () => {
    expectCode(4060, request({ customer: { personalQr: 'https://qr.example/nobody' } }));
    expectCode(4050, request({ customer: { customerToken: 'unknown-token' } }));
  });

  describe('expiresAt: long-living payments (contract 3.12)', () => {
    const longLiving = (extra: Partial<CreatePaymentRequest> = {}) =>
      request({
        userFlow: 'PUSH_MESSAGE',
        customer: { phoneNumber: '4712345678' },
        returnUrl: undefined,
        expiresAt: at(NOW + 2 * DAY),
        receipt,
        ...extra,
      });
    const eligible = context({ customerEligible: true });

    it('is accepted with PUSH_MESSAGE and QR, and sets the payment expiry', () => {
      const push = createPayment(longLiving(), eligible).payment;
      expect(push.expiresAt).toBe(NOW + 2 * DAY);
      expect(push.details.longLiving).toBe(true);
      const qr = createPayment(longLiving({ userFlow: 'QR', customer: undefined }), context()).payment;
      expect(qr.expiresAt).toBe(NOW + 2 * DAY);
    });

    it('is refused with WEB_REDIRECT and NATIVE_REDIRECT, naming expiresAt', () => {
      expectField(
        'expiresAt',
        longLiving({ userFlow: 'WEB_REDIRECT', returnUrl: 'https://shop.example/r' }),
        eligible,
      );
      expectField('expiresAt', longLiving({ userFlow: 'NATIVE_REDIRECT' }), eligible);
    });

    it('5050: a sales unit not approved for long-living payments', () => {
      expectCode(
        5050,
        longLiving(),
        context({ customerEligible: true, salesUnit: salesUnit({ capabilities: { longLiving: false } }) }),
      );
    });

    it('6130: without a receipt', () => {
      expectCode(6130, longLiving({ receipt: undefined }), eligible);
    });

    it('6120: not more than 10 minutes ahead', () => {
      expectCode(6120, longLiving({ expiresAt: at(NOW + 10 * MINUTE) }), eligible);
      expectCode(6120, longLiving({ expiresAt: at(NOW - DAY) }), eligible);
      expect(
        createPayment(longLiving({ expiresAt: at(NOW + 10 * MINUTE + 1000) }), eligible).payment.expiresAt,
      ).toBe(NOW + 10 * MINUTE + 1000);
    });

    it("6110: not less than 60 days ahead, or the sales unit's own maximum", () => {
      expectCode(6110, longLiving({ expiresAt: at(NOW + 60 * DAY) }), eligible);
      expect(
        createPayment(longLiving({ expiresAt: at(NOW + 60 * DAY - 1000) }), eligible).payment.expiresAt,
      ).toBe(NOW + 60 * DAY - 1000);
      const short = context({
        customerEligible: true,
        salesUnit: salesUnit({ capabilities: { maxLongLivingDays: 28 } }),
      });
      expectCode(6110, longLiving({ expiresAt: at(NOW + 28 * DAY) }), short);
    });

    it('a date-time that does not exist is refused naming expiresAt, not rolled over to another day', () => {
      for (const expiresAt of [
        '2026-11-31T12:00:00Z',
        '2026-11-23T24:00:00Z',
        '2026-11-23T12:60:00Z',
        '2026-11-23 12:00',
      ]) {
        expectField('expiresAt', longLiving({ expiresAt }), eligible);
      }
      expect(parseDateTime('2026-11-24t12:00:00.5+02:00')).toBe(Date.UTC(2026, 10, 24, 10, 0, 0, 500));
      expect(parseDateTime('2026-02-29T00:00:00Z')).toBeUndefined();
      expect(parseDateTime('2028-02-29T00:00:00Z')).toBe(Date.UTC(2028, 1, 29));
    });

    it('null expiresAt is an ordinary payment of 10 minutes', () => {
      const { payment } = createPayment(request({ expiresAt: null }), context());
      expect(payment.expiresAt).toBe(NOW + 10 * MINUTE);
      expect(payment.details.longLiving).toBe(false);
    });
  });

  describe('profile.scope', () => {
    it('4080: an unknown or empty scope', () => {
      expectCode(4080, request({ profile: { scope: 'name shoeSize' } }));
      expectCode(4080, request({ profile: { scope: '   ' } }));
    });

    it('5030: nin without approval; with approval the scopes are kept once each', () => {
      expectCode(
        5030,
        request({ profile: { scope: 'name nin' } }),
        context({ salesUnit: salesUnit({ capabilities: { ninScope: false } }) }),
      );
      const { payment } = createPayment(request({ profile: { scope: 'name  nin name' } }), context());
      expect(payment.details.profileScope).toEqual(['name', 'nin']);
    });
  });

  describe('metadata (4100-4130)', () => {
    const pairs = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, `v${i}`]));

    it('4100: more than 5 pairs; 5 are fine', () => {
      expectCode(4100, request({ metadata: pairs(6) }));
      expect(createPayment(request({ metadata: pairs(5) }), context()).payment.details.metadata).toEqual(
        pairs(5),
      );
    });

    it('4110: the same key twice (keys differ only in case)', () => {
      expectCode(4110, request({ metadata: { orderId: '1', OrderId: '2' } }));
    });

    it('4120: a key over 100 characters; 100 are fine', () => {
      expectCode(4120, request({ metadata: { ['k'.repeat(101)]: 'v' } }));
      expect(createPayment(request({ metadata: { ['k'.repeat(100)]: 'v' } }), context()).payment.value).toBe(
        10_000,
      );
    });

    it('4130: a value over 500 characters; 500 are fine', () => {
      expectCode(4130, request({ metadata: { k: 'v'.repeat(501) } }));
      expect(createPayment(request({ metadata: { k: 'v'.repeat(500) } }), context()).payment.value).toBe(
        10_000,
      );
    });
  });

  it('a receipt in another currency than the payment is refused naming the field', () => {
    expectField(
      'receipt.bottomLine.currency',
      request({ receipt: { ...receipt, bottomLine: { currency: 'EUR' } } }),
    );
  });
});

describe('checkMerchantUrl', () => {
  it('pushes one notice per accepted http:// URL in dev mode', () => {
    const notices: string[] = [];
    checkMerchantUrl({ field: 'receiptUrl', value: 'http://shop.example/r', allowInsecure: true, notices });
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain('receiptUrl');
  });
});

describe('redirectUrlFor (contract 3.3)', () => {
  const base = 'http://127.0.0.1:8080';
  const payment = (userFlow: Payment['userFlow'], qrFormat?: Payment['details']['qrFormat']) => ({
    userFlow,
    token: 'a+b/c=',
    details: {
      customerInteraction: 'CUSTOMER_PRESENT' as const,
      longLiving: false,
      ...(qrFormat ? { qrFormat } : {}),
    },
  });
  const token = encodeURIComponent('a+b/c=');

  it('WEB_REDIRECT: the landing page with the token', () => {
    const url = redirectUrlFor(base, payment('WEB_REDIRECT'));
    expect(url).toBe(`${base}/landing?token=${token}`);
    expect(new URL(url!).searchParams.get('token')).toBe('a+b/c=');
  });

  it('NATIVE_REDIRECT: the app link with the token', () => {
    expect(redirectUrlFor(base, payment('NATIVE_REDIRECT'))).toBe(`${base}/app/open?token=${token}`);
  });

  it('QR: an SVG image by default and for IMAGE/SVG+XML, PNG at its size (1024 by default), the landing URL for TEXT/TARGETURL', () => {
    expect(redirectUrlFor(base, payment('QR'))).toBe(`${base}/qr/v1?token=${token}&format=svg`);
    expect(redirectUrlFor(base, payment('QR', { format: 'IMAGE/SVG+XML' }))).toBe(
      `${base}/qr/v1?token=${token}&format=svg`,
    );
    expect(redirectUrlFor(base, payment('QR', { format: 'IMAGE/PNG' }))).toBe(
      `${base}/qr/v1?token=${token}&format=png&size=1024`,
    );
    expect(redirectUrlFor(base, payment('QR', { format: 'IMAGE/PNG', size: 300 }))).toBe(
      `${base}/qr/v1?token=${token}&format=png&size=300`,
    );
    expect(redirectUrlFor(base, payment('QR', { format: 'TEXT/TARGETURL' }))).toBe(
      `${base}/landing?token=${token}`,
    );
  });

  it('PUSH_MESSAGE: none', () => {
    expect(redirectUrlFor(base, payment('PUSH_MESSAGE'))).toBeUndefined();
  });

  it('createPayment keeps qrFormat only for QR, with a notice otherwise', () => {
    const qr = createPayment(
      request({ userFlow: 'QR', returnUrl: undefined, qrFormat: { format: 'IMAGE/PNG', size: 500 } }),
      context(),
    );
    expect(qr.payment.details.qrFormat).toEqual({ format: 'IMAGE/PNG', size: 500 });
    const web = createPayment(request({ qrFormat: { format: 'IMAGE/PNG' } }), context());
    expect(web.payment.details.qrFormat).toBeUndefined();
    expect(web.notices.some((n) => n.includes('qrFormat'))).toBe(true);
  });
});

describe('merchantLegalLinks (October 2026)', () => {
  const links = {
    termsOfSaleUrl: 'https://shop.example/terms',
    privacyPolicyUrl: 'https://shop.example/privacy',
  };

  it('keeps both URLs in the payment details, with no notice', () => {
    const created = createPayment(request({ merchantLegalLinks: links }), context());
    expect(created.payment.details.merchantLegalLinks).toEqual(links);
    expect(created.notices).toEqual([]);
  });

  it('refuses http:// and localhost outside dev mode with 4090, and accepts them in dev mode with a notice', () => {
    for (const url of ['http://shop.example/privacy', 'https://localhost/privacy']) {
      const req = request({ merchantLegalLinks: { ...links, privacyPolicyUrl: url } });
      expect(() => createPayment(req, context())).toThrow(
        expect.objectContaining({ code: 4090, detail: expect.stringContaining('privacyPolicyUrl') }),
      );
      const dev = createPayment(req, context({ allowInsecureUrls: true }));
      expect(dev.notices.some((n) => n.startsWith('merchantLegalLinks.privacyPolicyUrl'))).toBe(true);
    }
  });

  it('refuses an app scheme, which returnUrl would take, with 4090', () => {
    const req = request({ merchantLegalLinks: { ...links, termsOfSaleUrl: 'shopapp://terms' } });
    expect(() => createPayment(req, context({ allowInsecureUrls: true }))).toThrow(
      expect.objectContaining({ code: 4090 }),
    );
    expect(() =>
      checkMerchantUrl({ field: 'returnUrl', value: 'shopapp://terms', allowInsecure: false, notices: [] }),
    ).not.toThrow();
  });
});
