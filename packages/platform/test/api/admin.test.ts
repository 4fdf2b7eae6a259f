import { describe, expect, it } from 'vitest';
import { startPlatform } from '../../src/index.js';
import { DEV, ref, T0, usePlatformApi, webRedirect } from '../support/harness.js';

/** The public surface (issue #11 item 9): what `@betal/platform` users get, and the admin facade doing its work. */
describe('the public platform and its admin facade', () => {
  const api = usePlatformApi({ transport: 'socket' });
  const admin = () => api.started.platform.admin;
  const state = async (reference: string) =>
    (await api.call<{ state: string }>('GET', `/epayment/v1/payments/${reference}`)).body.state;

  it('exposes the URL, the clock, the admin facade and the life cycle, and none of the composed parts', async () => {
    const started = await startPlatform({ frozenAt: T0 });
    try {
      expect(started.platform.baseUrl).toBe(started.url);
      expect(started.clock.now()).toBe(T0);
      expect(started.admin).toBe(started.platform.admin);
      expect(Object.keys(started.platform).sort()).toEqual(['admin', 'baseUrl', 'clock', 'close', 'listen']);
    } finally {
      await started.close();
    }
  });

  it('force approves, and a snapshot restore puts the payment back as it was', async () => {
    const reference = ref('admin');
    expect(
      (await api.create(webRedirect(reference, 10_000, { customer: { phoneNumber: '4712345678' } }))).status,
    ).toBe(201);
    await admin().snapshot('before-approve');
    await admin().approve(DEV.msn, reference);
    expect(await state(reference)).toBe('AUTHORIZED');
    await admin().restore('before-approve');
    expect(await state(reference)).toBe('CREATED');
  });

  it('creates, resets and deletes a sandbox', async () => {
    const unit = await admin().createSandbox({ name: 'Admin suite', market: 'NO' });
    expect(
      admin()
        .sandboxes()
        .map((u) => u.msn),
    ).toContain(unit.msn);
    await admin().reset({ msn: unit.msn });
    expect(
      admin()
        .sandboxes()
        .map((u) => u.msn),
    ).toContain(unit.msn);
    await admin().deleteSandbox(unit.msn);
    expect(
      admin()
        .sandboxes()
        .map((u) => u.msn),
    ).not.toContain(unit.msn);
  });

  it('refuses a force approve for an unknown MSN with 404', async () => {
    await expect(admin().approve('999999', 'nothing')).rejects.toMatchObject({ status: 404 });
  });

  it('advances the clock and expires what became overdue', async () => {
    const reference = ref('admin-expiry');
    expect((await api.create(webRedirect(reference))).status).toBe(201);
    const before = api.started.clock.now();
    const expired = await admin().advanceClock(24 * 3600 * 1000);
    expect(api.started.clock.now()).toBe(before + 24 * 3600 * 1000);
    expect(expired).toBeGreaterThanOrEqual(1);
    expect(await state(reference)).toBe('EXPIRED');
  });
});
