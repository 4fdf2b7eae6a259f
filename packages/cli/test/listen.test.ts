import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook } from '@betal/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usePlatform } from '../../platform/test/support/harness.js';
import type { Io } from '../src/commands/io.js';
import { run } from '../src/commands/run.js';

interface Received {
  path: string;
  ok: boolean;
  name: string;
  reference: string;
}

/** Runs `betal <args>` in-process; `out()` is what it printed so far, `stop()` aborts it (Ctrl-C). */
function start(url: string, args: string[]) {
  let out = '';
  let err = '';
  const stop = new AbortController();
  const io: Io = {
    out: (s) => void (out += s),
    err: (s) => void (err += s),
    env: {},
    setExitCode: () => undefined,
    signal: stop.signal,
  };
  const done = run([...args, '--url', url], io);
  return { out: () => out, err: () => err, stop: () => stop.abort(), done };
}

async function once(url: string, args: string[]) {
  const r = start(url, args);
  const code = await r.done;
  return { code, out: r.out(), err: r.err() };
}

describe('betal listen', () => {
  const started = usePlatform();
  let target: Server;
  let targetUrl: string;
  let status = 200;
  const received: Received[] = [];
  let secret = '';

  beforeAll(async () => {
    target = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const ok = verifyWebhook(
          { pathAndQuery: req.url ?? '/', host: new URL(targetUrl).host, headers: req.headers, body },
          secret,
        ).ok;
        const event = JSON.parse(body.toString('utf8')) as { name: string; reference: string };
        received.push({ path: req.url ?? '', ok, name: event.name, reference: event.reference });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}/webhooks/vipps?shop=1`;
  });
  afterAll(async () => {
    await new Promise((resolve) => target?.close(resolve));
  });

  const registrations = async () => {
    const r = await once(started.url, ['webhooks', 'list', '--json']);
    return JSON.parse(r.out).webhooks as Array<{ id: string; url: string; events: string[] }>;
  };

  it('registers, prints the secret, forwards each delivery signed for the target, and deletes on stop', async () => {
    const listening = start(started.url, ['listen', '--forward-to', targetUrl, '--json']);
    await expect.poll(() => listening.out().includes('\n'), { timeout: 10_000 }).toBe(true);
    const ready = JSON.parse(listening.out().split('\n')[0]!);
    expect(ready).toMatchObject({ ready: true, msn: '123456', forwardTo: targetUrl });
    expect(ready.events).toContain('epayments.payment.authorized.v1');
    secret = ready.secret;
    expect((await registrations()).map((w) => w.id)).toContain(ready.id);

    const trigger = await once(started.url, ['trigger', 'authorized', '--json']);
    expect(trigger.code, trigger.err).toBe(0);
    const reference = JSON.parse(trigger.out).reference as string;
    await expect
      .poll(() => received.filter((r) => r.reference === reference).length, { timeout: 10_000 })
      .toBe(2);
    expect(received.filter((r) => r.reference === reference)).toEqual([
      { path: '/webhooks/vipps?shop=1', ok: true, name: 'CREATED', reference },
      { path: '/webhooks/vipps?shop=1', ok: true, name: 'AUTHORIZED', reference },
    ]);
    await expect.poll(() => listening.out().trim().split('\n').length, { timeout: 10_000 }).toBe(3);
    const lines = listening
      .out()
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.event, l.reference, l.status])).toEqual([
      ['CREATED', reference, 200],
      ['AUTHORIZED', reference, 200],
    ]);

    listening.stop();
    expect(await listening.done).toBe(0);
    expect((await registrations()).map((w) => w.id)).not.toContain(ready.id);
  });

  it('passes the target’s failure on to the platform, which retries, and prints it for people', async () => {
    const listening = start(started.url, [
      'listen',
      '--forward-to',
      targetUrl,
      '--events',
      'epayments.payment.created.v1',
    ]);
    await expect.poll(() => listening.out().includes('Webhook secret'), { timeout: 10_000 }).toBe(true);
    secret = /Webhook secret .*?\): (\S+)/.exec(listening.out())![1]!;
    expect(listening.out()).toContain(`are forwarded to ${targetUrl}`);
    status = 500;
    const trigger = await once(started.url, ['trigger', 'authorized', '--json']);
    const reference = JSON.parse(trigger.out).reference as string;
    await expect.poll(() => listening.out().includes(`${reference}`), { timeout: 10_000 }).toBe(true);
    expect(listening.out()).toMatch(new RegExp(`CREATED\\s+${reference}\\s+--> 500`));
    expect(listening.out()).not.toContain('AUTHORIZED');
    // The platform saw the 500: the delivery waits for its retry.
    const attempted = async () =>
      (await once(started.url, ['webhooks', 'tail', '--all', '--count', '1', '--json'])).out;
    await expect.poll(attempted, { timeout: 10_000 }).toContain('"statusCode":500');
    expect(await attempted()).toContain('"status":"pending"');
    status = 200;
    listening.stop();
    expect(await listening.done).toBe(0);
    expect(listening.out()).toContain('Deleted the registration');
  });

  it('refuses a missing or bad --forward-to with 2, and says when no platform runs', async () => {
    expect((await once(started.url, ['listen'])).code).toBe(2);
    expect((await once(started.url, ['listen', '--forward-to', 'ftp://x/'])).code).toBe(2);
    const gone = createServer();
    await new Promise<void>((resolve) => gone.listen(0, '127.0.0.1', resolve));
    const goneUrl = `http://127.0.0.1:${(gone.address() as AddressInfo).port}`;
    await new Promise((resolve) => gone.close(resolve));
    const down = await once(goneUrl, ['listen', '--forward-to', targetUrl]);
    expect(down.code).toBe(1);
    expect(down.err).toContain(`No Betal platform at ${goneUrl}`);
    const help = await once(started.url, ['listen', '--help']);
    expect(help.out).toContain('betal listen --forward-to http://127.0.0.1:3000/webhooks/vipps');
  });
});
