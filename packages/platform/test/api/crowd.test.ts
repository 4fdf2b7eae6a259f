import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform } from '../../src/internal-entry.js';
import { Api, T0, webRedirect } from '../support/harness.js';

let api: Api;
beforeAll(async () => {
  api = new Api(await startPlatform({ frozenAt: T0 }));
});
afterAll(() => api.close());

let n = 0;
/** A PUSH_MESSAGE payment: it reaches the user's app at once. */
async function push(phoneNumber = '4791234567', extra: Record<string, unknown> = {}): Promise<string> {
  const reference = `crowd-${++n}-${Date.now().toString(36)}`;
  const res = await api.create({
    amount: { currency: 'NOK', value: 10_000 },
    paymentMethod: { type: 'WALLET' },
    reference,
    userFlow: 'PUSH_MESSAGE',
    customer: { phoneNumber },
    paymentDescription: 'A crowd payment',
    ...extra,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return reference;
}

const state = async (reference: string) => (await api.get(reference)).body.state as string;
const crowd = (body: unknown) => api.call<any>('POST', '/betal/crowd', { body });
const view = async () => (await api.call<any>('GET', '/betal/crowd')).body;

describe('the crowd (POST /betal/crowd)', () => {
  it('approves after the think time on the platform clock, not before', async () => {
    const set = await crowd({ msn: '123456', approve: 1, thinkSeconds: { min: 30, max: 30 }, seed: 7 });
    expect(set.status).toBe(201);
    expect(set.body).toMatchObject({
      scope: '123456',
      msn: '123456',
      shares: { approve: 1, reject: 0, abandon: 0, payLater: 0 },
      thinkSeconds: { min: 30, max: 30 },
      seed: 7,
    });
    const reference = await push();
    api.started.clock.advance(29_000);
    // Nothing is due before the think time is over.
    expect(await api.started.platform.crowd.runDue()).toBe(0);
    expect(await state(reference)).toBe('CREATED');
    api.started.clock.advance(1_000);
    expect(await api.started.platform.crowd.runDue()).toBe(1);
    expect(await state(reference)).toBe('AUTHORIZED');
    const [rule] = (await view()).rules;
    expect(rule.stats).toMatchObject({ reached: 1, pending: 0, approve: 1, failed: 0 });
  });

  it('splits by the shares with a seeded generator: the same seed, the same choices', async () => {
    const run = async () => {
      await crowd({ approve: 1, reject: 1, abandon: 1, thinkSeconds: { min: 0, max: 10 }, seed: 42 });
      await api.call('DELETE', '/betal/crowd?msn=123456');
      const refs: string[] = [];
      for (let i = 0; i < 12; i++) refs.push(await push());
      api.started.clock.advance(10_000);
      await expect.poll(async () => (await view()).rules[0].stats.pending, { timeout: 10_000 }).toBe(0);
      const states = [];
      for (const r of refs) states.push(await state(r));
      return { states, stats: (await view()).rules[0].stats };
    };
    const first = await run();
    const second = await run();
    expect(second.states).toEqual(first.states);
    expect(first.stats.approve + first.stats.reject + first.stats.abandon).toBe(12);
    expect(first.stats.approve).toBeGreaterThan(0);
    expect(first.stats.reject).toBeGreaterThan(0);
    expect(first.stats.abandon).toBeGreaterThan(0);
    const count = (s: string) => first.states.filter((x) => x === s).length;
    expect(count('AUTHORIZED')).toBe(first.stats.approve);
    expect(count('ABORTED')).toBe(first.stats.reject);
    expect(count('CREATED')).toBe(first.stats.abandon);
  });

  it('a rule for one MSN wins over the rule for all; a payment on the landing page waits for its user', async () => {
    await crowd({ reject: 1, thinkSeconds: { min: 0, max: 0 } });
    await crowd({ msn: '123456', approve: 1, thinkSeconds: { min: 0, max: 0 } });
    const reference = await push();
    await expect.poll(() => state(reference), { timeout: 10_000 }).toBe('AUTHORIZED');
    const web = `crowd-web-${Date.now().toString(36)}`;
    await api.create(webRedirect(web));
    // On its landing page the payment has reached nobody: nothing is pending for it.
    expect(await api.started.platform.crowd.runDue()).toBe(0);
    expect((await view()).rules.map((r: any) => r.stats.pending)).toEqual([0, 0]);
    expect(await state(web)).toBe('CREATED');
    const token = new URL((await api.get(web)).body.redirectUrl).searchParams.get('token');
    const confirmed = await api.call('POST', `/app/api/landing/${token}/confirm`, {
      body: { phoneNumber: '4712345678' },
    });
    expect(confirmed.status).toBe(200);
    await expect.poll(() => state(web), { timeout: 10_000 }).toBe('AUTHORIZED');
  });

  it('counts what the platform refuses: pay later on a payment that is not long-living', async () => {
    await api.call('DELETE', '/betal/crowd');
    await crowd({ msn: '123456', payLater: 1, thinkSeconds: { min: 0, max: 0 } });
    const reference = await push();
    await expect.poll(async () => (await view()).rules[0].stats.failed, { timeout: 10_000 }).toBe(1);
    expect((await view()).rules[0].stats.lastError).toContain(`payLater ${reference}`);
    expect(await state(reference)).toBe('CREATED');
  });

  it('forgets pending actions at a reset, and keeps the rules', async () => {
    await crowd({ msn: '123456', approve: 1, thinkSeconds: { min: 60, max: 60 } });
    await push();
    expect((await view()).rules.find((r: any) => r.msn === '123456').stats.pending).toBe(1);
    await api.started.reset();
    api.started.clock.advance(60_000);
    expect(await api.started.platform.crowd.runDue()).toBe(0);
    expect((await view()).rules.find((r: any) => r.msn === '123456').stats).toMatchObject({
      pending: 0,
      failed: 0,
    });
  });

  it('refuses a bad rule with 400 naming the field', async () => {
    const none = await crowd({ approve: 0 });
    expect(none.status).toBe(400);
    expect(JSON.stringify(none.body)).toContain('Give at least one share above 0.');
    const think = await crowd({ approve: 1, thinkSeconds: { min: 10, max: 5 } });
    expect(think.status).toBe(400);
    expect(JSON.stringify(think.body)).toContain('thinkSeconds');
    expect((await crowd({ approve: -1 })).status).toBe(400);
    expect((await crowd({ approve: 1, msn: '999999' })).status).toBe(400);
    expect((await crowd({ approve: 1, colour: 'red' })).status).toBe(400);
    expect((await api.call('DELETE', '/betal/crowd')).status).toBe(204);
    expect(await view()).toEqual({ rules: [] });
  });
});
