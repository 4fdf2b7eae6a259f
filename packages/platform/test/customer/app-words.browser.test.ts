import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform } from '../../src/internal-entry.js';
import { Api, DEV2, ref, T0, webRedirect } from '../support/harness.js';
import { Customer, pushMessage } from './support.js';
import { HAS_CHROMIUM, launch, phone, shot } from './support-browser.js';
import { readmeShot } from '../../../../test-support/readme-shots.js';

const NORA = '4790000077';
const DITTE_DK = '4590000077';
const AINO_FI = '358400000077';

/** Text as people read it: every run of spaces (no-break ones too) as one space. */
const plain = (text: string | null) => (text ?? '').replace(/\s+/g, ' ').trim();

describe.skipIf(!HAS_CHROMIUM)(
  "the app's words: plain states, paid and refunded amounts, four languages",
  () => {
    let browser: Browser;
    let api: Api;
    let customer: Customer;
    const contexts: BrowserContext[] = [];
    let first: string;
    let second: string;

    beforeAll(async () => {
      browser = await launch();
      api = new Api(await startPlatform({ frozenAt: T0 }));
      customer = new Customer(api.url);
      for (const [phoneNumber, name] of [
        [NORA, 'Nora Berg'],
        [DITTE_DK, 'Ditte Holm'],
        [AINO_FI, 'Aino Virtanen'],
      ] as const) {
        expect((await customer.createUser({ phoneNumber, name, birthDate: '1990-01-01' })).status).toBe(201);
      }
      // The first payment is created first and changes last: it is paid and partly refunded two minutes later.
      first = ref('words-a');
      second = ref('words-b');
      expect((await api.create(pushMessage(first, NORA, 49_900))).status).toBe(201);
      expect((await customer.approve(NORA, (await customer.find(NORA, first))!.id)).status).toBe(200);
      await api.advance(60);
      expect((await api.create(pushMessage(second, NORA, 20_000))).status).toBe(201);
      expect((await customer.approve(NORA, (await customer.find(NORA, second))!.id)).status).toBe(200);
      await api.advance(60);
      expect((await api.modify('capture', first, 49_900, `${first}-c`)).status).toBe(200);
      expect((await api.modify('refund', first, 10_000, `${first}-r`)).status).toBe(200);
    });
    afterAll(async () => {
      for (const context of contexts) await context.close();
      await browser?.close();
      await api?.close();
    });

    async function app(phoneNumber: string, locale: string, hash = ''): Promise<Page> {
      const context = await phone(browser, locale);
      contexts.push(context);
      const page = await context.newPage();
      await page.goto(`${api.url}/app/u/${phoneNumber}${hash}`);
      await page.locator('main[aria-busy="false"]').waitFor();
      return page;
    }

    it('the history is ordered and dated by the latest change, in the API too', async () => {
      const lists = (await customer.lists(NORA)).body;
      expect(lists.history.map((v) => v.reference)).toEqual([first, second]);
      expect((lists.history[0] as { updatedAt?: string }).updatedAt).toBe(
        new Date(T0 + 120_000).toISOString(),
      );
      expect((lists.history[1] as { updatedAt?: string }).updatedAt).toBe(
        new Date(T0 + 60_000).toISOString(),
      );
    });

    it('English: "Paid NOK 499.00 · refunded NOK 100.00" and "Reserved", never the API\'s states', async () => {
      const page = await app(NORA, 'en-GB', '#history');
      const cards = page.locator('ul.cards a');
      await expect.poll(() => cards.count()).toBe(2);
      expect(await cards.nth(0).getAttribute('data-reference')).toBe(first);
      const paid = plain(await cards.nth(0).textContent());
      expect(paid).toContain('Paid NOK 499.00 · refunded NOK 100.00');
      const when = await page.evaluate(
        (iso) =>
          new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso)),
        new Date(T0 + 120_000).toISOString(),
      );
      expect(paid).toContain(plain(when));
      expect(plain(await cards.nth(1).textContent())).toContain('Reserved');
      const all = plain(await page.locator('main').textContent());
      expect(all).not.toMatch(/AUTHORIZED|CAPTURED|REFUNDED|Authorized|Captured|Approved|Charged/);
      await shot(page, 'app-history-words-en');
      await readmeShot(page, 'app-history', 'phone');
      await cards.nth(0).click();
      await expect
        .poll(async () => plain(await page.locator('[data-status]').textContent()))
        .toBe('Paid NOK 499.00 · refunded NOK 100.00');
    });

    it('Norwegian: "Betalt 499,00 kr · refundert 100,00 kr" and "Reservert"', async () => {
      const page = await app(NORA, 'nb-NO', '#history');
      expect(await page.locator('html').getAttribute('lang')).toBe('nb');
      const cards = page.locator('ul.cards a');
      await expect.poll(() => cards.count()).toBe(2);
      expect(plain(await cards.nth(0).textContent())).toContain('Betalt 499,00 kr · refundert 100,00 kr');
      expect(plain(await cards.nth(1).textContent())).toContain('Reservert');
      await shot(page, 'app-history-words-nb');
    });

    it("Danish and Finnish apps, chosen like the landing page: the browser, else the user's market", async () => {
      const danish = await api.create(
        { ...webRedirect(ref('words-dk'), 12_500), amount: { currency: 'DKK', value: 12_500 } },
        undefined,
        DEV2,
      );
      expect(danish.status).toBe(201);
      const token = new URL(danish.body.redirectUrl!).searchParams.get('token')!;
      expect((await customer.confirm(token, DITTE_DK)).status).toBe(200);
      // A browser speaking none of the four: the market decides (Denmark, Finland).
      const dk = await app(DITTE_DK, 'de-DE');
      expect(await dk.locator('html').getAttribute('lang')).toBe('da');
      expect(plain(await dk.getByRole('navigation').textContent())).toContain('Anmodninger');
      await dk.locator('ul.cards a').first().click();
      await dk.getByRole('button', { name: 'Betal 125,00 kr.' }).waitFor();
      expect(await dk.getByRole('button', { name: 'Afvis' }).count()).toBe(1);
      await shot(dk, 'app-request-da');

      const fi = await app(AINO_FI, 'de-DE');
      expect(await fi.locator('html').getAttribute('lang')).toBe('fi');
      expect(plain(await fi.getByRole('navigation').textContent())).toContain('Pyynnöt');
      expect(plain(await fi.locator('main').textContent())).toContain('Ei maksupyyntöjä juuri nyt.');
      // The browser's language comes before the market; a choice comes before both.
      const english = await app(AINO_FI, 'en-GB');
      expect(await english.locator('html').getAttribute('lang')).toBe('en');
      const chosen = await app(AINO_FI, 'en-GB', '?lang=da');
      expect(await chosen.locator('html').getAttribute('lang')).toBe('da');
    });
  },
);
