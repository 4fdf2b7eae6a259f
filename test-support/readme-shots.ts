/**
 * The README's screenshots, taken by the browser tests from the running system: with `BETAL_SCREENSHOTS=1` (what
 * `npm run screenshots` sets) {@link readmeShot} writes `docs/screenshots/<name>.png` at a fixed viewport; without
 * it, it does nothing. Test code only.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';

/** Whether this run writes the README's screenshots. */
export const README_SHOTS = process.env.BETAL_SCREENSHOTS === '1';

/** The folder of the README's screenshots: docs/screenshots/ at the repository root. */
export const README_SHOTS_FOLDER = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));

/** The fixed viewports of the README's screenshots (CSS pixels): a desktop window and a phone. */
export const README_VIEWPORTS = {
  desktop: { width: 1200, height: 760 },
  phone: { width: 390, height: 760 },
} as const;

/**
 * With BETAL_SCREENSHOTS=1: saves what `page` shows as `docs/screenshots/<name>.png`, at the `kind` viewport
 * (the page's own viewport comes back afterwards), in CSS pixels (small files), with animations stopped and no
 * caret. Otherwise nothing.
 */
export async function readmeShot(
  page: Page,
  name: string,
  kind: keyof typeof README_VIEWPORTS,
): Promise<void> {
  if (!README_SHOTS) return;
  mkdirSync(README_SHOTS_FOLDER, { recursive: true });
  const before = page.viewportSize();
  await page.setViewportSize(README_VIEWPORTS[kind]);
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve(undefined))));
  await page.screenshot({
    path: `${README_SHOTS_FOLDER}${name}.png`,
    scale: 'css',
    animations: 'disabled',
    caret: 'hide',
  });
  if (before) await page.setViewportSize(before);
}
