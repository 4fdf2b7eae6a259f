import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook } from '@betal/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usePlatform } from '../../platform/test/support/harness.js';
import { betalInProcess } from './support.js';

const SECRET = 'cli-check-secret';

const betal = (args: string[], env: NodeJS.ProcessEnv = {}) => betalInProcess(args, { env });

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

async function receiver(handler: Handler): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handler(req, Buffer.concat(chunks).toString('utf8'), res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, server };
}

describe('betal check webhooks', () => {
  let good: { url: string; server: Server };
  let lax: { url: string; server: Server };
  const started = usePlatform();
  beforeAll(async () => {
    good = await receiver((req, body, res) => {
      const host = `127.0.0.1:${(good.server.address() as AddressInfo).port}`;
      const ok = verifyWebhook({ pathAndQuery: req.url ?? '/', host, headers: req.headers, body }, SECRET).ok;
      res.writeHead(ok ? 200 : 401).end();
    });
    lax = await receiver((_req, _body, res) => res.writeHead(200).end());
  });
  afterAll(async () => {
    for (const r of [good, lax]) await new Promise((resolve) => r?.server.close(resolve));
  });

  it('prints a table of the cases and exits 0 when every case passes', async () => {
    const r = await betal(['check', 'webhooks', '--url', good.url, '--secret', SECRET]);
    expect(r.code, r.err).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[0]).toContain(`Webhook receiver check of ${good.url}`);
    expect(lines[2]).toMatch(/^CASE\s+EXPECTED\s+ANSWER\s+TIME\s+RESULT\s+WHY$/);
    expect(r.out).toMatch(/^valid\s+2xx within 10 s\s+200\s+\d+ ms\s+pass/m);
    expect(r.out).toMatch(/^bad-signature\s+4xx\s+401\s+\d+ ms\s+pass/m);
    expect(r.out).toContain('8 of 8 cases passed.');
  });

  it('exits 1 and marks the failed cases when the receiver accepts forged deliveries', async () => {
    const r = await betal(['check', 'webhooks', '--url', lax.url, '--secret', SECRET]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^stale-date\s+4xx \(a replay\)\s+200\s+\d+ ms\s+FAIL/m);
    expect(r.out).toContain('4 of 8 cases passed: the receiver does not meet the webhook rules.');
  });

  it('--json prints the report; the secret may come from VIPPS_WEBHOOK_SECRET', async () => {
    const r = await betal(['check', 'webhooks', '--url', good.url, '--json', '--msn', '654321'], {
      VIPPS_WEBHOOK_SECRET: SECRET,
    });
    expect(r.code, r.err).toBe(0);
    const report = r.json();
    expect(report).toMatchObject({ url: good.url, msn: '654321', passed: true });
    expect(report.cases.map((c: { id: string }) => c.id)).toContain('wrong-host');
  });

  it('--platform sends the suite from a running platform', async () => {
    const r = await betal([
      'check',
      'webhooks',
      '--url',
      lax.url,
      '--secret',
      SECRET,
      '--platform',
      started.url,
      '--json',
    ]);
    expect(r.code).toBe(1);
    expect(r.json().passed).toBe(false);
    expect(r.json().cases.find((c: { id: string }) => c.id === 'valid').pass).toBe(true);
  });

  it('says clearly when the platform is not running, and refuses bad options with 2', async () => {
    const closed = await receiver(() => undefined);
    await new Promise((resolve) => closed.server.close(resolve));
    const platformUrl = new URL(closed.url).origin;
    const down = await betal([
      'check',
      'webhooks',
      '--url',
      good.url,
      '--secret',
      's',
      '--platform',
      platformUrl,
    ]);
    expect(down.code).toBe(1);
    expect(down.err).toBe(
      `betal check webhooks: No Betal platform at ${platformUrl}: start one with \`npx betal start\`\n`,
    );
    const noSecret = await betal(['check', 'webhooks', '--url', good.url]);
    expect(noSecret.code).toBe(2);
    expect(noSecret.err).toContain('--secret is required');
    const badUrl = await betal(['check', 'webhooks', '--url', 'shop:3000', '--secret', 's']);
    expect(badUrl.code).toBe(2);
    const badAmount = await betal([
      'check',
      'webhooks',
      '--url',
      good.url,
      '--secret',
      's',
      '--amount',
      '1.5',
    ]);
    expect(badAmount.code).toBe(2);
    expect(badAmount.err).not.toContain('    at ');
  });

  it('--help shows examples', async () => {
    const r = await betal(['check', 'webhooks', '--help']);
    expect(r.out).toContain('betal check webhooks --url http://127.0.0.1:3000/webhooks/vipps');
    expect(r.out).toContain('Exit status: 0 when every case passed');
  });
});
