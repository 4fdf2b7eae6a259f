import { describe, expect, it } from 'vitest';
import { HAS_CONTRACT, readSigningVector } from '../../platform/test/webhooks/vector.js';
import { httpDate, signWebhook, verifyWebhook } from '../src/index.js';

describe.skipIf(!HAS_CONTRACT)('signWebhook: the test vector of contract 4.4', () => {
  it('gives the content hash, date, host and signature of the vector', () => {
    const v = readSigningVector();
    const signed = signWebhook({ secret: v.secret, url: v.url, body: v.body, date: v.date });
    expect(signed).toEqual({
      'x-ms-date': v.date,
      'x-ms-content-sha256': v.contentHash,
      authorization: `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${v.signature}`,
      host: new URL(v.url).host,
    });
  });

  it('signs bytes as the string they decode to, and a Date as its RFC 1123 text', () => {
    const v = readSigningVector();
    const fromBytes = signWebhook({
      secret: v.secret,
      url: v.url,
      body: new TextEncoder().encode(v.body),
      date: new Date(Date.parse(v.date)),
    });
    expect(fromBytes['x-ms-date']).toBe(v.date);
    expect(fromBytes.authorization).toContain(`Signature=${v.signature}`);
  });
});

describe('signWebhook → verifyWebhook', () => {
  const secret = 'a-test-secret';
  const url = 'http://127.0.0.1:3000/webhooks/vipps?shop=1';
  const body = JSON.stringify({ msn: '123456', reference: 'order-10001', name: 'AUTHORIZED' });
  const pathAndQuery = '/webhooks/vipps?shop=1';

  it('roundtrips: the verifier accepts what the signer made, now by default', () => {
    const headers = signWebhook({ secret, url, body });
    const verdict = verifyWebhook({ pathAndQuery, headers, body }, secret);
    expect(verdict.ok).toBe(true);
    expect(headers.host).toBe('127.0.0.1:3000');
  });

  it('signs the given method and date: another method, a changed body or secret is refused', () => {
    const date = httpDate(Date.UTC(2030, 0, 2, 3, 4, 5));
    const now = () => Date.UTC(2030, 0, 2, 3, 4, 5);
    const headers = signWebhook({ secret, url, body, date, method: 'PUT' });
    expect(headers['x-ms-date']).toBe('Wed, 02 Jan 2030 03:04:05 GMT');
    expect(verifyWebhook({ method: 'PUT', pathAndQuery, headers, body }, secret, { now }).ok).toBe(true);
    expect(verifyWebhook({ method: 'POST', pathAndQuery, headers, body }, secret, { now })).toMatchObject({
      ok: false,
      reason: 'signature-mismatch',
    });
    expect(verifyWebhook({ pathAndQuery, headers, body: `${body} ` }, secret, { now })).toMatchObject({
      ok: false,
      reason: 'content-hash-mismatch',
    });
    expect(verifyWebhook({ pathAndQuery, headers, body }, 'other', { now })).toMatchObject({
      ok: false,
      reason: 'signature-mismatch',
    });
    expect(verifyWebhook({ pathAndQuery, headers, body }, secret)).toMatchObject({
      reason: 'signature-mismatch',
    });
  });
});
