import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usePlatform } from '../../platform/test/support/harness.js';
import { formatDuration, parseDuration } from '../src/commands/duration.js';
import { resolveGlobalOptions } from '../src/commands/options.js';
import { run } from '../src/commands/run.js';
import { formatFields, formatTable } from '../src/commands/table.js';
import { betalAt, CLI as cli, CLI_BUILT as built } from './support.js';

if (!built) console.warn(`spawned betal verb tests skipped: ${cli} is missing (run npm run build first)`);

const MSN = '123456';
const KARI = '4712345678';

const betal = betalAt;

describe('parseDuration', () => {
  it('reads seconds, minutes, hours, days, weeks and their sums', () => {
    expect(parseDuration('90s')).toBe(90);
    expect(parseDuration('10m')).toBe(600);
    expect(parseDuration('2h')).toBe(7200);
    expect(parseDuration('2d')).toBe(172_800);
    expect(parseDuration('1w')).toBe(604_800);
    expect(parseDuration('1h30m')).toBe(5400);
    expect(parseDuration('1.5h')).toBe(5400);
    expect(parseDuration('600')).toBe(600);
    expect(parseDuration(' 10M ')).toBe(600);
  });

  it('refuses what is not a duration', () => {
    for (const bad of ['', 'm', '-5m', '10x', '10 m', '1h-30m', 'ten minutes', '5mm']) {
      expect(parseDuration(bad), bad).toBeUndefined();
    }
  });

  it('shows seconds the short way', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(90)).toBe('1m30s');
    expect(formatDuration(172_800)).toBe('2d');
    expect(formatDuration(5400)).toBe('1h30m');
  });
});

describe('formatTable and formatFields', () => {
  it('pads columns to the widest cell, two spaces apart, without trailing spaces', () => {
    expect(
      formatTable(
        ['A', 'LONG'],
        [
          ['xyz', 1],
          [null, 'b'],
        ],
      ),
    ).toBe('A    LONG\nxyz  1\n-    b');
  });

  it('aligns names and leaves out undefined values', () => {
    expect(
      formatFields([
        ['state', 'CREATED'],
        ['x', undefined],
        ['reference', 'r'],
      ]),
    ).toBe('state      CREATED\nreference  r');
  });
});

describe('global options', () => {
  it('take the flag, else the environment, else the dev sales unit of the MSN', () => {
    expect(resolveGlobalOptions({}, {})).toEqual({
      url: 'http://127.0.0.1:8080',
      msn: '123456',
      clientId: 'dev-client-id',
      clientSecret: 'dev-client-secret',
      subscriptionKey: 'dev-subscription-key',
      adminToken: undefined,
      json: false,
    });
    const env = { BETAL_URL: 'http://h:1/', VIPPS_CLIENT_ID: 'env-id', BETAL_ADMIN_TOKEN: 't' };
    const o = resolveGlobalOptions({ msn: '654321', clientId: 'flag-id', json: true }, env);
    expect(o).toMatchObject({
      url: 'http://h:1',
      msn: '654321',
      clientId: 'flag-id',
      adminToken: 't',
      json: true,
    });
    expect(o.subscriptionKey).toBe('dev2-subscription-key');
    expect(resolveGlobalOptions({}, env).clientId).toBe('env-id');
  });
});

