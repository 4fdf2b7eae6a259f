import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEV2, ref, type Api } from '../support/harness.js';
import { HAS_CHROMIUM, shopPayment, shot, type StandInMerchant, useBrowserWorld } from './support-browser.js';

let merchant: StandInMerchant;

const web = (reference: string, extra: Record<string, unknown> = {}) =>
  shopPayment(merchant, reference, extra);

describe.skipIf(!HAS_CHROMIUM)("the landing page's phone field", () => {
  const world = useBrowserWorld({ merchant: true });
  let api: Api;
  beforeAll(() => {
    ({ api, merchant } = world);
  });

  async function open(url: string): Promise<Page> {
    const context = await world.context();
    const page = await context.newPage();
    await page.goto(url);
    return page;
  }

  it("presets the country code from a Norwegian merchant's market and takes a plain 8-digit number", async () => {
    const reference = ref('phone-no');
    const landing = await open((await api.create(web(reference))).body.redirectUrl!);
    const picker = landing.getByRole('combobox', { name: 'Country code' });
    expect(await picker.inputValue()).toBe('47');
    expect(await picker.locator('option:checked').textContent()).toMatch(/\+47 Norway/);

    await landing.getByRole('textbox', { name: 'Mobile number' }).fill('1234');
    await landing.getByRole('button', { name: 'Next' }).click();
    await landing.getByText('Enter your mobile number, for example 12345678.').waitFor();

    await landing.getByRole('textbox', { name: 'Mobile number' }).fill('123 45 678');
    await landing.getByText('The request goes to +47 12345678.').waitFor();
    await shot(landing, 'phone-01-national-number');
    await landing.getByRole('button', { name: 'Next' }).click();
    await landing.getByText('We sent the payment request to 4712345678.').waitFor();
    expect((await api.get(reference)).body.state).toBe('CREATED');
  });

  it('accepts a full number with its country code, and another country picked by hand', async () => {
    const first = await open((await api.create(web(ref('phone-full')))).body.redirectUrl!);
    await first.getByRole('textbox', { name: 'Mobile number' }).fill('4791234567');
    await first.getByText('The request goes to +47 91234567.').waitFor();
    await first.getByRole('textbox', { name: 'Mobile number' }).fill('+45 12 34 56 78');
    await first.getByText('The request goes to +45 12345678.').waitFor();

    await first.getByRole('textbox', { name: 'Mobile number' }).fill('12345678');
    await first.getByRole('combobox', { name: 'Country code' }).selectOption('45');
    await first.getByText('The request goes to +45 12345678.').waitFor();
  });

  it('a Danish merchant presets +45, and a pre-filled MSISDN shows as its national number', async () => {
    const created = await api.create(
      {
        ...web(ref('phone-dk')),
        amount: { currency: 'DKK', value: 12_500 },
        customer: { phoneNumber: '4512345678' },
      },
      undefined,
      DEV2,
    );
    const landing = await open(created.body.redirectUrl!);
    expect(await landing.getByRole('combobox', { name: 'Country code' }).inputValue()).toBe('45');
    expect(await landing.getByRole('textbox', { name: 'Mobile number' }).inputValue()).toBe('12345678');
    await landing.getByText('The request goes to +45 12345678.').waitFor();
    await shot(landing, 'phone-02-danish-prefilled');
    await landing.getByRole('button', { name: 'Next' }).click();
    await landing.getByText('We sent the payment request to 4512345678.').waitFor();
  });
});
