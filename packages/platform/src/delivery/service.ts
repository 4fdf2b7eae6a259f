import type { Delivery, DeliveryStatus, RegisterWebhookRequest, Webhook } from '@betal/contract';
import type { Clock } from '../clock.js';
import { WebhookRegistrations } from '../apis/webhooks/service.js';
import { DestinationPolicy, type ResolveHost } from './destinations.js';
import { WebhookDispatcher } from './dispatcher.js';
import { DeliveryLog, type RegistrationSummary } from './log.js';
import type { PlatformStore, WebhooksPort } from '../storage/ports.js';

/** Settings of the webhook service; every one has a default. */
export interface WebhookServiceOptions {
  /** Dev mode: `http://` and localhost URLs may be registered (with a lint notice). */
  devMode: boolean;
  /** Real time for `x-ms-date` (epoch ms). Default `Date.now`: receivers check freshness against real time. */
  wallClock?: Clock;
  /** A receiver that has not answered within this many ms (real time) has failed. Default 10 000 (contract 4.5). */
  timeoutMs?: number;
  /** At most this many attempts in flight per registration. Default 16. */
  concurrencyPerEndpoint?: number;
  /** How often (real ms) the dispatcher looks for due work even when nothing wakes it. Default 1000. */
  pollMs?: number;
  /**
   * How long (real ms) a claim on due deliveries lasts (see `WebhooksPort.claimDueHeads`): another process sharing
   * the database takes a delivery again only after this, so it must outlast the read-ahead being sent (up to 256
   * per registration, `concurrencyPerEndpoint` at a time, each at most `timeoutMs`). Default 300 000.
   */
  claimLeaseMs?: number;
  /** Events read from the outbox per fan-out transaction. Default 1000. */
  fanOutBatch?: number;
  /**
   * Hosts that may receive webhooks outside dev mode although they resolve to internal addresses
   * (`BETAL_ALLOW_WEBHOOK_HOSTS`). Default none.
   */
  allowHosts?: readonly string[];
  /** Resolves webhook hosts at registration and at connect time; default the system resolver. Tests inject one. */
  resolve?: ResolveHost;
  /** Fault rules on deliveries (issue #13, services/faults.ts); asked before each automatic attempt. */
  faults?: DeliveryFaults;
  /** Where the dispatcher reports its own failures (pino-like). */
  log?: { error(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

/**
 * The hook of fault rules on deliveries (services/faults.ts): asked before each automatic attempt, it answers the
 * rule that fired: `drop` (not sent, recorded as delivered), `duplicate` (sent twice), `delay` (sent after `ms`
 * real ms), `reorder` (recorded as delivered and sent after the next delivery of the same payment to the same
 * registration, or after `ms`, default 2 000).
 */
export interface DeliveryFaults {
  fireDelivery(facts: {
    msn: string;
    reference: string;
    eventType: string;
    url: string;
  }):
    { ruleId: string; action: { type: 'drop' | 'duplicate' | 'reorder' | 'delay'; ms?: number } } | undefined;
}

/**
 * Webhooks (contract 4) as one object for the composition root and the routes: the registrations of the Webhooks
 * API (apis/webhooks/service.ts), the outbox dispatcher (dispatcher.ts) and Betal's delivery log (log.ts). Each
 * method delegates to the part that owns it.
 */
export class WebhookService {
  private readonly dispatcher: WebhookDispatcher;
  private readonly registry: WebhookRegistrations;
  private readonly deliveryLog: DeliveryLog;

  constructor(store: PlatformStore, hooks: WebhooksPort, clock: Clock, options: WebhookServiceOptions) {
    // Outside dev mode every host is checked against the destination policy (no internal addresses), at
    // registration and at every connection.
    const destinations = options.devMode
      ? undefined
      : new DestinationPolicy({
          ...(options.allowHosts ? { allowHosts: options.allowHosts } : {}),
          ...(options.resolve ? { resolve: options.resolve } : {}),
        });
    this.dispatcher = new WebhookDispatcher(store, hooks, clock, options, destinations);
    this.registry = new WebhookRegistrations(store, hooks, clock, {
      devMode: options.devMode,
      ...(options.allowHosts ? { allowHosts: options.allowHosts } : {}),
      destinations,
      listener: this.dispatcher,
    });
    this.deliveryLog = new DeliveryLog(hooks, this.dispatcher);
  }

  /** See {@link WebhookRegistrations.register} (contract 4.1). */
  register(
    msn: string,
    req: RegisterWebhookRequest,
    notices: string[],
  ): Promise<{ id: string; secret: string }> {
    return this.registry.register(msn, req, notices);
  }

  /** See {@link WebhookRegistrations.list} (contract 4.1). */
  list(msn: string): Promise<{ webhooks: Webhook[] }> {
    return this.registry.list(msn);
  }

  /** See {@link WebhookRegistrations.delete} (contract 4.1). */
  delete(msn: string, id: string): Promise<void> {
    return this.registry.delete(msn, id);
  }

  /** See {@link DeliveryLog.registrations}. */
  registrations(limit?: number): Promise<RegistrationSummary[]> {
    return this.deliveryLog.registrations(limit);
  }

  /** See {@link DeliveryLog.registration}. */
  registration(id: string): Promise<RegistrationSummary | undefined> {
    return this.deliveryLog.registration(id);
  }

  /** See {@link DeliveryLog.deliveries}. */
  deliveries(
    registrationId: string,
    options?: { limit?: number; before?: number; status?: DeliveryStatus },
  ): Promise<Delivery[]> {
    return this.deliveryLog.deliveries(registrationId, options);
  }

  /** See {@link DeliveryLog.delivery}. */
  delivery(id: number): Promise<Delivery | undefined> {
    return this.deliveryLog.delivery(id);
  }

  /** See {@link DeliveryLog.redeliver}. */
  redeliver(id: number): Promise<Delivery | undefined> {
    return this.deliveryLog.redeliver(id);
  }

  /** See {@link WebhookDispatcher.start}. */
  start(): void {
    this.dispatcher.start();
  }

  /** See {@link WebhookDispatcher.wake}. */
  wake(): void {
    this.dispatcher.wake();
  }

  /** See {@link WebhookDispatcher.runDue}. */
  runDue(): Promise<number> {
    return this.dispatcher.runDue();
  }

  /** See {@link WebhookDispatcher.drain}. */
  drain(maxRounds?: number): Promise<number> {
    return this.dispatcher.drain(maxRounds);
  }

  /** See {@link WebhookDispatcher.stop}. */
  stop(): Promise<void> {
    return this.dispatcher.stop();
  }

  /** See {@link WebhookDispatcher.forget}. */
  forget(): void {
    this.dispatcher.forget();
  }
}
