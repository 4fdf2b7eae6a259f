import { startMerchant, type StartedMerchant } from '@betal/merchant';
import { startPlatform, type StartedPlatform } from '@betal/platform';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadText, parseFlows, type LoadReport } from '../src/commands/load.js';
import { betalInProcess } from './support.js';

const betal = betalInProcess;

/** Every payment of MSN 123456 the platform has, counted by state (GET /betal/payments, all pages). */
async function platformStates(url: string): Promise<{ total: number; byState: Record<string, number> }> {
  const byState: Record<string, number> = {};
  let total = 0;
  let cursor: string | null = null;
  do {
    const query: string = `msn=123456&limit=100${cursor ? `&cursor=${cursor}` : ''}`;
    const page = (await (await fetch(`${url}/betal/payments?${query}`)).json()) as {
      payments: Array<{ state: string }>;
      nextCursor: string | null;
    };
    for (const p of page.payments) {
      total += 1;
      byState[p.state] = (byState[p.state] ?? 0) + 1;
    }
    cursor = page.nextCursor;
  } while (cursor);
  return { total, byState };
}

/** A URL on 127.0.0.1 where nothing listens: a port the system gave and took back. */
async function closedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

describe('betal load', () => {
  let platform: StartedPlatform;
  let merchant: StartedMerchant;
  beforeAll(async () => {
    platform = await startPlatform({ frozenAt: Date.UTC(2026, 4, 17, 12) });
    merchant = await startMerchant(platform.url, { now: () => platform.platform.clock.now() });
  });
  afterAll(async () => {
    await merchant?.close();
    await platform?.close();
  });

  it('reads flows with shares', () => {
    expect(parseFlows('push:2,link,shop:0')).toEqual([
      { flow: 'push', share: 2 },
      { flow: 'link', share: 1 },
      { flow: 'shop', share: 0 },
    ]);
    expect(() => parseFlows('push,refund')).toThrow('no flow refund');
    expect(() => parseFlows('push:0')).toThrow('at least one flow');
  });

  it('drives 20 flows a second for 1 s, and the platform has a payment for every answered flow, approved by the crowd', async () => {
    const crowd = await betal([
      'crowd',
      'set',
      '--approve',
      '100',
      '--think',
      '5s-20s',
      '--url',
      platform.url,
    ]);
    expect(crowd.code, crowd.err).toBe(0);
    const before = await platformStates(platform.url);

    const load = await betal([
      'load',
      ...['--rate', '20', '--duration', '1s', '--flows', 'push:2,link,shop'],
      ...['--merchant', merchant.url, '--url', platform.url, '--advance', '1m', '--settle', '20s', '--json'],
    ]);
    expect(load.code, load.err).toBe(0);
    const report = load.json() as LoadReport;
    expect(report.total).toMatchObject({ scheduled: 20, sent: 20, skipped: 0, answered: 20, errors: {} });
    expect(report.flows.map((f) => [f.flow, f.scheduled, f.answered])).toEqual([
      ['push', 10, 10],
      ['link', 5, 5],
      ['shop', 5, 5],
    ]);
    expect(report.total.latencyMs!.p50).toBeGreaterThan(0);
    expect(report.total.latencyMs!.max).toBeGreaterThanOrEqual(report.total.latencyMs!.p99);
    expect(report.rate.target).toBe(20);
    // Every answered flow made one payment, and the crowd approved each once the clock moved past the think time.
    expect(report.payments).toMatchObject({ total: 20, byState: { AUTHORIZED: 20 }, advancedSeconds: 60 });

    // The report matches what the platform has.
    const after = await platformStates(platform.url);
    expect(after.total - before.total).toBe(report.total.answered);
    expect((after.byState.AUTHORIZED ?? 0) - (before.byState.AUTHORIZED ?? 0)).toBe(20);
    const shown = (await betal(['crowd', '--json', '--url', platform.url])).json();
    expect(shown.rules[0].stats).toMatchObject({ reached: 20, approve: 20, failed: 0 });
    expect(loadText(report)).toMatch(/^all\s+20\s+20\s+0\s+20\s+0\s/m);
  });

  it('counts flows skipped over --max-in-flight, and the payments left CREATED without a crowd', async () => {
    expect((await betal(['crowd', 'clear', '--all-msns', '--url', platform.url])).code).toBe(0);
    const load = await betal([
      'load',
      ...['--rate', '10000', '--duration', '0.001s', '--flows', 'link', '--max-in-flight', '1'],
      ...['--merchant', merchant.url, '--url', platform.url, '--json'],
    ]);
    expect(load.code, load.err).toBe(0);
    const report = load.json() as LoadReport;
    expect(report.total.scheduled).toBe(10);
    expect(report.total.sent + report.total.skipped).toBe(10);
    expect(report.total.skipped).toBeGreaterThan(0);
    expect(report.total.answered).toBe(report.total.sent);
    expect(report.payments).toMatchObject({
      total: report.total.sent,
      byState: { CREATED: report.total.sent },
    });
  });

  it('says clearly when the merchant or the platform is not running, and refuses bad options', async () => {
    const nobody = await closedUrl();
    const noMerchant = await betal(['load', '--merchant', nobody, '--url', platform.url]);
    expect(noMerchant.code).toBe(1);
    expect(noMerchant.err).toContain(`betal load: No reference merchant at ${nobody} (ECONNREFUSED)`);
    expect(noMerchant.err).toContain('npx betal dev');
    const noPlatform = await betal(['load', '--merchant', merchant.url, '--url', nobody]);
    expect(noPlatform.code).toBe(1);
    expect(noPlatform.err).toContain(`No Betal platform at ${nobody}`);
    expect((await betal(['load', '--rate', 'fast'])).code).toBe(2);
    expect((await betal(['load', '--duration', 'forever'])).code).toBe(2);
    expect((await betal(['load', '--flows', 'refund'])).code).toBe(2);
    const help = await betal(['load', '--help']);
    expect(help.out).toMatch(/Example:\n {2}betal load --rate 140 --duration 30s/);
    expect(help.out).toContain('--max-in-flight');
    expect((await betal(['load', '--timeout', '0s'])).code).toBe(2);
  });
});
