import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { usePlatform } from '../../platform/test/support/harness.js';
import { betalAt } from './support.js';

const T0 = Date.UTC(2026, 0, 1, 12);

const betal = (url: string, args: string[], env: NodeJS.ProcessEnv = {}) => betalAt(url, args, { env });

describe('betal payments list', () => {
  const started = usePlatform({ frozenAt: T0 });
  let url: string;
  const made: string[] = [];
  beforeAll(async () => {
    url = started.url;
    for (const [event, msn] of [
      ['authorized', '123456'],
      ['created', '654321'],
      ['created', '123456'],
    ] as const) {
      const r = await betal(url, ['trigger', event, '--msn', msn, '--json']);
      expect(r.code, r.err).toBe(0);
      made.push(r.json().reference);
      started.clock.advance(60_000);
    }
  });

  it('prints every sales unit’s payments newest first as a table', async () => {
    const r = await betal(url, ['payments', 'list']);
    expect(r.code, r.err).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines[0]).toMatch(/^CREATED\s+MSN\s+REFERENCE\s+STATE\s+AMOUNT\s+CAPTURED\s+REFUNDED\s+FLOW$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/)[2])).toEqual([...made].reverse());
    expect(lines[3]).toMatch(/123456\s+betal-[0-9a-f]+\s+AUTHORIZED\s+100\.00 NOK\s+0\.00 NOK/);
  });

  it('filters by --msn, --state, --reference and --since (a duration before the platform clock)', async () => {
    const mine = await betal(url, ['payments', 'list', '--msn', '123456', '--json']);
    expect(mine.json().payments.map((p: { reference: string }) => p.reference)).toEqual([made[2], made[0]]);
    const env = await betal(url, ['payments', 'list', '--json'], { VIPPS_MSN: '654321' });
    expect(env.json().payments.map((p: { msn: string }) => p.msn)).toEqual(['654321']);
    const all = await betal(url, ['payments', 'list', '--json', '--all-msns'], { VIPPS_MSN: '654321' });
    expect(all.json().payments).toHaveLength(3);
    const authorized = await betal(url, ['payments', 'list', '--state', 'AUTHORIZED', '--json']);
    expect(authorized.json().payments.map((p: { reference: string }) => p.reference)).toEqual([made[0]]);
    // The platform clock is at T0 + 3m: "--since 150s" is T0 + 30s, after the first payment.
    const recent = await betal(url, ['payments', 'list', '--since', '150s', '--json']);
    expect(recent.json().payments.map((p: { reference: string }) => p.reference)).toEqual([made[2], made[1]]);
    const before = await betal(url, [
      'payments',
      'list',
      '--until',
      new Date(T0 + 30_000).toISOString(),
      '--json',
    ]);
    expect(before.json().payments.map((p: { reference: string }) => p.reference)).toEqual([made[0]]);
    const none = await betal(url, ['payments', 'list', '--reference', 'nobody-']);
    expect(none.out).toBe('No payments.\n');
  });

  it('pages with --limit and --cursor, and says how to get more', async () => {
    const first = await betal(url, ['payments', 'list', '--limit', '2']);
    const cursor = /More: add --cursor (\S+)/.exec(first.out)?.[1];
    expect(cursor).toBeDefined();
    const second = await betal(url, ['payments', 'list', '--limit', '2', '--cursor', cursor!, '--json']);
    expect(second.json()).toMatchObject({ nextCursor: null });
    expect(second.json().payments.map((p: { reference: string }) => p.reference)).toEqual([made[0]]);
  });

  it('refuses bad options with 2, a refused filter with 1, and says when no platform runs', async () => {
    expect((await betal(url, ['payments', 'list', '--limit', '0'])).code).toBe(2);
    expect((await betal(url, ['payments', 'list', '--since', 'yesterday'])).code).toBe(2);
    const state = await betal(url, ['payments', 'list', '--state', 'SHIPPED']);
    expect(state.code).toBe(1);
    expect(state.err).toContain(
      'answered 400: Bad Request: See extraDetails for further details: state: Must be of',
    );
    const gone = createServer();
    await new Promise<void>((resolve) => gone.listen(0, '127.0.0.1', resolve));
    const goneUrl = `http://127.0.0.1:${(gone.address() as AddressInfo).port}`;
    await new Promise((resolve) => gone.close(resolve));
    const down = await betal(goneUrl, ['payments', 'list']);
    expect(down.code).toBe(1);
    expect(down.err).toBe(
      `betal payments list: No Betal platform at ${goneUrl}: start one with \`npx betal start\`\n`,
    );
    const help = await betal(url, ['payments', 'list', '--help']);
    expect(help.out).toContain('betal payments list --msn 123456 --state AUTHORIZED --since 1h');
  });
});
