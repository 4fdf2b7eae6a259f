import type { LookupAddress } from 'node:dns';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DestinationPolicy, refusedAddress } from '../../src/delivery/destinations.js';
import { checkWebhookUrl } from '../../src/apis/webhooks/service.js';
import { DEV_SALES_UNITS } from '../../src/internal-entry.js';
import type { Api } from '../support/harness.js';
import { ref, webRedirect } from '../support/harness.js';
import { startWebhookApi } from './support.js';

/** A documentation-range-free public address (example.com's); only ever classified, never connected to. */
const PUBLIC_V4 = '93.184.215.14';
const PUBLIC_V6 = '2606:2800:21f:cb07:6820:80da:af6b:8b2c';

const fixed =
  (...addresses: string[]) =>
  async (): Promise<LookupAddress[]> =>
    addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

describe('the address classes a webhook may not go to', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.45.6.7', 'loopback'],
    ['::1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.9', 'private'],
    ['192.168.1.20', 'private'],
    ['169.254.10.10', 'link-local'],
    ['fe80::1', 'link-local'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['100.127.255.254', 'carrier-grade NAT'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456::1', 'unique-local'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:169.254.169.254', 'cloud metadata'],
    ['169.254.169.254', 'cloud metadata'],
    ['fd00:ec2::254', 'cloud metadata'],
    ['::7f00:1', 'IPv4-compatible'],
    ['::a00:1', 'IPv4-compatible'],
  ])('%s is refused as %s', (address, reason) => {
    expect(refusedAddress(address)).toBe(reason);
  });

  it('lets public unicast addresses through', () => {
    expect(refusedAddress(PUBLIC_V4)).toBeUndefined();
    expect(refusedAddress(PUBLIC_V6)).toBeUndefined();
  });
});

describe('the registration check of a host', () => {
  const policy = new DestinationPolicy({
    resolve: async (host) => {
      if (host === 'receiver.example') return fixed('127.0.0.1')();
      if (host === 'mixed.example') return fixed(PUBLIC_V4, '10.0.0.8')();
      if (host === 'public.example') return fixed(PUBLIC_V4, PUBLIC_V6)();
      throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    },
  });
  const hostOf = (url: string) => new URL(url).hostname;

  it.each([
    ['https://localhost./x', /localhost is this machine/],
    ['https://app.localhost/x', /this machine/],
    ['https://[::ffff:127.0.0.1]/x', /loopback/],
    ['https://[::]/x', /unspecified/],
    ['https://0x7f000001/x', /127\.0\.0\.1 is a loopback/],
    ['https://169.254.169.254/latest/meta-data', /cloud metadata/],
    ['https://[fd00:ec2::254]/x', /cloud metadata/],
    ['https://intranet/x', /local host name/],
    ['https://receiver.example/x', /resolves to 127\.0\.0\.1, a loopback address/],
    ['https://mixed.example/x', /resolves to 10\.0\.0\.8, a private address/],
    ['https://nowhere.example/x', /does not resolve/],
  ])('%s is refused', async (url, reason) => {
    expect(await policy.check(hostOf(url))).toMatch(reason);
  });

  it('accepts a host whose every address is public', async () => {
    expect(await policy.check('public.example')).toBeUndefined();
    expect(await policy.check(PUBLIC_V4)).toBeUndefined();
  });

  it('accepts an allow-listed host whatever it resolves to', async () => {
    const allowing = new DestinationPolicy({
      allowHosts: ['Receiver.Example', '10.0.0.5'],
      resolve: fixed('127.0.0.1'),
    });
    expect(await allowing.check('receiver.example.')).toBeUndefined();
    expect(await allowing.check('10.0.0.5')).toBeUndefined();
    expect(await allowing.check('other.example')).toMatch(/loopback/);
  });
});

describe('the URL rule without resolving (also what a seed file is held to)', () => {
  const reasonOf = (url: string, devMode: boolean, allow: string[] = []): string | undefined => {
    try {
      checkWebhookUrl(url, devMode, [], allow);
      return undefined;
    } catch (error) {
      return (error as { reason: string }).reason;
    }
  };

  it.each([
    ['https://127.0.0.1/x', /127\.0\.0\.1 is a loopback address/],
    ['https://10.0.0.1/x', /10\.0\.0\.1 is a private address/],
    ['https://169.254.169.254/latest', /cloud metadata/],
    ['https://[fc00::1]/x', /fc00::1 is a unique-local address/],
    ['https://[fe80::1]/x', /link-local/],
    ['https://100.64.0.1/x', /carrier-grade NAT/],
    ['https://[::]/x', /unspecified/],
    ['https://localhost./x', /localhost is this machine/],
    ['https://intranet:8443/x', /intranet is a local host name/],
  ])('outside dev mode %s is refused, saying why', (url, why) => {
    expect(reasonOf(url, false)).toMatch(
      /^The field Url must be publicly reachable \(not a local address\): /,
    );
    expect(reasonOf(url, false)).toMatch(why);
  });

  it('lets allow-listed hosts and public ones through outside dev mode, and dev mode only notes local ones', () => {
    expect(reasonOf('https://[fc00::1]/x', false, ['fc00::1'])).toBeUndefined();
    expect(reasonOf('https://Hooks.Internal./x', false, ['hooks.internal'])).toBeUndefined();
    expect(reasonOf(`https://${PUBLIC_V4}/x`, false)).toBeUndefined();
    const notices: string[] = [];
    checkWebhookUrl('http://localhost:3000/hooks', true, notices);
    expect(notices.join(' ')).toMatch(/localhost is local; accepted in dev mode only/);
  });
});

