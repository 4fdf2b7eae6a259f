import { describe, expect, it } from 'vitest';
import { usePair } from './support/setup.js';

describe("the merchant pages' stylesheet and script at /assets", () => {
  const pair = usePair();

  it('serves each with its type, an ETag and no-cache, and answers 304 to that ETag', async () => {
    for (const [file, type] of [
      ['merchant.css', 'text/css; charset=utf-8'],
      ['merchant.js', 'text/javascript; charset=utf-8'],
    ] as const) {
      const res = await fetch(`${pair.merchant.url}/assets/${file}`);
      expect(res.status, file).toBe(200);
      expect(res.headers.get('content-type')).toBe(type);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      const etag = res.headers.get('etag') as string;
      expect(etag).toMatch(/^"[\w-]{27}"$/);
      expect((await res.text()).length).toBeGreaterThan(100);
      const again = await fetch(`${pair.merchant.url}/assets/${file}`, {
        headers: { 'if-none-match': etag },
      });
      expect(again.status).toBe(304);
    }
    expect((await fetch(`${pair.merchant.url}/assets/server.js`)).status).toBe(404);
  });
});
