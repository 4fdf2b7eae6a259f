import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook } from '@betal/client';
import { expect } from 'vitest';
import {
  configFromEnv,
  composePlatform,
  PlatformClock,
  type WebhookServiceOptions,
} from '../../src/internal-entry.js';
import { ALL_EPAYMENT_EVENTS, Api, T0 } from '../support/harness.js';
import { openForFile } from '../support/fixture.js';

/** One request a receiver got. `body` is the raw text; `json` its parse. */
export interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  json: Record<string, any>;
  /** Answered with this status (0 while held or when the connection was dropped). */
  status: number;
}

/** What a receiver does with a request: answer a status, hold it until released, or drop the connection. */
export type Behaviour = (req: Received, index: number) => number | 'hold' | 'drop';

/**
 * A webhook receiver: a node:http server on 127.0.0.1 that records every request and answers as `behaviour`
 * says (200 by default). Held requests are answered by `release()`. `until(predicate)` resolves as soon as the
 * recorded requests satisfy it (no polling, no sleeps), or rejects after `ms` real ms.
 */
export class Receiver {
  readonly requests: Received[] = [];
  private held: Array<{ res: ServerResponse; req: Received }> = [];
  private waiters: Array<{ check: () => boolean; resolve: () => void }> = [];
  private server!: Server;
  url = '';
  /** The body of answers of 300 and above (default `refused with <status>`). */
  errorBody: string | undefined;

  constructor(public behaviour: Behaviour = () => 200) {}

  async start(path = '/hooks/vipps'): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let json: Record<string, any> = {};
        try {
          json = JSON.parse(body) as Record<string, any>;
        } catch {
          json = {};
        }
        const received: Received = {
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body,
          json,
          status: 0,
        };
        const index = this.requests.length;
        this.requests.push(received);
        const action = this.behaviour(received, index);
        if (action === 'hold') this.held.push({ res, req: received });
        else if (action === 'drop') req.socket.destroy();
        else {
          received.status = action;
          res
            .writeHead(action, { 'content-type': 'text/plain' })
            .end(action >= 300 ? (this.errorBody ?? `refused with ${action}`) : 'ok');
        }
        this.notify();
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
    return this;
  }

  get heldCount(): number {
    return this.held.length;
  }

  /** Answers every held request with `status`. */
  release(status = 200): void {
    for (const { res, req } of this.held.splice(0)) {
      req.status = status;
      res.writeHead(status).end();
    }
    this.notify();
  }

  private notify(): void {
    for (const w of [...this.waiters]) {
      if (w.check()) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  }

  /** Resolves once `predicate(requests)` holds; rejects after `ms` real ms with what was received. */
  until(predicate: (requests: Received[]) => boolean, ms = 10_000): Promise<void> {
    if (predicate(this.requests)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`receiver: condition not met in ${ms} ms; got ${this.requests.length} requests`));
      }, ms);
      const waiter = {
        check: () => predicate(this.requests),
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      this.waiters.push(waiter);
    });
  }

  /** Requests whose payload is about `reference`, in arrival order. */
  about(reference: string): Received[] {
    return this.requests.filter((r) => r.json.reference === reference);
  }

  async close(): Promise<void> {
    this.release(503);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Verifies a received request with the client package's verifier (written from the contract, not the signer). */
export function verify(r: Received, secret: string, now?: number) {
  return verifyWebhook(
    { method: r.method, pathAndQuery: r.url, headers: r.headers, body: r.body },
    secret,
    now !== undefined ? { now: () => now } : {},
  );
}

/**
 * Starts a platform for webhook tests: in-memory (or `database`), dev mode, frozen at T0 unless `running`,
 * with webhook options for short timeouts. Gives the harness Api.
 */
export async function startWebhookApi(
  options: {
    webhooks?: Partial<WebhookServiceOptions>;
    database?: string;
    devMode?: boolean;
    running?: boolean;
  } = {},
): Promise<Api> {
  const clock = options.running ? new PlatformClock() : new PlatformClock({ frozenAt: T0 });
  const platform = await composePlatform(
    {
      ...configFromEnv({}),
      host: '127.0.0.1',
      port: 0,
      database: options.database ?? ':memory:',
      devMode: options.devMode ?? true,
      expirySweepMs: 0,
      logLevel: 'silent',
    },
    { clock, webhooks: { timeoutMs: 2_000, ...options.webhooks } },
  );
  const url = await platform.listen();
  return new Api({ url, platform, clock, reset: (o) => platform.reset(o), close: () => platform.close() });
}

/**
 * The webhook-test platform of this file (or `describe`), as an {@link Api}: a `beforeAll` registered where this
 * is called starts it ({@link startWebhookApi} with `options`) and an `afterAll` closes it (`openForFile`). Use
 * the answer inside hooks and tests; before the `beforeAll` has run it throws.
 */
export function useWebhookApi(options: Parameters<typeof startWebhookApi>[0] = {}): Api {
  return openForFile(() => startWebhookApi(options));
}

export { ALL_EPAYMENT_EVENTS };

/**
 * For one payment, checks that a receiver got every logged event (`NAME/pspReference`, in log order) at least
 * once, and never an event before the previous one was answered with a 2xx: the order the contract guarantees
 * per registration and payment (contract 4.5). Duplicates of an event already delivered are allowed.
 */
export function expectInOrder(received: Received[], log: string[], reference: string): void {
  let next = 0;
  for (const r of received) {
    const key = `${r.json.name}/${r.json.pspReference}`;
    const index = log.indexOf(key);
    expect(index, `${reference}: ${key} is not in the log`).toBeGreaterThanOrEqual(0);
    expect(index, `${reference}: ${key} sent before ${log[next]} was delivered`).toBeLessThanOrEqual(next);
    if (index === next && r.status >= 200 && r.status < 300) next += 1;
  }
  expect(next, `${reference}: delivered ${next} of ${log.length} events`).toBe(log.length);
}
