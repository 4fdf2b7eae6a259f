import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { merchantConfigFromEnv } from '@betal/merchant';
import { PlatformClock } from '@betal/platform';

const root = fileURLToPath(new URL('../../../', import.meta.url));
// The worker thread runs the built file (a worker cannot load TypeScript), so this needs `npm run build`.
const built = join(root, 'packages/cli/dist/merchant-worker.js');
const module = existsSync(built)
  ? ((await import(built)) as typeof import('../src/merchant-worker.js'))
  : undefined;

describe.skipIf(!module)('betal dev: the merchant in a worker thread of its own (issue #15)', () => {
  it("publishes the platform clock's offset after every advance and catch-up", () => {
    const clock = new PlatformClock({ offsetMs: 5_000 });
    const shared = new SharedArrayBuffer(8);
    module!.publishClockOffset(clock, shared);
    const view = new Float64Array(shared);
    expect(view[0]).toBe(5_000);
    clock.advance(60_000);
    expect(view[0]).toBe(65_000);
    expect(clock.catchUp(100_000)).toBe(true);
    expect(view[0]).toBe(100_000);
    expect(clock.catchUp(1_000)).toBe(false);
    expect(view[0]).toBe(100_000);
    expect(clock.offset).toBe(100_000);
  });

  it('starts the merchant in the thread, answers its pages, and ends the thread on close', async () => {
    const config = merchantConfigFromEnv({
      MERCHANT_PORT: '0',
      MERCHANT_DB: ':memory:',
      MERCHANT_REGISTER_WEBHOOK: '0',
      MERCHANT_RECONCILE_SECONDS: '0',
      LOG_LEVEL: 'silent',
    });
    const merchant = await module!.startMerchantThread(
      config,
      { logFormat: 'json', json: true },
      false,
      new SharedArrayBuffer(8),
    );
    try {
      expect(merchant.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(merchant.webhook).toBeUndefined();
      expect((await fetch(`${merchant.url}/shop`)).status).toBe(200);
    } finally {
      await merchant.close();
    }
    await expect(fetch(`${merchant.url}/shop`)).rejects.toThrow();
    // Closing a thread that has ended already answers at once.
    await merchant.close();
  });

  it('rejects with the reason when the merchant cannot start', async () => {
    // A database path under a file, not a folder: the merchant's store cannot be opened.
    const dir = mkdtempSync(join(tmpdir(), 'betal-merchant-thread-'));
    writeFileSync(join(dir, 'file'), '');
    const config = merchantConfigFromEnv({
      MERCHANT_PORT: '0',
      MERCHANT_DB: join(dir, 'file', 'merchant.sqlite'),
      MERCHANT_REGISTER_WEBHOOK: '0',
      MERCHANT_RECONCILE_SECONDS: '0',
      LOG_LEVEL: 'silent',
    });
    await expect(
      module!.startMerchantThread(config, { logFormat: 'json', json: true }, false, new SharedArrayBuffer(8)),
    ).rejects.toThrow(/EEXIST|ENOTDIR/);
    rmSync(dir, { recursive: true, force: true });
  });
});