describe('betal verbs against a running platform', () => {
  const started = usePlatform({ frozenAt: Date.UTC(2026, 0, 1, 12) });
  let url: string;
  let receiver: Server;
  let received = 0;

  const stored = async (reference: string) => {
    const p = await started.platform.store.findPayment(MSN, reference);
    if (!p) throw new Error(`no payment ${reference}`);
    return p;
  };

  beforeAll(async () => {
    url = started.url;
    receiver = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        received += 1;
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => receiver?.close(resolve));
  });

  it('merchants list: the dev sales units as a table, and as JSON', async () => {
    const table = await betal(url, ['merchants', 'list']);
    expect(table.code).toBe(0);
    expect(table.out.split('\n')[0]).toMatch(/^MSN\s+NAME\s+MARKET\s+CURRENCY\s+CLIENT ID/);
    expect(table.out).toContain('dev-subscription-key');
    const json = await betal(url, ['merchants', 'list', '--json']);
    expect(json.json().merchants.map((m: { msn: string }) => m.msn)).toEqual(['123456', '654321']);
  });

  it('merchants create makes a sandbox whose credentials get a token; merchants delete takes it away', async () => {
    const made = await betal(url, [
      'merchants',
      'create',
      '--name',
      'Suite Shop',
      '--market',
      'DK',
      '--push-message',
      '--no-partial-capture',
      '--json',
    ]);
    expect(made.code, made.err).toBe(0);
    const unit = made.json() as {
      msn: string;
      currency: string;
      clientId: string;
      clientSecret: string;
      subscriptionKeys: string[];
      capabilities: Record<string, boolean>;
    };
    expect(unit.currency).toBe('DKK');
    expect(unit.capabilities).toMatchObject({ pushMessage: true, fullCaptureOnly: true, longLiving: false });
    const token = await fetch(`${url}/accesstoken/get`, {
      method: 'POST',
      headers: {
        client_id: unit.clientId,
        client_secret: unit.clientSecret,
        'Ocp-Apim-Subscription-Key': unit.subscriptionKeys[0]!,
        'Merchant-Serial-Number': unit.msn,
      },
    });
    expect(token.status).toBe(200);

    const deleted = await betal(url, ['merchants', 'delete', unit.msn]);
    expect(deleted.code, deleted.err).toBe(0);
    expect((await betal(url, ['merchants', 'list'])).out).not.toContain(unit.msn);
    const again = await betal(url, ['merchants', 'delete', unit.msn]);
    expect(again.code).toBe(1);
    expect(again.err).toContain('404');
    const bad = await betal(url, ['merchants', 'create', '--name', 'X', '--market', 'US']);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('market');
  });

  it('trigger walks a new payment to each event, and the platform agrees', async () => {
    const expected: Record<string, { state: string; last: string }> = {
      created: { state: 'CREATED', last: 'CREATED' },
      authorized: { state: 'AUTHORIZED', last: 'AUTHORIZED' },
      captured: { state: 'AUTHORIZED', last: 'CAPTURED' },
      refunded: { state: 'AUTHORIZED', last: 'REFUNDED' },
      cancelled: { state: 'AUTHORIZED', last: 'CANCELLED' },
      aborted: { state: 'ABORTED', last: 'ABORTED' },
      expired: { state: 'EXPIRED', last: 'EXPIRED' },
    };
    for (const [event, want] of Object.entries(expected)) {
      const r = await betal(url, ['trigger', event, '--json']);
      expect(r.code, `${event}: ${r.err}`).toBe(0);
      const doc = r.json();
      expect(doc.event).toBe(event);
      expect(doc.reference).toMatch(/^betal-[0-9a-f]{12}$/);
      expect(doc.payment.state).toBe(want.state);
      expect(doc.events.at(-1).name).toBe(want.last);
      const p = await stored(doc.reference);
      expect(p.state).toBe(want.state);
      if (event === 'refunded') expect(p.aggregate).toMatchObject({ captured: 10000, refunded: 10000 });
      if (event === 'cancelled') expect(p.aggregate.cancelled).toBe(10000);
    }
  });

  it('trigger pays in the currency of the sales unit named by --msn', async () => {
    const r = await betal(url, ['trigger', 'authorized', '--msn', '654321', '--amount', '2500', '--json']);
    expect(r.code, r.err).toBe(0);
    expect(r.json().payment.amount).toEqual({ currency: 'DKK', value: 2500 });
    expect((await started.platform.store.findPayment('654321', r.json().reference))?.state).toBe(
      'AUTHORIZED',
    );
  });

  it('refuses a --url that is not an http(s) URL with exit status 2', async () => {
    let err = '';
    const code = await run(['clock', '--url', 'localhost:8080'], {
      out: () => undefined,
      err: (s) => void (err += s),
      env: {},
      setExitCode: () => undefined,
    });
    expect(code).toBe(2);
    expect(err).toContain("--url must be the platform's http(s) URL");
  });

  it('trigger refuses an unknown event with exit status 2', async () => {
    const r = await betal(url, ['trigger', 'teleported']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('the event must be one of created, authorized');
  });

  it('approve, capture part, refund part, and payments get show the same payment', async () => {
    const created = (await betal(url, ['trigger', 'created', '--json', '--amount', '5000'])).json();
    const ref = created.reference as string;
    const approved = await betal(url, ['approve', ref, '--phone', '4791234567', '--json']);
    expect(approved.code, approved.err).toBe(0);
    expect(approved.json().payment.state).toBe('AUTHORIZED');
    expect((await stored(ref)).authorizedBy).toBe('4791234567');

    expect((await betal(url, ['capture', ref, '--amount', '2000'])).code).toBe(0);
    expect((await betal(url, ['capture', ref])).code).toBe(0); // the rest: 3000
    expect((await betal(url, ['refund', ref, '--amount', '1500'])).code).toBe(0);
    expect((await stored(ref)).aggregate).toMatchObject({ captured: 5000, refunded: 1500 });

    const shown = await betal(url, ['payments', 'get', ref]);
    expect(shown.code).toBe(0);
    expect(shown.out).toMatch(/^reference\s+betal-/);
    expect(shown.out).toMatch(/captured\s+50\.00 NOK/);
    expect(shown.out).toMatch(/TIME\s+EVENT\s+AMOUNT\s+SUCCESS\s+PSP REFERENCE/);
    const json = (await betal(url, ['payments', 'get', ref, '--json'])).json();
    expect(json.events.map((e: { name: string }) => e.name)).toEqual([
      'CREATED',
      'AUTHORIZED',
      'CAPTURED',
      'CAPTURED',
      'REFUNDED',
    ]);
  });

  it('cancel cancels a created payment', async () => {
    const ref = (await betal(url, ['trigger', 'created', '--json'])).json().reference as string;
    const r = await betal(url, ['cancel', ref, '--json']);
    expect(r.code, r.err).toBe(0);
    expect((await stored(ref)).state).toBe('TERMINATED');
  });

  it('reject finds the request in the customer’s app by reference, or confirms the landing page for --phone', async () => {
    const ref = (await betal(url, ['trigger', 'created', '--json'])).json().reference as string;
    const noPhone = await betal(url, ['reject', ref]);
    expect(noPhone.code).toBe(1);
    expect(noPhone.err).toContain('is on its landing page, in no app yet: give --phone');
    expect((await stored(ref)).state).toBe('CREATED');
    const r = await betal(url, ['reject', ref, '--phone', KARI, '--json']);
    expect(r.code, r.err).toBe(0);
    expect(r.json().rejectedBy).toBe(KARI);
    expect(r.json().payment.state).toBe('ABORTED');
    expect((await stored(ref)).state).toBe('ABORTED');
    // Now in Kari's app: found without --phone.
    const ref2 = (await betal(url, ['trigger', 'created', '--json'])).json().reference as string;
    const token = new URL((await stored(ref2)).redirectUrl as string).searchParams.get('token');
    await fetch(`${url}/app/api/landing/${token}/confirm`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ phoneNumber: KARI }),
    });
    const r2 = await betal(url, ['reject', ref2, '--json']);
    expect(r2.code, r2.err).toBe(0);
    expect(r2.json().rejectedBy).toBe(KARI);
    expect((await stored(ref2)).state).toBe('ABORTED');
  });

  it('a Problem is one line with its title, detail and code, exit status 1, and {"error"} with --json', async () => {
    const ref = (await betal(url, ['trigger', 'created', '--json'])).json().reference as string;
    const r = await betal(url, ['capture', ref, '--amount', '100']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /^betal capture: POST \/epayment\/v1\/payments\/betal-\w+\/capture answered 400: .+\(code \d+\)\n$/,
    );
    expect(r.err).not.toMatch(/\n\s+at /);
    const j = await betal(url, ['payments', 'get', 'no-such-payment', '--json']);
    expect(j.code).toBe(1);
    expect(j.json().error).toMatchObject({ status: 404, code: '5090' });
  });

  it('an amount that is not whole minor units is refused with exit status 2', async () => {
    const r = await betal(url, ['capture', 'x', '--amount', '12.50']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--amount must be a whole number of minor units');
  });

  it('clock shows the platform clock and clock advance moves it', async () => {
    const before = (await betal(url, ['clock', '--json'])).json();
    expect(before.frozen).toBe(true);
    const moved = await betal(url, ['clock', 'advance', '2d', '--json']);
    expect(moved.code, moved.err).toBe(0);
    expect(Date.parse(moved.json().now) - Date.parse(before.now)).toBe(2 * 86_400_000);
    expect(started.clock.now()).toBe(Date.parse(moved.json().now));
    const text = await betal(url, ['clock']);
    expect(text.out).toMatch(/^now\s+20\d\d-/);
    const bad = await betal(url, ['clock', 'advance', 'soon']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('the duration must be like 90s');
  });

  it('webhooks list, tail and resend', async () => {
    const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    const token = await accessToken(url);
    const reg = await fetch(`${url}/webhooks/v1/webhooks`, {
      method: 'POST',
      headers: { ...unitHeaders, Authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: hookUrl, events: ['epayments.payment.authorized.v1'] }),
    });
    expect(reg.status).toBe(201);

    const list = await betal(url, ['webhooks', 'list', '--json']);
    expect(list.json().webhooks).toEqual([
      expect.objectContaining({ url: hookUrl, events: ['epayments.payment.authorized.v1'] }),
    ]);
    expect((await betal(url, ['webhooks', 'list'])).out).toMatch(/^ID\s+URL\s+EVENTS\n/);

    // tail prints what happens after it starts: the AUTHORIZED delivery of a payment authorized meanwhile.
    const stop = new AbortController();
    const timer = setTimeout(() => stop.abort(), 15_000);
    const tailing = betal(url, ['webhooks', 'tail', '--json', '--count', '1', '--interval', '0.1s'], {
      signal: stop.signal,
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const ref = (await betal(url, ['trigger', 'authorized', '--json'])).json().reference as string;
    const tailed = await tailing;
    clearTimeout(timer);
    expect(tailed.code, tailed.err).toBe(0);
    const lines = tailed.out.trim().split('\n');
    expect(lines).toHaveLength(1);
    const delivery = JSON.parse(lines[0] as string);
    expect(delivery).toMatchObject({ eventType: 'epayments.payment.authorized.v1', reference: ref });

    const textTail = await betal(url, ['webhooks', 'tail', '--all', '--count', '1', '--interval', '0.1s']);
    const [header, first] = textTail.out.split('\n');
    expect(header).toMatch(/^TIME\s+DELIVERY\s+EVENT\s+REFERENCE\s+STATUS\s+ATTEMPTS\s+LAST ANSWER$/);
    expect(first).toContain(delivery.id);
    expect(first).toMatch(/epayments\.payment\.authorized\.v1\s+betal-\w+\s+delivered\s+1\s+HTTP 200/);

    const before = received;
    const resent = await betal(url, ['webhooks', 'resend', delivery.id, '--json']);
    expect(resent.code, resent.err).toBe(0);
    expect(resent.json().attempts.at(-1)).toMatchObject({ manual: true, statusCode: 200 });
    expect(received).toBeGreaterThan(before);
    const text = await betal(url, ['webhooks', 'resend', delivery.id]);
    expect(text.out).toMatch(/ATTEMPT\s+AT\s+STATUS\s+LATENCY/);
    const missing = await betal(url, ['webhooks', 'resend', '999999']);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('answered 404');
  });

  it('every verb has --help with an example', async () => {
    for (const verb of [
      ['payments', 'get'],
      ['approve'],
      ['reject'],
      ['capture'],
      ['refund'],
      ['cancel'],
      ['trigger'],
      ['clock', 'show'],
      ['clock', 'advance'],
      ['webhooks', 'list'],
      ['webhooks', 'tail'],
      ['webhooks', 'resend'],
      ['merchants', 'list'],
      ['merchants', 'create'],
      ['merchants', 'delete'],
      ['payments', 'list'],
      ['listen'],
      ['reset'],
      ['snapshot', 'save'],
      ['snapshot', 'restore'],
      ['snapshot', 'list'],
      ['snapshot', 'delete'],
      ['faults', 'add'],
      ['faults', 'list'],
      ['faults', 'clear'],
      ['check', 'webhooks'],
      ['crowd', 'show'],
      ['crowd', 'set'],
      ['crowd', 'clear'],
      ['load'],
    ]) {
      const r = await betal(url, [...verb, '--help']);
      expect(r.code, verb.join(' ')).toBe(0);
      expect(r.out, verb.join(' ')).toMatch(new RegExp(`Example:\\n  betal ${verb[0]}`));
      expect(r.out).toContain('--admin-token');
    }
  });

  describe.skipIf(!built)('the built CLI', () => {
    it('trigger authorized --json prints one JSON document; BETAL_URL names the platform', async () => {
      const r = await spawnCli(['trigger', 'authorized', '--json'], { BETAL_URL: url });
      expect(r.code, r.stderr).toBe(0);
      const doc = JSON.parse(r.stdout);
      expect(doc.payment.state).toBe('AUTHORIZED');
      expect((await stored(doc.reference)).state).toBe('AUTHORIZED');
    });

    it('says that no platform is running, exit status 1, no stack trace', async () => {
      const port = await freePort();
      const r = await spawnCli(['payments', 'get', 'x', '--url', `http://127.0.0.1:${port}`], {});
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(
        `betal payments get: No Betal platform at http://127.0.0.1:${port}: start one with \`npx betal start\`\n`,
      );
      expect(r.stdout).toBe('');
    });
  });
});

describe('outside dev mode', () => {
  const started = usePlatform({ config: { devMode: false, adminToken: 'team-secret' } });

  it('the admin endpoints need --admin-token (or BETAL_ADMIN_TOKEN); force approve says 10020', async () => {
    const without = await betal(started.url, ['webhooks', 'resend', '1']);
    expect(without.code).toBe(1);
    expect(without.err).toContain('answered 401');
    const withToken = await betal(started.url, ['webhooks', 'resend', '1', '--admin-token', 'team-secret']);
    expect(withToken.err).toContain('answered 404');
    const fromEnv = await betal(started.url, ['webhooks', 'resend', '1'], {
      env: { BETAL_ADMIN_TOKEN: 'team-secret' },
    });
    expect(fromEnv.err).toContain('answered 404');
    const advance = await betal(started.url, ['clock', 'advance', '10m']);
    expect(advance.code).toBe(1);
    expect(advance.err).toContain('answered 403');
  });
});

const unitHeaders = {
  'Ocp-Apim-Subscription-Key': 'dev-subscription-key',
  'Merchant-Serial-Number': MSN,
};

async function accessToken(url: string): Promise<string> {
  const res = await fetch(`${url}/accesstoken/get`, {
    method: 'POST',
    headers: { ...unitHeaders, client_id: 'dev-client-id', client_secret: 'dev-client-secret' },
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function spawnCli(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], {
      env: { ...process.env, BETAL_URL: '', BETAL_ADMIN_TOKEN: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
