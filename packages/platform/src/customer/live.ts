import type { ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Payment } from '../domain/payment.js';
import { stageOf } from '../domain/customer-flow.js';
import type { CustomerService } from '../services/customer.js';

interface Client {
  response: ServerResponse;
  matches(payment: Payment): boolean | Promise<boolean>;
  /** The client's last change sent (or being decided): the next waits for it, so changes keep their order. */
  sent: Promise<void>;
  /** The `clock` event's data, sent every heartbeat (e.g. the seconds left on the platform clock). */
  heartbeat(): Promise<unknown>;
}

/** How often each stream gets a `clock` event (and the connection a sign of life), in ms of real time. */
export const HEARTBEAT_MS = 5000;

/**
 * Server-Sent Events for the customer's pages: each stream gets an `change` event (`{id, reference, state, stage}`)
 * after every committed change of a payment it watches, and a `clock` event on connecting and every few seconds after. Closing ends
 * every stream, so that the server can stop.
 */
export class LiveStreams {
  private readonly clients = new Set<Client>();
  private readonly stopWatching: () => void;
  private timer: NodeJS.Timeout | undefined;
  private stopRemote: (() => void) | undefined;

  /**
   * `remote`, when given, subscribes to the payments other processes on a shared store changed (`ProcessSync`);
   * it is subscribed only while a stream is open, as each of its changes costs a read.
   */
  constructor(
    customer: CustomerService,
    private readonly remote?: (listener: (payment: Payment) => void) => () => void,
  ) {
    this.stopWatching = customer.watch((payment) => this.publish(payment));
  }

  /**
   * Turns the reply into an event stream (`text/event-stream`, not cached, not framed) that carries the changes
   * of the payments `matches` picks.
   */
  open(
    request: FastifyRequest,
    reply: FastifyReply,
    matches: (payment: Payment) => boolean | Promise<boolean>,
    heartbeat: () => Promise<unknown>,
  ): void {
    reply.hijack();
    const response = reply.raw;
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'x-content-type-options': 'nosniff',
    });
    response.write('retry: 2000\n\n');
    const client: Client = { response, matches, heartbeat, sent: Promise.resolve() };
    this.clients.add(client);
    if (this.remote && !this.stopRemote) this.stopRemote = this.remote((payment) => this.publish(payment));
    // The current state at once: a change between the page's render and this connection is not lost.
    this.beat(client);
    request.raw.on('close', () => {
      this.clients.delete(client);
      if (this.clients.size === 0) {
        this.stopTimer();
        this.stopRemote?.();
        this.stopRemote = undefined;
      }
    });
    this.startTimer();
  }

  private send(client: Client, event: string, data: unknown): void {
    if (client.response.writableEnded) return;
    client.response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  private beat(client: Client): void {
    client.heartbeat().then(
      (data) => this.send(client, 'clock', data),
      () => undefined,
    );
  }

  private publish(payment: Payment): void {
    const data = {
      id: payment.token,
      reference: payment.reference,
      state: payment.state,
      stage: stageOf(payment),
    };
    for (const client of this.clients) {
      // Each client's changes go out in commit order, whenever its `matches` answers.
      client.sent = client.sent
        .then(() => client.matches(payment))
        .then(
          (yes) => {
            if (yes) this.send(client, 'change', data);
          },
          () => undefined,
        );
    }
  }

  private startTimer(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      for (const client of this.clients) this.beat(client);
    }, HEARTBEAT_MS);
    this.timer.unref();
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Ends every stream and stops listening. */
  close(): void {
    this.stopWatching();
    this.stopRemote?.();
    this.stopRemote = undefined;
    this.stopTimer();
    for (const client of this.clients) client.response.end();
    this.clients.clear();
  }
}
