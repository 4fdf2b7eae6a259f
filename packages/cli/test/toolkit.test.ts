import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { usePlatform } from '../../platform/test/support/harness.js';
import { faultBody } from '../src/commands/faults.js';
import { betalAt } from './support.js';

/** `betal reset`, `betal snapshot save|restore|list|delete` and `betal faults add|list|clear` (issue #13). */

const MSN = '123456';

const betal = betalAt;

describe('faultBody', () => {
  it('builds a rule from the flags', () => {
    expect(faultBody({ operation: 'capture', code: '6160', times: '1' })).toEqual({
      on: 'request',
      match: { operation: 'capture' },
      action: { type: 'status', code: 6160 },
      times: 1,
    });
    expect(
      faultBody({ webhook: true, event: 'captured', reorder: true, delay: '500', matchMsn: MSN }),
    ).toEqual({
      on: 'webhook',
      match: { event: 'captured', msn: MSN },
      action: { type: 'reorder', ms: 500 },
    });
    expect(faultBody({ status: '503', probability: '0.25', seed: '7', expiresIn: '10m' })).toMatchObject({
      action: { type: 'status', status: 503 },
      probability: 0.25,
      seed: 7,
      expiresInSeconds: 600,
    });
  });

  it('refuses no action, two actions and bad numbers', () => {
    expect(() => faultBody({})).toThrow(/exactly one action/);
    expect(() => faultBody({ reset: true, hang: true })).toThrow(/exactly one action/);
    expect(() => faultBody({ status: 'lots' })).toThrow(/whole number/);
    expect(() => faultBody({ reset: true, probability: '2' })).toThrow(/between 0 and 1/);
    expect(() => faultBody({ reset: true, expiresIn: 'soon' })).toThrow(/expires-in/);
  });
});

describe('the toolkit verbs against a running platform', () => {
  const started = usePlatform({ frozenAt: Date.UTC(2026, 0, 1, 12) });

  it('snapshot save, list, restore and delete, as tables and as JSON', async () => {
    const before = await betal(started.url, ['trigger', 'authorized', '--json']);
    expect(before.code, before.err).toBe(0);
    const kept = before.json().reference as string;

    const saved = await betal(started.url, ['snapshot', 'save', 'cli-seeded']);
    expect(saved.code, saved.err).toBe(0);
    expect(saved.out).toMatch(/snapshot\s+cli-seeded saved/);
    expect(saved.out).toMatch(/payments\s+1/);

    const later = (await betal(started.url, ['trigger', 'created', '--json'])).json().reference as string;
    const listed = await betal(started.url, ['snapshot', 'list']);
    expect(listed.out.split('\n')[0]).toMatch(/^NAME\s+CREATED\s+SIZE\s+PAYMENTS/);
    expect(listed.out).toMatch(/cli-seeded\s+2026-01-01T12:00:00.000Z\s+\S+ k?B\s+1/);
    const listedJson = await betal(started.url, ['snapshots', 'list', '--json']);
    expect(listedJson.json().snapshots[0]).toMatchObject({ name: 'cli-seeded', counts: { payments: 1 } });

    const restored = await betal(started.url, ['snapshot', 'restore', 'cli-seeded', '--json']);
    expect(restored.code, restored.err).toBe(0);
    expect(restored.json()).toMatchObject({ name: 'cli-seeded' });
    expect(await started.platform.store.findPayment(MSN, kept)).toBeDefined();
    expect(await started.platform.store.findPayment(MSN, later)).toBeUndefined();

    expect((await betal(started.url, ['snapshot', 'delete', 'cli-seeded'])).code).toBe(0);
    const gone = await betal(started.url, ['snapshot', 'restore', 'cli-seeded']);
    expect(gone.code).toBe(1);
    expect(gone.err).toMatch(/^betal snapshot restore: .*answered 404.*cli-seeded/);
    expect(gone.err.trim().split('\n')).toHaveLength(1);
    const bad = await betal(started.url, ['snapshot', 'save', 'has space', '--json']);
    expect(bad.code).toBe(1);
    expect(bad.json().error.status).toBe(400);
  });

  it('reset deletes everything, or with --msn one sales unit’s data', async () => {
    const first = (await betal(started.url, ['trigger', 'created', '--json'])).json().reference as string;
    const one = await betal(started.url, ['reset', '--msn', MSN]);
    expect(one.code, one.err).toBe(0);
    expect(one.out).toContain(`sales unit ${MSN}`);
    expect(await started.platform.store.findPayment(MSN, first)).toBeUndefined();
    const second = (await betal(started.url, ['trigger', 'created', '--json'])).json().reference as string;
    const all = await betal(started.url, ['reset', '--json']);
    expect(all.json()).toEqual({ reset: 'everything' });
    expect(await started.platform.store.findPayment(MSN, second)).toBeUndefined();
    // The dev merchants are back after a reset of everything.
    expect((await betal(started.url, ['merchants', 'list'])).out).toContain(MSN);
  });

  it('faults add, list and clear; a capture refused by a 6160 rule says so', async () => {
    const reference = (await betal(started.url, ['trigger', 'authorized', '--json'])).json()
      .reference as string;
    const added = await betal(started.url, [
      'faults',
      'add',
      '--operation',
      'capture',
      '--reference',
      reference,
      '--code',
      '6160',
      '--times',
      '1',
      '--json',
    ]);
    expect(added.code, added.err).toBe(0);
    const id = added.json().id as string;
    const refused = await betal(started.url, ['capture', reference]);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/answered 423: Order processing.*\(code 6160\)/);
    const listed = await betal(started.url, ['faults', 'list']);
    expect(listed.out.split('\n')[0]).toMatch(/^ID\s+ON\s+MATCH\s+ACTION\s+FIRED/);
    expect(listed.out).toMatch(new RegExp(`${id}\\s+request\\s+.*status code 6160\\s+1\\s+1\\s+1\\s+no`));
    expect((await betal(started.url, ['capture', reference])).code).toBe(0);

    const noAction = await betal(started.url, ['faults', 'add', '--operation', 'get']);
    expect(noAction.code).toBe(2);
    expect(noAction.err).toContain('exactly one action');

    expect(
      (await betal(started.url, ['faults', 'add', '--webhook', '--drop', '--event', 'captured'])).code,
    ).toBe(0);
    expect((await betal(started.url, ['faults', 'clear', id])).out).toContain(`${id} removed`);
    expect((await betal(started.url, ['faults', 'list', '--json'])).json().faults).toHaveLength(1);
    expect((await betal(started.url, ['faults', 'clear'])).code).toBe(0);
    expect((await betal(started.url, ['faults', 'list'])).out).toContain('No fault rules');
  });
  // Every verb's --help (these included) is checked in verbs.test.ts.
});

describe('when no platform is running', () => {
  it('says so in one line, without a stack trace', async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    for (const verb of [['snapshot', 'list'], ['faults', 'list'], ['reset']]) {
      const r = await betal(`http://127.0.0.1:${port}`, verb);
      expect(r.code, verb.join(' ')).toBe(1);
      expect(r.err).toContain(`No Betal platform at http://127.0.0.1:${port}`);
      expect(r.err).not.toMatch(/\n\s+at /);
    }
  });
});
