import { describe, expect, it } from 'vitest';
import { brandAt, VIPPS_FROM } from '../../src/domain/customer-flow.js';
import { ref, usePlatformApi } from '../support/harness.js';

describe('brandAt: MobilePay becomes Vipps in Denmark and Finland on 12 January 2027', () => {
  it('switches at local midnight: 00:00 CET in Denmark, 00:00 EET in Finland', () => {
    expect(new Date(VIPPS_FROM.DK).toISOString()).toBe('2027-01-11T23:00:00.000Z');
    expect(new Date(VIPPS_FROM.FI).toISOString()).toBe('2027-01-11T22:00:00.000Z');
    for (const market of ['DK', 'FI'] as const) {
      expect(brandAt(market, VIPPS_FROM[market] - 1)).toBe('MOBILEPAY');
      expect(brandAt(market, VIPPS_FROM[market])).toBe('VIPPS');
    }
    // At 22:30 UTC on 11 January it is already the 12th in Helsinki, not yet in Copenhagen.
    const between = Date.UTC(2027, 0, 11, 22, 30);
    expect(brandAt('FI', between)).toBe('VIPPS');
    expect(brandAt('DK', between)).toBe('MOBILEPAY');
  });

  it('Norway and Sweden are Vipps before and after', () => {
    for (const market of ['NO', 'SE'] as const) {
      expect(brandAt(market, Date.UTC(2026, 0, 1))).toBe('VIPPS');
      expect(brandAt(market, Date.UTC(2028, 0, 1))).toBe('VIPPS');
    }
  });
});

/**
 * The same switch on the wire, without a browser, for a Finnish sales unit (the dev units are Norwegian and
 * Danish; the browser test covers Denmark): the landing page and the QR of a payment say MobilePay before
 * 12 January 2027 in Helsinki and Vipps from it, as `POST /betal/clock/advance` moves the platform clock.
 */
describe('a Finnish sales unit on the platform clock (landing page and QR, over HTTP)', () => {
  const api = usePlatformApi({ transport: 'socket' });

  it('says MobilePay before the date and Vipps from it', async () => {
    const made = await api.call<{
      msn: string;
      clientId: string;
      clientSecret: string;
      subscriptionKeys: string[];
    }>('POST', '/betal/merchants', {
      body: { name: 'Helsinki Shop', market: 'FI' },
      headers: { 'content-type': 'application/json' },
    });
    expect(made.status).toBe(201);
    const unit = { ...made.body, subscriptionKey: made.body.subscriptionKeys[0]! };
    // A token lives 1 hour on the platform clock: asked for again after each advance.
    const headers = async (key: string) => ({
      Authorization: `Bearer ${await api.token(unit)}`,
      'Ocp-Apim-Subscription-Key': unit.subscriptionKey,
      'Merchant-Serial-Number': unit.msn,
      'Content-Type': 'application/json',
      'Idempotency-Key': key,
    });
    /** Creates a WEB_REDIRECT payment and reads the brand of its landing page and the title of its QR. */
    const brandsOfNewPayment = async () => {
      const reference = ref('brand-fi');
      const created = await api.call<{ redirectUrl: string }>('POST', '/epayment/v1/payments', {
        body: {
          amount: { currency: 'EUR', value: 1_250 },
          paymentMethod: { type: 'WALLET' },
          reference,
          userFlow: 'WEB_REDIRECT',
          returnUrl: 'https://shop.example/return',
        },
        headers: await headers(`k-${reference}`),
      });
      expect(created.status).toBe(201);
      const page = await (await fetch(created.body.redirectUrl, { headers: { accept: 'text/html' } })).text();
      const landing = /<body class="brand-(\w+)/.exec(page)?.[1];
      const qrToken = new URL(created.body.redirectUrl).searchParams.get('token') ?? '';
      const svg = await (
        await fetch(`${api.url}/qr/v1?token=${encodeURIComponent(qrToken)}&format=svg`)
      ).text();
      const qr = /<title>[^<]* with (\w+)<\/title>/.exec(svg)?.[1];
      return { landing, qr };
    };

    expect(await brandsOfNewPayment()).toEqual({ landing: 'mobilepay', qr: 'MobilePay' });
    const advanceTo = async (at: number) => {
      const res = await fetch(`${api.url}/betal/clock/advance`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ seconds: (at - api.started.clock.now()) / 1000 }),
      });
      expect(res.status).toBe(200);
    };
    await advanceTo(VIPPS_FROM.FI - 60_000);
    expect(await brandsOfNewPayment()).toEqual({ landing: 'mobilepay', qr: 'MobilePay' });
    await advanceTo(VIPPS_FROM.FI);
    expect(await brandsOfNewPayment()).toEqual({ landing: 'vipps', qr: 'Vipps' });
  });
});
