/**
 * What every browser test of the repository shares: Debian's Chromium launched headless with one set of flags, the
 * check that skips the tests where it is absent, and the folder under test-artifacts/ where screenshots go. Test
 * code only: no package builds it; the tests import it by relative path.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium; the browser tests skip when it is absent (CI installs it with apt). */
export const CHROMIUM = '/usr/bin/chromium';

/** Whether Chromium is installed: `describe.skipIf(!HAS_CHROMIUM)` skips the browser tests otherwise. */
export const HAS_CHROMIUM = existsSync(CHROMIUM);

/** The flags of every launch: headless, no sandbox, and nothing that reaches the network on its own. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Starts headless Chromium the way the project's browser tests do. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** The repository's test-artifacts/ folder (ignored by git). */
const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/', import.meta.url));

/**
 * The path of test-artifacts/<folder>/ at the repository root (test-artifacts/ itself without a folder), ending
 * with a slash; it is not created.
 */
export function artifactsPath(folder?: string): string {
  return folder === undefined ? ARTIFACTS : `${ARTIFACTS}${folder}/`;
}

/** Creates test-artifacts/<folder>/ (test-artifacts/ without a folder) if need be and returns its path. */
export function artifactsFolder(folder?: string): string {
  const path = artifactsPath(folder);
  mkdirSync(path, { recursive: true });
  return path;
}

/** Saves a screenshot of `page` as `<folder><name>.png`; the whole page unless `fullPage` is false. */
export async function saveScreenshot(
  page: Page,
  folder: string,
  name: string,
  fullPage = true,
): Promise<void> {
  await page.screenshot({ path: `${folder}${name}.png`, fullPage });
}
