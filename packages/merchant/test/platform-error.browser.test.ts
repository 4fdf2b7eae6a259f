import { expect, it } from 'vitest';
import { describeFlow } from './support/browser.js';

/** A platform refusal reads as one clean sentence with its code, not raw text ending in "..". */
describeFlow('platform errors on the merchant pages', 'platform-error', (scene) => {
  it('a payment request to a number no user has: what failed, why, and the code', async () => {
    const admin = await scene.desktop.newPage();
    await admin.goto(`${scene.merchantUrl}/merchant/customers`);
    await admin.getByLabel(/Phone number/).fill('4700000001');
    await admin.getByLabel(/Name/).fill('Nobody Here');
    await admin.getByRole('checkbox', { name: /agreed to get payment requests/ }).check();
    await admin.getByRole('button', { name: 'Add customer' }).click();
    await admin.waitForURL(/\/merchant\/customers\/4700000001/);
    await admin.getByLabel(/Amount/).fill('349');
    await admin.getByLabel(/Description/).fill('Cleaning');
    await admin.getByRole('button', { name: 'Send to the app' }).click();
    const text = (await admin.locator('.flash-error').first().textContent())!.trim();
    await scene.shot(admin, 'platform-error');
    expect(text).not.toContain('..');
    expect(text).toMatch(/ failed: [^]+\. (Error code \d+ \(HTTP \d{3}\)|HTTP \d{3})\.$/);
  });
});
