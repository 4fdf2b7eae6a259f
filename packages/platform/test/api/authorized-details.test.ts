import { describe, expect, it } from 'vitest';
import { errorCode, ref, usePlatformApi, T0, webRedirect } from '../support/harness.js';

/**
 * What an AUTHORIZED payment shows today beyond ePayment 1.7.0: `userDetails` with profile sharing (v1.8.1) and
 * `captureGuaranteedUntil` (August 2026), and the capture failures 6260 and 6280 (August 2026) with their test
 * amounts 126 and 128.
 */
const api = usePlatformApi();

const DAY = 86_400_000;

async function authorized(extra: Record<string, unknown> = {}, value = 10_000): Promise<string> {
  const reference = ref('auth-details');
  expect((await api.create(webRedirect(reference, value, extra))).status).toBe(201);
  expect((await api.approve(reference)).status).toBe(200);
  return reference;
}

describe('userDetails with profile sharing (v1.8.1)', () => {
  it('has every consented field of the test user, beside profile.sub', async () => {
    const reference = await authorized({ profile: { scope: 'name email phoneNumber address birthDate' } });
    const got = (await api.get(reference)).body;
    expect(got.profile.sub).toMatch(/^[0-9a-f-]{36}$/);
    expect(got.userDetails).toEqual({
      firstName: 'Kari',
      lastName: 'Nordmann',
      email: expect.stringContaining('@'),
      mobileNumber: '4712345678',
      birthDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      addresses: [
        {
          addressLine1: expect.any(String),
          city: expect.any(String),
          country: 'NO',
          postCode: expect.stringMatching(/^\d{4}$/),
        },
      ],
    });
  });

  it('has only the fields of the scopes asked for', async () => {
    const reference = await authorized({ profile: { scope: 'email' } });
    const got = (await api.get(reference)).body;
    expect(Object.keys(got.userDetails)).toEqual(['email']);
  });

  it('is absent without profile sharing, and before authorization', async () => {
    expect((await api.get(await authorized())).body).not.toHaveProperty('userDetails');
    const reference = ref('auth-details-created');
    await api.create(webRedirect(reference, 10_000, { profile: { scope: 'name' } }));
    const created = (await api.get(reference)).body;
    expect(created).not.toHaveProperty('userDetails');
    expect(created.profile).toEqual({});
  });

  it('holds no nin: the nin scope releases it through the Userinfo API only', async () => {
    const reference = await authorized({ profile: { scope: 'nin name' } });
    const got = (await api.get(reference)).body;
    expect(Object.keys(got.userDetails).sort()).toEqual(['firstName', 'lastName']);
    expect((await api.userinfo(got.profile.sub)).body.nin).toMatch(/^\d{11}$/);
  });
});

describe('captureGuaranteedUntil (August 2026)', () => {
  it('is 7 days after authorization, with a +00:00 offset, once AUTHORIZED', async () => {
    const reference = ref('guarantee');
    await api.create(webRedirect(reference));
    expect((await api.get(reference)).body).not.toHaveProperty('captureGuaranteedUntil');
    api.started.clock.advance(60_000);
    expect((await api.approve(reference)).status).toBe(200);
    const got = (await api.get(reference)).body;
    expect(got.captureGuaranteedUntil).toBe(
      new Date(T0 + 60_000 + 7 * DAY).toISOString().replace('Z', '+00:00'),
    );
  });

  it('stays the same after a partial capture', async () => {
    const reference = await authorized();
    const before = (await api.get(reference)).body.captureGuaranteedUntil;
    api.started.clock.advance(DAY);
    expect((await api.modify('capture', reference, 1_000, `${reference}-c`)).status).toBe(200);
    expect((await api.get(reference)).body.captureGuaranteedUntil).toBe(before);
  });
});

describe('capture failures 6260 and 6280 (test amounts 126 and 128)', () => {
  it('126: 6260 "Funds unavailable", nothing captured, an unsuccessful CAPTURED event; the key replays it', async () => {
    const reference = await authorized();
    const key = `${reference}-c126`;
    const failed = await api.modify('capture', reference, 126, key);
    expect(failed.status).toBe(400);
    expect(errorCode(failed.body)).toBe('6260');
    expect(failed.body.title).toBe('Funds unavailable');
    const again = await api.modify('capture', reference, 126, key);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(errorCode(again.body)).toBe('6260');
    expect((await api.get(reference)).body.aggregate.capturedAmount.value).toBe(0);
    const events = (await api.events(reference)).body;
    expect(events.map((e) => [e.name, e.success, e.amount.value])).toEqual([
      ['CREATED', true, 10_000],
      ['AUTHORIZED', true, 10_000],
      ['CAPTURED', false, 126],
    ]);
  });

  it('128: 6280 first; the retry with the same key is decided again and succeeds, and is then replayed', async () => {
    const reference = await authorized();
    const key = `${reference}-c128`;
    const failed = await api.modify('capture', reference, 128, key);
    expect(failed.status).toBe(400);
    expect(errorCode(failed.body)).toBe('6280');
    expect(failed.body.title).toBe('Capture failed, please try again later');
    const retried = await api.modify('capture', reference, 128, key);
    expect(retried.status).toBe(200);
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
    expect((retried.body.aggregate as any).capturedAmount.value).toBe(128);
    const replayed = await api.modify('capture', reference, 128, key);
    expect(replayed.status).toBe(200);
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    expect((await api.get(reference)).body.aggregate.capturedAmount.value).toBe(128);
    const events = (await api.events(reference)).body.filter((e) => e.name === 'CAPTURED');
    expect(events.map((e) => [e.success, e.idempotencyKey])).toEqual([
      [false, key],
      [true, key],
    ]);
  });

  it('128 under a new key fails again first: the retry must use the same key', async () => {
    const reference = await authorized();
    expect(errorCode((await api.modify('capture', reference, 128, `${reference}-a`)).body)).toBe('6280');
    expect(errorCode((await api.modify('capture', reference, 128, `${reference}-b`)).body)).toBe('6280');
    expect((await api.modify('capture', reference, 128, `${reference}-a`)).status).toBe(200);
  });

  it('checks the ordinary rules first: 128 over the remainder is 6090, not 6280', async () => {
    const reference = await authorized({}, 10_000);
    expect((await api.modify('capture', reference, 9_900, `${reference}-c`)).status).toBe(200);
    expect(errorCode((await api.modify('capture', reference, 128, `${reference}-d`)).body)).toBe('6090');
  });
});
