import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform } from '../../src/internal-entry.js';
import { Api, DEV2, ref, T0 } from '../support/harness.js';
import { idOf } from './support.js';
import { desktop, HAS_CHROMIUM, launch, phone, shot } from './support-browser.js';

const METTE_DK = '4512345678';
/** 12 January 2027, 00:00 in Copenhagen (CET): MobilePay becomes Vipps in Denmark. */
const SWITCH_DK = Date.UTC(2027, 0, 11, 23, 0, 0);

/** A Danish WEB_REDIRECT create body. */
function danish(reference: string) {
  return {
    amount: { currency: 'DKK', value: 12_500 },
    paymentMethod: { type: 'WALLET' },
    reference,
    userFlow: 'WEB_REDIRECT',
    returnUrl: `https://shop.example/return?order=${reference}`,
    paymentDescription: 'Smørrebrød',
  };
}

describe.skipIf(!HAS_CHROMIUM)(
  'MobilePay becomes Vipps in Denmark on 12 January 2027 (platform clock)',
  () => {
    let browser: Browser;
    let api: Api;
    const contexts: BrowserContext[] = [];

    beforeAll(async () => {
      browser = await launch();
      api = new Api(await startPlatform({ frozenAt: T0 }));
    });
    afterAll(async () => {
      for (const context of contexts) await context.close();
      await browser?.close();
      await api?.close();
    });

    async function open(kind: 'desktop' | 'phone', url: string): Promise<Page> {
      const context = kind === 'desktop' ? await desktop(browser) : await phone(browser);
      contexts.push(context);
      const page = await context.newPage();
      await page.goto(url);
      return page;
    }

    async function advanceTo(at: number) {
      const now = Date.parse((await (await fetch(`${api.url}/betal/clock`)).json()).now as string);
      const res = await fetch(`${api.url}/betal/clock/advance`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ seconds: (at - now) / 1000 }),
      });
      expect(res.status).toBe(200);
    }

    async function qrTitle(token: string): Promise<string | undefined> {
      const svg = await (
        await fetch(`${api.url}/qr/v1?token=${encodeURIComponent(token)}&format=svg`)
      ).text();
      return /<title>([^<]*)<\/title>/.exec(svg)?.[1]?.replace(/\s/g, ' ');
    }

    it('the landing page, the app and the QR say MobilePay before the date and Vipps from it', async () => {
      const before = await api.create(danish(ref('brand-before')), undefined, DEV2);
      const landing = await open('desktop', before.body.redirectUrl!);
      await landing.getByRole('heading', { name: 'Pay with MobilePay' }).waitFor();
      expect(await landing.getByRole('img', { name: 'MobilePay' }).isVisible()).toBe(true);
      expect(await landing.locator('body').getAttribute('class')).toContain('brand-mobilepay');
      await shot(landing, 'a0-brand-dk-landing-before');
      expect(await qrTitle(idOf(before.body.redirectUrl))).toBe(
        'Pay DKK 125.00 to Betal Dev Butik with MobilePay',
      );
      const appBefore = await open('phone', `${api.url}/app/u/${METTE_DK}`);
      await appBefore.locator('main[aria-busy="false"]').waitFor();
      expect(await appBefore.getByRole('img', { name: 'MobilePay' }).first().isVisible()).toBe(true);
      await shot(appBefore, 'a1-brand-dk-app-before');

      // One minute before midnight in Copenhagen: still MobilePay.
      await advanceTo(SWITCH_DK - 60_000);
      const lastMinute = await api.create(danish(ref('brand-last')), undefined, DEV2);
      const late = await open('desktop', lastMinute.body.redirectUrl!);
      await late.getByRole('heading', { name: 'Pay with MobilePay' }).waitFor();

      // From 00:00 on 12 January 2027: Vipps.
      await advanceTo(SWITCH_DK);
      const after = await api.create(danish(ref('brand-after')), undefined, DEV2);
      const landingAfter = await open('desktop', after.body.redirectUrl!);
      await landingAfter.getByRole('heading', { name: 'Pay with Vipps' }).waitFor();
      expect(await landingAfter.getByRole('img', { name: 'Vipps' }).isVisible()).toBe(true);
      expect(await landingAfter.getByRole('img', { name: 'MobilePay' }).count()).toBe(0);
      expect(await landingAfter.locator('body').getAttribute('class')).toContain('brand-vipps');
      await shot(landingAfter, 'a2-brand-dk-landing-after');
      expect(await qrTitle(idOf(after.body.redirectUrl))).toBe(
        'Pay DKK 125.00 to Betal Dev Butik with Vipps',
      );
      const appAfter = await open('phone', `${api.url}/app/u/${METTE_DK}`);
      await appAfter.locator('main[aria-busy="false"]').waitFor();
      expect(await appAfter.getByRole('img', { name: 'Vipps' }).first().isVisible()).toBe(true);
      expect(await appAfter.getByRole('img', { name: 'MobilePay' }).count()).toBe(0);
      await shot(appAfter, 'a3-brand-dk-app-after');
    });
  },
);
