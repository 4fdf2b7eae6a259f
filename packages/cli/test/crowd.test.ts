import { describe, expect, it } from 'vitest';
import { usePlatform } from '../../platform/test/support/harness.js';
import { parseThink } from '../src/commands/crowd.js';
import { betalAt } from './support.js';

const betal = betalAt;

describe('betal crowd', () => {
  const started = usePlatform({ frozenAt: Date.UTC(2026, 0, 1, 12) });

  it('reads think ranges', () => {
    expect(parseThink('3s-20s')).toEqual({ min: 3, max: 20 });
    expect(parseThink('10s')).toEqual({ min: 10, max: 10 });
    expect(parseThink('1m-5m')).toEqual({ min: 60, max: 300 });
    expect(() => parseThink('20s-3s')).toThrow('--think must be a range like 3s-20s');
  });

  it('set, show and clear; a payment that reaches a test user is approved after the think time', async () => {
    const set = await betal(started.url, [
      'crowd',
      'set',
      '--approve',
      '100%',
      '--think',
      '30s',
      '--seed',
      '1',
    ]);
    expect(set.code, set.err).toBe(0);
    expect(set.out).toMatch(/^MSN\s+APPROVE\s+REJECT\s+ABANDON\s+PAY LATER\s+THINK\s+SEED/);
    expect(set.out).toMatch(/123456\s+100%\s+0%\s+0%\s+0%\s+30-30s\s+1/);

    const created = (await betal(started.url, ['trigger', 'created', '--json'])).json();
    const token = new URL(created.payment.redirectUrl).searchParams.get('token');
    const confirm = await fetch(`${started.url}/app/api/landing/${token}/confirm`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ phoneNumber: '4712345678' }),
    });
    expect(confirm.status).toBe(200);
    expect((await betal(started.url, ['clock', 'advance', '30s'])).code).toBe(0);
    await started.platform.crowd.runDue(); // or the crowd's own timer did it already
    const got = await betal(started.url, ['payments', 'get', created.reference, '--json']);
    expect(got.json().payment.state).toBe('AUTHORIZED');

    const shown = await betal(started.url, ['crowd', '--json']);
    expect(shown.json().rules[0]).toMatchObject({ msn: '123456', stats: { reached: 1, approve: 1 } });
    const all = await betal(started.url, [
      'crowd',
      'set',
      '--all-msns',
      '--approve',
      '9',
      '--reject',
      '1',
      '--json',
    ]);
    expect(all.json()).toMatchObject({
      msn: null,
      shares: { approve: 0.9, reject: 0.1 },
      thinkSeconds: { min: 3, max: 20 },
    });
    const cleared = await betal(started.url, ['crowd', 'clear']);
    expect(cleared.out).toMatch(/^MSN.*\nall\s+90%\s+10%/);
    expect((await betal(started.url, ['crowd', 'clear', '--all-msns'])).out).toContain('No crowd');
  });

  it('refuses bad options with 2 and a rule the platform refuses with 1', async () => {
    expect((await betal(started.url, ['crowd', 'set'])).code).toBe(2);
    expect((await betal(started.url, ['crowd', 'set', '--approve', 'lots'])).code).toBe(2);
    expect((await betal(started.url, ['crowd', 'set', '--approve', '1', '--think', 'soon'])).code).toBe(2);
    const refused = await betal(started.url, ['crowd', 'set', '--approve', '1', '--msn', '999999']);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('No sales unit has MSN 999999');
    const help = await betal(started.url, ['crowd', 'set', '--help']);
    expect(help.out).toContain('betal crowd set --approve 90 --reject 5 --abandon 5 --think 3s-20s');
  });
});
