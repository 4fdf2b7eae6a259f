import { request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { startPlatform } from '../../src/internal-entry.js';
import { Api, ref, T0, usePlatform, webRedirect } from '../support/harness.js';

/** Short timeouts so that the real socket waits of these tests stay short. */
const TIMEOUT_MS = 300;
/** A cut must come by then: the timeout, Node's check interval (a quarter of it) and slack for a busy machine. */
const CUT_BY_MS = 1_500;

const started = usePlatform({
  frozenAt: T0,
  config: {
    timeouts: { requestMs: TIMEOUT_MS, headersMs: TIMEOUT_MS, keepAliveMs: TIMEOUT_MS, idleMs: TIMEOUT_MS },
  },
});
let port: number;
beforeAll(() => {
  port = Number(new URL(started.url).port);
});

/** Opens a raw TCP connection to the platform; `closed` resolves with the ms from open to close and what came. */
async function open(): Promise<{ socket: Socket; closed: Promise<{ ms: number; received: string }> }> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  const opened = performance.now();
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
  socket.on('error', () => undefined);
  const closed = new Promise<{ ms: number; received: string }>((resolve) =>
    socket.once('close', () => resolve({ ms: performance.now() - opened, received })),
  );
  return { socket, closed };
}

describe('slow and idle clients are cut', () => {
  it('cuts a request whose body trickles in byte by byte', async () => {
    const { socket, closed } = await open();
    socket.write(
      `POST /epayment/v1/payments HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n`,
    );
    // One byte every 50 ms: the socket is never idle, so only the request timeout can end this.
    const trickle = setInterval(() => {
      if (!socket.destroyed) socket.write('{');
    }, 50);
    const { ms, received } = await closed;
    clearInterval(trickle);
    expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 10);
    expect(ms).toBeLessThan(CUT_BY_MS);
    // Answered in the ePayment API's own shape (issue #10 item 5), saying the socket is closed.
    const [head = '', body = ''] = received.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 408 /);
    expect(head).toMatch(/\r\nConnection: close(\r\n|$)/i);
    expect(head).toMatch(/\r\nContent-Type: application\/problem\+json/i);
    expect(JSON.parse(body)).toMatchObject({
      status: 408,
      title: expect.any(String),
      traceId: expect.any(String),
    });
  });

  it('cuts a request whose headers trickle in', async () => {
    const { socket, closed } = await open();
    const header = 'GET /betal/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ' + 'a'.repeat(100);
    let i = 0;
    const trickle = setInterval(() => {
      if (!socket.destroyed && i < header.length) socket.write(header[i++]!);
    }, 20);
    const { ms } = await closed;
    clearInterval(trickle);
    expect(ms).toBeLessThan(CUT_BY_MS);
  });

  it('closes a connection that sends nothing', async () => {
    const { closed } = await open();
    const { ms, received } = await closed;
    expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 10);
    expect(ms).toBeLessThan(CUT_BY_MS);
    expect(received).not.toMatch(/^HTTP\/1\.1 2/);
  });

  it('closes a kept-alive connection after its keep-alive time', async () => {
    const { socket, closed } = await open();
    socket.write('GET /betal/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n');
    const { ms, received } = await closed;
    expect(received).toMatch(/^HTTP\/1\.1 200/);
    // Node closes an idle kept-alive socket 1 s after the keep-alive time (its own buffer for racing clients).
    expect(ms).toBeLessThan(CUT_BY_MS + 1_000);
  });

  it('sets the documented defaults on the server: request and headers 30 s, keep-alive 5 s, idle 30 s', async () => {
    const defaults = await startPlatform({ frozenAt: T0 });
    try {
      const server = defaults.platform.app.server;
      expect(server.requestTimeout).toBe(30_000);
      expect(server.headersTimeout).toBe(30_000);
      expect(server.keepAliveTimeout).toBe(5_000);
      expect(server.timeout).toBe(30_000);
    } finally {
      await defaults.close();
    }
  });

  it('still answers an ordinary request in time', async () => {
    const res = await fetch(`${started.url}/betal/health`);
    expect(res.status).toBe(200);
  });
});

describe('Server-Sent Events', () => {
  it('keeps a stream open past the idle and request timeouts, still sending events', async () => {
    const api = new Api(started);
    const chunks: string[] = [];
    let closedAt: number | undefined;
    const req = httpRequest({ host: '127.0.0.1', port, path: '/app/api/users/4712345678/events' });
    const response = await new Promise<import('node:http').IncomingMessage>((resolve) => {
      req.on('response', resolve);
      req.end();
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/text\/event-stream/);
    response.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
    response.on('close', () => (closedAt = performance.now()));

    // Three timeouts of silence from the client (real time: this is about a real socket timeout).
    await new Promise((resolve) => setTimeout(resolve, TIMEOUT_MS * 3));
    expect(closedAt).toBeUndefined();

    // The stream still carries events: a payment pushed to this user's app.
    const reference = ref('sse');
    const pushed = await api.create(
      webRedirect(reference, 1_000, { userFlow: 'PUSH_MESSAGE', customer: { phoneNumber: '4712345678' } }),
    );
    expect(pushed.status).toBe(201);
    const deadline = performance.now() + 5_000;
    while (!chunks.join('').includes(reference) && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(chunks.join('')).toContain(reference);
    expect(closedAt).toBeUndefined();
    req.destroy();
  });

  it.each(['/app/api/users/4712345678/events', '/app/api/landing/some-token/events'])(
    'HEAD %s answers at once with the headers and no stream',
    async (path) => {
      const begun = performance.now();
      const res = await fetch(`${started.url}${path}`, { method: 'HEAD' });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
      expect(await res.text()).toBe('');
      expect(performance.now() - begun).toBeLessThan(TIMEOUT_MS);
    },
  );
});
