import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSeed, readSeedFile, SeedError, startPlatform, type Seed } from '../../src/internal-entry.js';

const dir = mkdtempSync(join(tmpdir(), 'betal-seed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const YAML = `
merchants:
  - name: Seed Shop
    market: NO
    msn: "777001"
    clientId: seed-client
    clientSecret: seed-secret
    subscriptionKey: seed-key
    capabilities: { pushMessage: true, partialCapture: false }
    webhooks:
      - url: http://127.0.0.1:3999/hooks
        secret: seed-webhook-secret-0123456789
  - name: Seed Kiosk
    market: SE
    currency: EUR
testUsers:
  - phoneNumber: "4790000001"
    name: Siri Seed
    birthDate: "1990-05-17"
webhooks:
  - msn: "123456"
    url: http://127.0.0.1:3998/dev-hooks
    events: [epayments.payment.captured.v1]
`;

/** The problems of a seed that is refused. */
function problems(text: string, file = 'seed.yaml'): string[] {
  try {
    parseSeed(text, file);
  } catch (error) {
    expect(error).toBeInstanceOf(SeedError);
    return (error as SeedError).problems;
  }
  throw new Error('the seed was accepted');
}

describe('reading a seed', () => {
  it('reads YAML and JSON alike', () => {
    const yaml = parseSeed(YAML, 'seed.yaml');
    expect(parseSeed(JSON.stringify(yaml), 'seed.json')).toEqual(yaml);
    expect(yaml.merchants?.[0]).toMatchObject({ msn: '777001', capabilities: { pushMessage: true } });
    expect(parseSeed('', 'empty.yaml')).toEqual({});
  });

  it('names the path of every bad field', () => {
    expect(
      problems(`
merchants:
  - name: Bad
    market: XX
    colour: red
  - market: NO
testUsers:
  - phoneNumber: "12"
    name: Short
    birthDate: "1990-01-01"
webhooks:
  - url: http://127.0.0.1:1/x
`).sort(),
    ).toEqual([
      'merchants[0].colour: is not a field of the seed here',
      'merchants[0].market: must be one of NO, SE, DK, FI',
      'merchants[1].name: is required',
      'testUsers[0].phoneNumber: must match pattern "^\\d{10,15}$"',
      'webhooks[0].msn: is required',
    ]);
  });

  it('checks the rules across fields: a currency for Sweden, each MSN and phone number once', () => {
    expect(
      problems(`
merchants:
  - { name: A, market: SE }
  - { name: B, market: NO, msn: "777002" }
  - { name: C, market: NO, msn: "777002" }
testUsers:
  - { phoneNumber: "4790000001", name: A B, birthDate: "1990-01-01" }
  - { phoneNumber: "4790000001", name: C D, birthDate: "1990-01-01" }
`),
    ).toEqual([
      'merchants[0].currency: is required for market SE (NOK, DKK or EUR)',
      'merchants[2].msn: 777002 is also merchants[1].msn',
      'testUsers[1].phoneNumber: 4790000001 is also testUsers[0].phoneNumber',
    ]);
  });

  it('says where text does not parse, and a file that cannot be read', async () => {
    expect(problems('merchants: [', 'seed.yaml')[0]).toMatch(/^does not parse: /);
    expect(problems('{"merchants": ', 'seed.json')[0]).toMatch(/^does not parse: /);
    expect(problems('- just\n- a list\n')).toEqual(['(the seed): must be object']);
    const missing = readSeedFile(join(dir, 'nope.yaml'));
    await expect(missing).rejects.toThrow(/nope\.yaml: cannot be read: ENOENT/);
  });
});

describe('a platform started with a seed', () => {
  const seed: Seed = parseSeed(YAML, 'seed.yaml');

  it('has the merchants, test users and registrations, and keeps them through a reset', async () => {
    const started = await startPlatform({ seed: { seed, file: 'seed.yaml' } });
    try {
      const { platform } = started;
      const shop = platform.directory.byMsn('777001')!;
      expect(shop).toMatchObject({
        name: 'Seed Shop',
        currency: 'NOK',
        clientId: 'seed-client',
        clientSecret: 'seed-secret',
        capabilities: { pushMessage: true, fullCaptureOnly: true },
      });
      expect(shop.subscriptionKeys[0]).toBe('seed-key');
      const kiosk = platform.seeded!.merchants[1]!;
      expect(kiosk).toMatchObject({ name: 'Seed Kiosk', market: 'SE', currency: 'EUR' });
      expect(kiosk.msn).toMatch(/^\d{6}$/);
      expect(await platform.store.findUser('4790000001')).toMatchObject({ name: 'Siri Seed', market: 'NO' });
      expect(platform.seeded!.webhooks).toEqual([
        expect.objectContaining({
          msn: '777001',
          url: 'http://127.0.0.1:3999/hooks',
          secret: 'seed-webhook-secret-0123456789',
          kept: false,
        }),
        expect.objectContaining({ msn: '123456', events: ['epayments.payment.captured.v1'], kept: false }),
      ]);
      expect(platform.seeded!.webhooks[1]!.secret).toEqual(expect.any(String));
      const hooks = await platform.store.webhooks.listRegistrations('777001');
      expect(hooks.map((h) => [h.url, h.secret, h.events.length])).toEqual([
        ['http://127.0.0.1:3999/hooks', 'seed-webhook-secret-0123456789', 8],
      ]);

      // The seeded credentials work over the API.
      const token = await fetch(`${started.url}/accesstoken/get`, {
        method: 'POST',
        headers: {
          client_id: 'seed-client',
          client_secret: 'seed-secret',
          'Ocp-Apim-Subscription-Key': 'seed-key',
          'Merchant-Serial-Number': '777001',
        },
      });
      expect(token.status).toBe(200);

      await started.reset();
      expect(platform.directory.byMsn('777001')?.clientId).toBe('seed-client');
      expect(platform.directory.byMsn('123456')).toBeDefined();
      expect(await platform.store.findUser('4790000001')).toBeDefined();
      expect((await platform.store.webhooks.listRegistrations('777001')).map((h) => h.secret)).toEqual([
        'seed-webhook-secret-0123456789',
      ]);
    } finally {
      await started.close();
    }
  });

  it('changes nothing when started again on the same store', async () => {
    const database = join(dir, 'again.sqlite');
    const first = await startPlatform({ database, seed: { seed, file: 'seed.yaml' } });
    const kiosk = first.platform.seeded!.merchants[1]!;
    const devHook = first.platform.seeded!.webhooks[1]!;
    await first.close();
    const second = await startPlatform({ database, seed: { seed, file: 'seed.yaml' } });
    try {
      expect(second.platform.seeded!.merchants[1]).toEqual(kiosk);
      expect(second.platform.directory.list().filter((u) => u.name === 'Seed Kiosk')).toHaveLength(1);
      expect(second.platform.seeded!.webhooks.map((w) => [w.id, w.kept])).toEqual([
        [first.platform.seeded!.webhooks[0]!.id, true],
        [devHook.id, true],
      ]);
      expect(await second.platform.store.webhooks.listRegistrations('123456')).toHaveLength(1);
    } finally {
      await second.close();
    }
  });

  it('refuses what only the platform can know: an MSN no unit has, a taken client id, a future birth date', async () => {
    const cases: Array<[string, string]> = [
      [
        'webhooks:\n  - { msn: "999999", url: "http://127.0.0.1:1/x" }',
        'webhooks[0].msn: no sales unit has MSN 999999',
      ],
      [
        'merchants:\n  - { name: Twin, market: NO, clientId: dev-client-id }',
        'merchants[0].clientId: already belongs to MSN 123456',
      ],
      [
        'testUsers:\n  - { phoneNumber: "4790000009", name: Not Born, birthDate: "2999-01-01" }',
        'testUsers[0].birthDate: The field BirthDate must not be in the future.',
      ],
      [
        'webhooks:\n  - { msn: "123456", url: "ftp://example.com/x" }',
        'webhooks[0].url: The field Url must be an https URL.',
      ],
    ];
    for (const [text, problem] of cases) {
      const opening = startPlatform({ seed: { seed: parseSeed(text, 'bad.yaml'), file: 'bad.yaml' } });
      await expect(opening).rejects.toThrow(SeedError);
      await expect(opening).rejects.toThrow(`bad.yaml: ${problem}`);
    }
  });
});
