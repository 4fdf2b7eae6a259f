import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook } from '@betal/client';
import { afterEach, describe, expect, it } from 'vitest';
import {
  checkWebhookReceiver,
  startPlatform,
  WEBHOOK_CHECK_CASES,
  type WebhookCheckReport,
} from '../../src/internal-entry.js';
import { usePlatform } from '../support/harness.js';

const SECRET = 'check-secret-0123456789';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse, url: string) => void;

/** A receiver on 127.0.0.1:0 that hands each request (with its raw body) to `handler`; answers its URL. */
async function receiver(handler: Handler): Promise<{ url: string; server: Server; seen: string[] }> {
  const seen: string[] = [];
  let url = '';
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push(`${req.headers.host} ${body}`);
      handler(req, body, res, url);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/vipps?shop=1`;
  return { url, server, seen };
}

/** What a receiver should do: verify against its registered authority, dedupe, acknowledge the unknown. */
const correct: Handler = (req, body, res, url) => {
  const verdict = verifyWebhook(
    {
      method: req.method ?? 'POST',
      pathAndQuery: req.url ?? '/',
      host: new URL(url).host,
      headers: req.headers,
      body,
    },
    SECRET,
  );
  res.writeHead(verdict.ok ? 200 : 401).end();
};

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((resolve) => s.close(resolve));
});

async function check(handler: Handler, extra: { timeoutMs?: number } = {}): Promise<WebhookCheckReport> {
  const r = await receiver(handler);
  servers.push(r.server);
  return checkWebhookReceiver({ url: r.url, secret: SECRET }, extra);
}

const verdicts = (report: WebhookCheckReport) => Object.fromEntries(report.cases.map((c) => [c.id, c.pass]));

describe('the webhook receiver check', () => {
  it('passes a receiver that verifies, is idempotent and acknowledges unknown payments', async () => {
    const report = await check(correct);
    expect(report.cases.map((c) => c.id)).toEqual([...WEBHOOK_CHECK_CASES]);
    expect(report.cases.filter((c) => !c.pass)).toEqual([]);
    expect(report.passed).toBe(true);
    const byId = Object.fromEntries(report.cases.map((c) => [c.id, c]));
    expect(byId.valid!.status).toBe(200);
    expect(byId['bad-signature']!.status).toBe(401);
    expect(byId['out-of-order']!.requests.map((r) => [r.event, r.status])).toEqual([
      ['REFUNDED', 200],
      ['CAPTURED', 200],
    ]);
    for (const c of report.cases) expect(c.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('signs as the platform: the valid case verifies with the client, with the URL path+query', async () => {
    const seen: Array<{ path: string; ok: boolean }> = [];
    await check((req, body, res, url) => {
      const ok = verifyWebhook(
        { method: 'POST', pathAndQuery: req.url ?? '', host: new URL(url).host, headers: req.headers, body },
        SECRET,
      ).ok;
      seen.push({ path: req.url ?? '', ok });
      res.writeHead(200).end();
    });
    expect(seen[0]).toEqual({ path: '/hooks/vipps?shop=1', ok: true });
    // valid, duplicate, REFUNDED, CAPTURED verify; stale (a valid signature, old date) fails only on its date
    expect(seen.map((s) => s.ok)).toEqual([true, true, true, true, false, false, false, false, true]);
  });

  it('fails a receiver that accepts everything, case by case', async () => {
    const report = await check((_req, _body, res) => res.writeHead(204).end());
    expect(report.passed).toBe(false);
    expect(verdicts(report)).toEqual({
      valid: true,
      duplicate: true,
      'out-of-order': true,
      'stale-date': false,
      'bad-signature': false,
      'tampered-body': false,
      'wrong-host': false,
      'unknown-payment': true,
    });
    const stale = report.cases.find((c) => c.id === 'stale-date')!;
    expect(stale.reason).toContain('does not check x-ms-date');
  });

  it('fails a receiver that trusts the Host header for the signature', async () => {
    const report = await check((req, body, res) => {
      const ok = verifyWebhook({ pathAndQuery: req.url ?? '/', headers: req.headers, body }, SECRET).ok;
      res.writeHead(ok ? 200 : 401).end();
    });
    expect(verdicts(report)['wrong-host']).toBe(false);
    expect(report.cases.filter((c) => !c.pass).map((c) => c.id)).toEqual(['wrong-host']);
  });

  it('refusals must be 4xx: a 500 for a forged delivery or an unknown payment fails', async () => {
    const report = await check((req, body, res, url) => {
      const ok = verifyWebhook(
        { pathAndQuery: req.url ?? '/', host: new URL(url).host, headers: req.headers, body },
        SECRET,
      ).ok;
      if (!ok) return void res.writeHead(500).end();
      res.writeHead(body.includes('betal-check-unknown-') ? 500 : 200).end();
    });
    expect(report.cases.filter((c) => !c.pass).map((c) => c.id)).toEqual([
      'stale-date',
      'bad-signature',
      'tampered-body',
      'wrong-host',
      'unknown-payment',
    ]);
  });

  it('allows a 4xx for an unknown payment, and says what it costs', async () => {
    const report = await check((req, body, res, url) => {
      if (body.includes('betal-check-unknown-')) return void res.writeHead(404).end();
      correct(req, body, res, url);
    });
    const unknown = report.cases.find((c) => c.id === 'unknown-payment')!;
    expect(unknown).toMatchObject({ status: 404, pass: true });
    expect(unknown.reason).toContain('retries it for up to 7 days');
    expect(report.passed).toBe(true);
  });

  it('fails a case whose answer does not come within the time limit', async () => {
    const report = await check(
      (req, body, res, url) => {
        // Never answers the valid event; answers the rest as a correct receiver.
        if (body.includes('"AUTHORIZED"') && !body.includes('unknown')) return;
        correct(req, body, res, url);
      },
      { timeoutMs: 200 },
    );
    const valid = report.cases.find((c) => c.id === 'valid')!;
    expect(valid).toMatchObject({ status: null, pass: false, error: 'no answer within 0.2 s' });
    expect(report.passed).toBe(false);
  });

  it('reports a receiver that is not there as a connection error', async () => {
    const r = await receiver(correct);
    await new Promise((resolve) => r.server.close(resolve));
    const report = await checkWebhookReceiver({ url: r.url, secret: SECRET });
    expect(report.passed).toBe(false);
    expect(report.cases[0]).toMatchObject({ status: null, error: 'ECONNREFUSED', pass: false });
  });
});

describe('POST /betal/check/webhooks', () => {
  const started = usePlatform({ frozenAt: Date.UTC(2026, 0, 1, 12) });

  const post = (body: unknown, base = started.url, headers: Record<string, string> = {}) =>
    fetch(`${base}/betal/check/webhooks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  it('answers the report as JSON, with the events timestamped on the platform clock', async () => {
    const r = await receiver(correct);
    servers.push(r.server);
    const res = await post({ url: r.url, secret: SECRET, msn: '654321', currency: 'DKK' });
    expect(res.status).toBe(200);
    const report = (await res.json()) as WebhookCheckReport;
    expect(report).toMatchObject({ url: r.url, msn: '654321', passed: true });
    expect(report.cases).toHaveLength(WEBHOOK_CHECK_CASES.length);
    const first = JSON.parse(r.seen[0]!.slice(r.seen[0]!.indexOf(' ') + 1));
    expect(first).toMatchObject({
      msn: '654321',
      name: 'AUTHORIZED',
      amount: { currency: 'DKK', value: 1000 },
      timestamp: '2026-01-01T12:00:00.000Z',
    });
  });

  it('refuses a bad body with 400 naming the field', async () => {
    const missing = await post({ url: 'http://127.0.0.1:1/x' });
    expect(missing.status).toBe(400);
    expect(JSON.stringify(await missing.json())).toContain('secret');
    const notUrl = await post({ url: 'not a url', secret: 's' });
    expect(notUrl.status).toBe(400);
    expect(JSON.stringify(await notUrl.json())).toContain('The field url must be an absolute URL.');
    const ftp = await post({ url: 'ftp://example.com/x', secret: 's' });
    expect(ftp.status).toBe(400);
  });

  it('outside dev mode needs the admin token and refuses internal addresses', async () => {
    const prod = await startPlatform({
      config: { devMode: false, adminToken: 'check-admin-token-0123456789', host: '127.0.0.1' },
    });
    try {
      const body = { url: 'http://127.0.0.1:9/hooks', secret: SECRET };
      expect((await post(body, prod.url)).status).toBe(401);
      const refused = await post(body, prod.url, { authorization: 'Bearer check-admin-token-0123456789' });
      expect(refused.status).toBe(400);
      expect(JSON.stringify(await refused.json())).toContain('publicly reachable');
    } finally {
      await prod.close();
    }
  });
});
