/**
 * "Try it out" in Swagger UI (`/docs`) against a fresh platform, in headless Chromium, with nothing typed: the
 * page fills in the dev keys, takes the token from the token request's answer, and the examples and defaults
 * make a payment that force approve and capture then find. Skipped without Chromium.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAS_CHROMIUM, launchChromium } from '../../../test-support/browser.js';
import { startPlatform, type StartedPlatform } from '../src/testing.js';

let started: StartedPlatform;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  if (!HAS_CHROMIUM) return;
  started = await startPlatform();
  browser = await launchChromium();
  page = await browser.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`${started.url}/docs`);
  await page.waitForSelector('.opblock', { timeout: 20_000 });
});
afterAll(async () => {
  await browser?.close();
  await started?.close();
});

/** Opens an operation, presses "Try it out" and "Execute"; returns the live answer's status and body. */
async function tryItOut(operationId: string): Promise<{ status: string; body: string }> {
  const block = page.locator(`#operations-${operationId}`);
  await block.locator('.opblock-summary').first().click();
  await block.locator('button.try-out__btn').click();
  await block.locator('button.execute').click();
  const live = block.locator('.live-responses-table');
  await live.locator('tbody td.response-col_status').first().waitFor({ timeout: 15_000 });
  const status = (await live.locator('tbody td.response-col_status').first().innerText()).trim();
  const body = await live
    .locator('tbody td.response-col_description pre.microlight')
    .first()
    .innerText({ timeout: 2_000 })
    .catch(() => '');
  return { status, body };
}

describe.skipIf(!HAS_CHROMIUM)('Swagger UI at /docs', () => {
  it('gets a token, creates, force approves and captures with the defaults alone', async () => {
    const token = await tryItOut('Access_Token-post_accesstoken_get');
    expect(token.status).toBe('200');
    expect(token.body).toContain('"access_token"');

    const created = await tryItOut('ePayment-post_epayment_v1_payments');
    expect(created.status, created.body).toBe('201');
    expect(created.body).toContain('"reference": "acme-shop-123-order123abc"');

    const approved = await tryItOut('ePayment-post_epayment_v1_test_payments__reference__approve');
    expect(approved.status, approved.body).toBe('200');

    const captured = await tryItOut('ePayment-post_epayment_v1_payments__reference__capture');
    expect(captured.status, captured.body).toBe('200');
    const payment = await started.platform.payments.get('123456', 'acme-shop-123-order123abc');
    expect(JSON.stringify(payment)).toContain('"capturedAmount":{"currency":"NOK","value":49900}');
    expect(pageErrors).toEqual([]);
    // Swagger UI renders slowly on a loaded 2-core machine (2-3 s per opened operation); the steps wait by selector.
  }, 90_000);
});
