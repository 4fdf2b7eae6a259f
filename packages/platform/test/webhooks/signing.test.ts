import { createHash, createHmac } from 'node:crypto';
import { verifyWebhook } from '@betal/client';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  httpDate,
  nextAttemptAt,
  RETRY_WINDOW_MS,
  retryDelayMs,
  signWebhook,
} from '../../src/internal-entry.js';
import { HAS_CONTRACT, readSigningVector } from './vector.js';

describe.skipIf(!HAS_CONTRACT)('webhook signer: the test vector of contract 4.4', () => {
  it('gives the content hash and the signature of the vector', () => {
    const v = readSigningVector();
    const signed = signWebhook({ secret: v.secret, url: v.url, body: v.body, date: v.date });
    expect(signed['x-ms-content-sha256']).toBe(v.contentHash);
    expect(signed['x-ms-date']).toBe(v.date);
    expect(signed.host).toBe(new URL(v.url).host);
    expect(signed.authorization).toBe(
      `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${v.signature}`,
    );
  });

  it('uses the secret as UTF-8 text: a base64-decoded key would not give the vector', () => {
    const v = readSigningVector();
    const target = new URL(v.url);
    const message = `POST\n${target.pathname}\n${v.date};${target.host};${v.contentHash}`;
    const decodedKey = createHmac('sha256', Buffer.from(v.secret, 'base64')).update(message).digest('base64');
    expect(decodedKey).not.toBe(v.signature);
    expect(
      signWebhook({ secret: v.secret, url: v.url, body: v.body, date: v.date }).authorization,
    ).not.toContain(decodedKey);
  });
});

describe('webhook signer', () => {
  it('signs path+query and the host with its non-default port, and the client verifier accepts it', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 80 }),
        fc.string({ maxLength: 200 }),
        fc.integer({ min: 1, max: 65535 }),
        fc.webPath(),
        fc.string({ maxLength: 20 }),
        (secret, body, port, path, query) => {
          const url = new URL(`http://127.0.0.1:${port}${path}`);
          if (query) url.searchParams.set('q', query);
          const now = Date.UTC(2026, 0, 2, 3, 4, 5);
          const signed = signWebhook({ secret, url: url.href, body, date: httpDate(now) });
          expect(signed['x-ms-content-sha256']).toBe(createHash('sha256').update(body).digest('base64'));
          expect(signed.host).toBe(port === 80 ? '127.0.0.1' : `127.0.0.1:${port}`);
          const verdict = verifyWebhook(
            { pathAndQuery: `${url.pathname}${url.search}`, headers: { ...signed }, body },
            secret,
            { now: () => now },
          );
          expect(verdict).toEqual({ ok: true, date: new Date(now - (now % 1000)) });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('formats x-ms-date as RFC 1123 GMT', () => {
    expect(httpDate(Date.UTC(2023, 2, 30, 8, 38, 32))).toMatch(/^Thu, 30 Mar 2023 08:38:32 GMT$/);
  });
});

describe('retry schedule (contract 4.5)', () => {
  it('retries about every 2 s for the first 4 tries, then after 60 s, 120 s, hourly up to try 29, then daily', () => {
    const S = 1000;
    const H = 3600 * S;
    const gaps = Array.from({ length: 34 }, (_, i) => retryDelayMs(i + 1)); // gap before try i + 2
    expect(gaps.slice(0, 3)).toEqual([2 * S, 2 * S, 2 * S]); // tries 1-4
    expect(gaps[3]).toBe(60 * S); // try 5
    expect(gaps[4]).toBe(120 * S); // try 6
    expect(gaps.slice(5, 28).every((g) => g === H)).toBe(true); // tries 7-29
    expect(gaps.slice(28).every((g) => g === 24 * H)).toBe(true); // tries 30+
  });

  it('gives up once the next try would fall more than 7 days after the first', () => {
    const first = Date.UTC(2026, 0, 1);
    let at = first;
    let tries = 1;
    for (;;) {
      const next = nextAttemptAt(first, tries, at);
      if (next === undefined) break;
      expect(next - first).toBeLessThanOrEqual(RETRY_WINDOW_MS);
      at = next;
      tries += 1;
    }
    expect(at + retryDelayMs(tries) - first).toBeGreaterThan(RETRY_WINDOW_MS);
    expect(tries).toBe(35);
  });
});
