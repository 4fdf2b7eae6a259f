import { expect, it } from 'vitest';
import { ref, usePlatformApi, webRedirect } from '../support/harness.js';

const api = usePlatformApi({ transport: 'socket' });

it('lists each sales unit with its latest payments, their state and aggregate', async () => {
  const reference = ref('dash');
  expect((await api.create(webRedirect(reference, 12_345))).status).toBe(201);
  expect((await api.approve(reference)).status).toBe(200);
  expect((await api.modify('capture', reference, 2_345, `${reference}-c`)).status).toBe(200);

  const res = await fetch(`${api.url}/betal/dashboard`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/text\/html/);
  expect(res.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
  const page = await res.text();
  expect(page).toContain('MSN 123456');
  expect(page).toContain('MSN 654321');
  const row = page.slice(page.indexOf(reference), page.indexOf('</tr>', page.indexOf(reference)));
  expect(row).toContain('AUTHORIZED');
  expect(row).toContain('NOK\u00a0123.45');
  expect(row).toContain('NOK\u00a023.45');
  expect(page).toContain('href="/betal/dashboard/webhooks"');
});

it('links one stylesheet, shared with the delivery log, served from its own origin with an ETag', async () => {
  const stylesheet = '/betal/dashboard/dashboard.css';
  const dashboard = await fetch(`${api.url}/betal/dashboard`);
  expect(dashboard.headers.get('content-security-policy')).toMatch(/style-src 'self'/);
  expect(await dashboard.text()).toContain(`<link rel="stylesheet" href="${stylesheet}"`);
  expect(await (await fetch(`${api.url}/betal/dashboard/webhooks`)).text()).toContain(
    `<link rel="stylesheet" href="${stylesheet}"`,
  );
  const css = await fetch(`${api.url}${stylesheet}`);
  expect(css.status).toBe(200);
  expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
  expect(css.headers.get('cache-control')).toBe('no-cache');
  const etag = css.headers.get('etag') as string;
  expect(await css.text()).toContain('.hook-head');
  const again = await fetch(`${api.url}${stylesheet}`, { headers: { 'if-none-match': etag } });
  expect(again.status).toBe(304);
});