/** A bare TCP listener on 127.0.0.1 that counts the connections it gets (a TLS handshake would fail on it). */
async function countingListener(): Promise<{ server: Server; port: number; connections: () => number }> {
  let count = 0;
  const server = createServer((socket) => {
    count += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, connections: () => count };
}

/** Waits (real time, for real I/O) until the delivery of `hookId` has an attempt; returns its error. */
async function firstAttemptError(api: Api, hookId: string): Promise<string | null> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const [delivery] = await api.started.platform.webhooks.deliveries(hookId, { limit: 1 });
    const attempt = delivery?.attempts[0];
    if (attempt) return attempt.error;
    if (Date.now() > deadline) throw new Error('no delivery attempt within 5 s');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('outside dev mode, over the Webhooks API', () => {
  let api: Api | undefined;
  let listener: Awaited<ReturnType<typeof countingListener>> | undefined;
  afterEach(async () => {
    await api?.close();
    await new Promise((r) => (listener ? listener.server.close(r) : r(undefined)));
    api = undefined;
    listener = undefined;
  });

  async function start(resolve: (host: string) => Promise<LookupAddress[]>, allowHosts: string[] = []) {
    api = await startWebhookApi({ devMode: false, running: true, webhooks: { resolve, allowHosts } });
    await api.started.platform.directory.save(DEV_SALES_UNITS[0]!);
    return api;
  }

  it('refuses with a 400 naming url and saying why, and stores nothing', async () => {
    const a = await start(fixed('127.0.0.1'));
    for (const [url, why] of [
      // Each address class of issue #10, and each URL its report found accepted.
      ['https://receiver.example/hook', /resolves to 127\.0\.0\.1, a loopback address/],
      ['https://intranet:8443/', /intranet is a local host name/],
      ['https://localhost./x', /this machine/],
      ['https://127.0.0.1:8443/x', /127\.0\.0\.1 is a loopback address/],
      ['https://[::ffff:127.0.0.1]/x', /loopback/],
      ['https://10.1.2.3/x', /private/],
      ['https://192.168.0.10/x', /private/],
      ['https://169.254.169.254/latest', /cloud metadata/],
      ['https://[fd00:ec2::254]/x', /cloud metadata/],
      ['https://[fe80::1]/x', /link-local/],
      ['https://100.64.0.1/x', /carrier-grade NAT/],
      ['https://[fc00::1]/x', /unique-local/],
      ['https://[::]/x', /unspecified/],
      ['https://0.0.0.0/x', /unspecified/],
      ['https://224.0.0.1/x', /multicast/],
      ['https://[ff02::1]/x', /multicast/],
    ] as const) {
      const res = await a.registerWebhook(url);
      expect(res.status, url).toBe(400);
      const body = res.body as unknown as { extraDetails: Array<{ name: string; reason: string }> };
      expect(body.extraDetails[0]?.name).toBe('url');
      expect(body.extraDetails[0]?.reason).toMatch(why);
    }
    expect((await a.listWebhooks()).body.webhooks).toEqual([]);
  });

  it('checks again at connect time: a name rebound to 127.0.0.1 after registration reaches no local listener', async () => {
    listener = await countingListener();
    let rebound = false;
    const a = await start(async () => (rebound ? fixed('127.0.0.1')() : fixed(PUBLIC_V4)()));
    const registered = await a.registerWebhook(`https://receiver.example:${listener.port}/hook`);
    expect(registered.status).toBe(201);
    rebound = true; // from now on the name points at this machine, before any delivery is attempted
    expect((await a.create(webRedirect(ref('rebind')))).status).toBe(201);
    const error = await firstAttemptError(a, (registered.body as { id: string }).id);
    expect(error).toMatch(
      /destination refused: receiver\.example resolves to 127\.0\.0\.1, a loopback address/,
    );
    expect(listener.connections()).toBe(0);
  });

  it('refuses at connect time an IP literal that was never checked (registered in dev mode, sent outside it)', async () => {
    listener = await countingListener();
    const connect = (policy: DestinationPolicy) =>
      new Promise<Error | null>((resolve) =>
        policy.connector(1_000)(
          { hostname: '127.0.0.1', host: '127.0.0.1', port: String(listener!.port), protocol: 'http:' },
          (error, socket) => {
            socket?.destroy();
            resolve(error);
          },
        ),
      );
    const refused = await connect(new DestinationPolicy({ resolve: fixed(PUBLIC_V4) }));
    expect(refused?.message).toMatch(/destination refused: 127\.0\.0\.1 is a loopback address/);
    expect(listener.connections()).toBe(0);
    // The same connector with the address on the allow list does connect: the count above could have moved.
    expect(await connect(new DestinationPolicy({ allowHosts: ['127.0.0.1'] }))).toBeNull();
    const deadline = Date.now() + 5_000;
    while (listener.connections() === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(listener.connections()).toBe(1);
  });

  it('lets an allow-listed internal receiver through (so the listener above would have counted)', async () => {
    listener = await countingListener();
    const a = await start(fixed('127.0.0.1'), ['receiver.internal']);
    const registered = await a.registerWebhook(`https://receiver.internal:${listener.port}/hook`);
    expect(registered.status).toBe(201);
    expect((await a.create(webRedirect(ref('allowed')))).status).toBe(201);
    const error = await firstAttemptError(a, (registered.body as { id: string }).id);
    expect(error).not.toMatch(/destination refused/);
    expect(listener.connections()).toBeGreaterThan(0);
  });
});
