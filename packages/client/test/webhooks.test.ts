import { createHash, createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { HAS_CONTRACT, readSigningVector } from '../../platform/test/webhooks/vector.js';
import { parseWebhook, verifyWebhook, WebhookVerificationError } from '../src/index.js';

/** The signing test vector of contract 4.4, read from the digest at run time (the platform's reader). */
function vector() {
  const v = readSigningVector();
  return { ...v, url: new URL(v.url) };
}

describe.skipIf(!HAS_CONTRACT)('verifyWebhook: the test vector of contract 4.4', () => {
  const v = HAS_CONTRACT ? vector() : undefined!;
  const at = () => Date.parse(v.date);
  const request = (overrides: { body?: string; headers?: Record<string, string>; host?: string } = {}) => ({
    pathAndQuery: `${v.url.pathname}${v.url.search}`,
    headers: {
      Host: v.url.host,
      'X-MS-Date': v.date,
      'x-ms-content-sha256': v.contentHash,
      Authorization: `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${v.signature}`,
      ...overrides.headers,
    },
    body: overrides.body ?? v.body,
    ...(overrides.host ? { host: overrides.host } : {}),
  });

  it('accepts the vector, with headers in any case, as a record, as fetch Headers or as bytes', () => {
    expect(verifyWebhook(request(), v.secret, { now: at })).toEqual({ ok: true, date: new Date(at()) });
    const r = request();
    expect(verifyWebhook({ ...r, headers: new Headers(r.headers) }, v.secret, { now: at }).ok).toBe(true);
    expect(verifyWebhook({ ...r, body: Buffer.from(v.body) }, v.secret, { now: at }).ok).toBe(true);
    expect(verifyWebhook(r, ['an old secret', v.secret], { now: at }).ok).toBe(true);
  });

  it('refuses a changed body, a wrong secret, a base64-decoded secret, another host or path', () => {
    const reason = (verdict: ReturnType<typeof verifyWebhook>) => (verdict.ok ? 'ok' : verdict.reason);
    expect(reason(verifyWebhook(request({ body: `${v.body} ` }), v.secret, { now: at }))).toBe(
      'content-hash-mismatch',
    );
    expect(reason(verifyWebhook(request(), `${v.secret}x`, { now: at }))).toBe('signature-mismatch');
    expect(
      reason(verifyWebhook(request(), Buffer.from(v.secret, 'base64').toString('latin1'), { now: at })),
    ).toBe('signature-mismatch');
    expect(reason(verifyWebhook(request({ host: `${v.url.hostname}:8443` }), v.secret, { now: at }))).toBe(
      'signature-mismatch',
    );
    expect(
      reason(verifyWebhook({ ...request(), pathAndQuery: `${v.url.pathname}?x=1` }, v.secret, { now: at })),
    ).toBe('signature-mismatch');
  });

  it('checks the freshness of x-ms-date against the injected clock and tolerance', () => {
    const reason = (now: number, toleranceSeconds?: number) => {
      const verdict = verifyWebhook(request(), v.secret, {
        now: () => now,
        ...(toleranceSeconds !== undefined ? { toleranceSeconds } : {}),
      });
      return verdict.ok ? 'ok' : verdict.reason;
    };
    expect(reason(at() + 300_000)).toBe('ok');
    expect(reason(at() - 300_000)).toBe('ok');
    expect(reason(at() + 300_001)).toBe('stale-date');
    expect(reason(at() - 300_001)).toBe('stale-date');
    expect(reason(at() + 3_600_000, 3600)).toBe('ok');
    expect(reason(at() + 10_000, 5)).toBe('stale-date');
  });

  it('names a missing header and a malformed Authorization', () => {
    for (const name of ['X-MS-Date', 'x-ms-content-sha256', 'Authorization', 'Host']) {
      const r = request();
      delete (r.headers as Record<string, string>)[name];
      const verdict = verifyWebhook(r, v.secret, { now: at });
      expect(verdict.ok ? 'ok' : verdict.reason).toBe('missing-header');
    }
    for (const auth of [
      `Bearer ${v.signature}`,
      `HMAC-SHA256 Signature=${v.signature}`,
      `HMAC-SHA256 SignedHeaders=host;x-ms-date;x-ms-content-sha256&Signature=${v.signature}`,
    ]) {
      const verdict = verifyWebhook(request({ headers: { Authorization: auth } }), v.secret, { now: at });
      expect(verdict.ok ? 'ok' : verdict.reason).toBe('malformed-authorization');
    }
  });

  it('parseWebhook gives the parsed body, or throws WebhookVerificationError with the reason', () => {
    expect(parseWebhook<Record<string, string>>(request(), v.secret, { now: at })).toEqual(
      JSON.parse(v.body),
    );
    expect(() => parseWebhook(request(), 'wrong', { now: at })).toThrowError(WebhookVerificationError);
    try {
      parseWebhook(request(), v.secret, { now: () => at() + 3_600_000 });
      expect.unreachable();
    } catch (error) {
      expect((error as WebhookVerificationError).reason).toBe('stale-date');
    }
  });
});

describe('verifyWebhook behind node:http', () => {
  it('verifies what a node:http server receives: Host with its port, the raw body, the query', async () => {
    const secret = 'a-registration-secret/with+base64=like chars';
    const verdicts: Array<ReturnType<typeof verifyWebhook>> = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const verdict = verifyWebhook(
          {
            method: req.method,
            pathAndQuery: req.url ?? '/',
            headers: req.headers,
            body: Buffer.concat(chunks),
          },
          secret,
        );
        verdicts.push(verdict);
        res.writeHead(verdict.ok ? 200 : 401).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hook?shop=1&x=%C3%B8`);
      const body = JSON.stringify({ msn: '123456', reference: 'order-ø-1', name: 'CAPTURED' });
      // Signed here from the contract's recipe, independently of the platform's signer.
      const date = new Date().toUTCString();
      const hash = createHash('sha256').update(body).digest('base64');
      const message = `POST\n${url.pathname}${url.search}\n${date};${url.host};${hash}`;
      const signature = createHmac('sha256', secret).update(message).digest('base64');
      const send = (sig: string) =>
        fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-ms-date': date,
            'x-ms-content-sha256': hash,
            authorization: `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${sig}`,
          },
          body,
        });
      expect((await send(signature)).status).toBe(200);
      expect((await send(signature.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')))).status).toBe(401);
      expect(verdicts.map((v) => v.ok)).toEqual([true, false]);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
