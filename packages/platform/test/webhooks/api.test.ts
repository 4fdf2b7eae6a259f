import { describe, expect, it } from 'vitest';
import { checkWebhookUrl } from '../../src/apis/webhooks/service.js';
import { DEV, DEV2 } from '../support/harness.js';
import { ALL_EPAYMENT_EVENTS, useWebhookApi } from './support.js';

const api = useWebhookApi();

const reasons = (body: any): string[] => (body?.extraDetails ?? []).map((d: any) => `${d.name}: ${d.reason}`);

describe('Webhooks API v1 (contract 4.1)', () => {
  it('registers (201 id + secret), lists without the secret, deletes (204), per MSN', async () => {
    const created = await api.registerWebhook('https://example.com/hooks/a', [
      'epayments.payment.captured.v1',
      'epayments.payment.created.v1',
    ]);
    expect(created.status).toBe(201);
    expect(created.body.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Buffer.from(created.body.secret, 'base64')).toHaveLength(64);
    expect(Object.keys(created.body).sort()).toEqual(['id', 'secret']);

    const listed = await api.listWebhooks();
    expect(listed.status).toBe(200);
    expect(listed.body.webhooks).toContainEqual({
      id: created.body.id,
      url: 'https://example.com/hooks/a',
      events: ['epayments.payment.captured.v1', 'epayments.payment.created.v1'],
    });
    expect(JSON.stringify(listed.body)).not.toContain(created.body.secret);
    expect((await api.listWebhooks(DEV2)).body.webhooks.map((w) => w.id)).not.toContain(created.body.id);

    expect((await api.deleteWebhook(created.body.id, DEV2)).status).toBe(404);
    const deleted = await api.deleteWebhook(created.body.id);
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBeUndefined();
    expect((await api.listWebhooks()).body.webhooks.map((w) => w.id)).not.toContain(created.body.id);
    expect((await api.deleteWebhook(created.body.id)).status).toBe(404);
  });

  it('gives each registration its own secret', async () => {
    const a = await api.registerWebhook('https://example.com/hooks/s1');
    const b = await api.registerWebhook('https://example.com/hooks/s1');
    expect(a.body.secret).not.toBe(b.body.secret);
    expect(a.body.id).not.toBe(b.body.id);
    await api.deleteWebhook(a.body.id);
    await api.deleteWebhook(b.body.id);
  });

  it('takes the Merchant-Serial-Number header as optional, and refuses one of another merchant', async () => {
    const headers = await api.headers(DEV);
    delete headers['Merchant-Serial-Number'];
    const noMsn = await api.call('GET', '/webhooks/v1/webhooks', { headers });
    expect(noMsn.status).toBe(200);
    const other = await api.call('GET', '/webhooks/v1/webhooks', {
      headers: { ...headers, 'Merchant-Serial-Number': DEV2.msn },
    });
    expect(other.status).toBe(403);
    const unauthenticated = await api.call('GET', '/webhooks/v1/webhooks', { headers: {} });
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers.get('content-type')).toMatch(/problem\+json/);
  });

  it('refuses bad bodies with 400 naming the field', async () => {
    const post = (body: unknown) => api.call('POST', '/webhooks/v1/webhooks', { body });
    const cases: Array<[unknown, string]> = [
      [{ events: ['epayments.payment.created.v1'] }, 'url'],
      [{ url: 'https://example.com/h' }, 'events'],
      [{ url: 'https://example.com/h', events: [] }, 'events'],
      [{ url: 'https://example.com/h', events: ['epayments.payment.shipped.v1'] }, 'events[0]'],
      [{ url: 'not a url', events: ['epayments.payment.created.v1'] }, 'url'],
      [{ url: 'ftp://example.com/h', events: ['epayments.payment.created.v1'] }, 'url'],
      [{ url: 'https://user:pw@example.com/h', events: ['epayments.payment.created.v1'] }, 'url'],
      [{ url: 42, events: ['epayments.payment.created.v1'] }, 'url'],
    ];
    for (const [body, field] of cases) {
      const res = await post(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(
        (res.body as any).extraDetails.map((d: any) => d.name),
        JSON.stringify(body),
      ).toContain(field);
    }
    // An unknown field is ignored with a lint notice (issue #9; it was a 400).
    const extra = await post({
      url: 'https://example.com/extra',
      events: ['epayments.payment.created.v1'],
      extra: 1,
    });
    expect(extra.status).toBe(201);
    expect(extra.headers.get('x-betal-lint')).toContain('extra is not part of this request');
    const broken = await api.call('POST', '/webhooks/v1/webhooks', { raw: '{"url": ' });
    expect(broken.status).toBe(400);
    expect((await api.deleteWebhook('not-a-uuid')).status).toBe(400);
  });

  it('accepts http:// and localhost in dev mode, with lint notices (uncommon port too)', async () => {
    const res = await api.registerWebhook('http://localhost:3000/hooks', ['epayments.payment.created.v1']);
    expect(res.status).toBe(201);
    const lint = res.headers.get('x-betal-lint') ?? '';
    expect(lint).toMatch(/http:\/\//);
    expect(lint).toMatch(/local/);
    expect(lint).toMatch(/port 3000/);
    await api.deleteWebhook(res.body.id);
  });

  it('allows at most 25 registrations per event per MSN; other MSNs and events have their own bucket', async () => {
    const event = 'epayments.payment.refunded.v1';
    const ids: string[] = [];
    for (let i = 0; i < 25; i++) {
      const r = await api.registerWebhook(`https://example.com/limit/${i}`, [event]);
      expect(r.status).toBe(201);
      ids.push(r.body.id);
    }
    const over = await api.registerWebhook('https://example.com/limit/26', [
      'epayments.payment.created.v1',
      event,
    ]);
    expect(over.status).toBe(400);
    expect(reasons(over.body).join()).toMatch(/events: At most 25 .*refunded/);
    expect((await api.registerWebhook('https://example.com/limit/x', [event], DEV2)).status).toBe(201);
    expect(
      (await api.registerWebhook('https://example.com/limit/y', ['epayments.payment.created.v1'])).status,
    ).toBe(201);
    expect((await api.deleteWebhook(ids[0] as string)).status).toBe(204);
    expect((await api.registerWebhook('https://example.com/limit/27', [event])).status).toBe(201);
  });

  it('allows one registration of user.checked-in.v1 per MSN', async () => {
    expect((await api.registerWebhook('https://example.com/qr', ['user.checked-in.v1'])).status).toBe(201);
    const second = await api.registerWebhook('https://example.com/qr2', ['user.checked-in.v1']);
    expect(second.status).toBe(400);
    expect(reasons(second.body).join()).toMatch(/At most 1 /);
  });

  it('lists every ePayment event type of contract 4.2 as registrable', async () => {
    const r = await api.registerWebhook('https://example.com/all', ALL_EPAYMENT_EVENTS, DEV2);
    expect(r.status).toBe(201);
    const listed = await api.listWebhooks(DEV2);
    expect(listed.body.webhooks.find((w) => w.id === r.body.id)?.events).toEqual(ALL_EPAYMENT_EVENTS);
  });
});

describe('the URL rule outside dev mode (contract 4.1)', () => {
  const refused = (url: string) => {
    try {
      checkWebhookUrl(url, false, []);
      return undefined;
    } catch (error) {
      return (error as { field: string; reason: string }).reason;
    }
  };

  it('requires https and a public host', () => {
    expect(refused('http://example.com/h')).toMatch(/HTTPS/);
    expect(refused('https://localhost/h')).toMatch(/publicly reachable/);
    expect(refused('https://127.0.0.1:8443/h')).toMatch(/publicly reachable/);
    expect(refused('https://192.168.1.20/h')).toMatch(/publicly reachable/);
    expect(refused('https://[::1]/h')).toMatch(/publicly reachable/);
    expect(refused('https://example.com/h?x=1')).toBeUndefined();
  });

  it('notes an uncommon port without refusing it', () => {
    const notices: string[] = [];
    expect(checkWebhookUrl('https://example.com:8443/h', false, notices).port).toBe('8443');
    expect(notices.join()).toMatch(/port 8443/);
    const none: string[] = [];
    checkWebhookUrl('https://example.com:8080/h', false, none);
    expect(none).toEqual([]);
  });
});
