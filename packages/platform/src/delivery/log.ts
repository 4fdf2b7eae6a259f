import type { Delivery, DeliveryStatus, Webhook } from '@betal/contract';
import { ApiError } from '../kernel/errors.js';
import { webhookView } from '../apis/webhooks/service.js';
import type { WebhookDispatcher } from './dispatcher.js';
import type { DeliveryWithAttempts, WebhookRegistration, WebhooksPort } from '../storage/ports.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** A delivery with its attempts as Betal's delivery log shows it (JSON API and dashboard). */
export function deliveryView(d: DeliveryWithAttempts): Delivery {
  return {
    id: String(d.id),
    webhookId: d.registrationId,
    eventType: d.eventType,
    msn: d.msn,
    reference: d.reference,
    status: d.status,
    createdAt: new Date(d.createdAt).toISOString(),
    nextAttemptAt: d.status === 'pending' ? iso(d.nextAttemptAt) : null,
    payload: JSON.parse(d.body) as unknown,
    attempts: d.attemptLog.map((a) => ({
      attempt: a.attempt,
      at: new Date(a.at).toISOString(),
      statusCode: a.statusCode,
      latencyMs: a.latencyMs,
      error: a.error,
      manual: a.manual,
    })),
  };
}

/** A registration with its delivery counts, for Betal's delivery log (deleted ones included). */
export interface RegistrationSummary extends Webhook {
  msn: string;
  createdAt: string;
  deletedAt: string | null;
  deletedReason: string | null;
  failingSince: string | null;
  deliveries: Record<DeliveryStatus, number>;
}

/**
 * Betal's delivery log (its own API and the webhooks dashboard): every registration with its delivery counts, the
 * deliveries with their attempts, and redelivery by hand through the dispatcher.
 */
export class DeliveryLog {
  constructor(
    private readonly hooks: WebhooksPort,
    private readonly dispatcher: Pick<WebhookDispatcher, 'isInFlight' | 'sendByHand'>,
  ) {}

  /** Every registration (deleted ones too), newest first, with its delivery counts. */
  async registrations(limit = 200): Promise<RegistrationSummary[]> {
    const regs = await this.hooks.allRegistrations(limit);
    return Promise.all(regs.map((r) => this.summarise(r)));
  }

  /** One registration's summary, or undefined. */
  async registration(id: string): Promise<RegistrationSummary | undefined> {
    const r = await this.hooks.findRegistration(id);
    if (!r) return undefined;
    return this.summarise(r);
  }

  /** A registration as the delivery log shows it: its public view, its dates and its delivery count. */
  private async summarise(r: WebhookRegistration): Promise<RegistrationSummary> {
    return {
      ...webhookView(r),
      msn: r.msn,
      createdAt: new Date(r.createdAt).toISOString(),
      deletedAt: iso(r.deletedAt),
      deletedReason: r.deletedReason,
      failingSince: iso(r.failingSince),
      deliveries: await this.hooks.countDeliveries(r.id),
    };
  }

  /** A registration's deliveries with their attempts, newest first; `before` pages by delivery id. */
  async deliveries(
    registrationId: string,
    options: { limit?: number; before?: number; status?: DeliveryStatus } = {},
  ): Promise<Delivery[]> {
    const rows = await this.hooks.listDeliveries(registrationId, {
      limit: Math.min(Math.max(options.limit ?? 50, 1), 500),
      ...(options.before !== undefined ? { before: options.before } : {}),
      ...(options.status ? { status: options.status } : {}),
    });
    return rows.map(deliveryView);
  }

  /** One delivery with its attempts, or undefined. */
  async delivery(id: number): Promise<Delivery | undefined> {
    const d = await this.hooks.findDelivery(id);
    return d && deliveryView(d);
  }

  /**
   * Redelivers an event by hand, now, outside the queue (so possibly out of order): one signed attempt, logged
   * with `manual: true`. A 2xx marks a pending or given-up delivery delivered; a failure leaves its schedule as
   * it was. 200 with the delivery after the attempt; 404 unknown; 409 when the registration is deleted or an
   * attempt of this delivery is in flight.
   */
  async redeliver(id: number): Promise<Delivery | undefined> {
    const d = await this.hooks.findDelivery(id);
    if (!d) throw new ApiError(404, `No delivery with id ${id}.`);
    const reg = await this.hooks.findRegistration(d.registrationId);
    if (!reg || reg.deletedAt !== null)
      throw new ApiError(409, `The webhook ${d.registrationId} is deleted.`);
    if (this.dispatcher.isInFlight(id)) {
      throw new ApiError(409, `An attempt of delivery ${id} is in flight; try again shortly.`);
    }
    await this.dispatcher.sendByHand(reg, d);
    const after = await this.hooks.findDelivery(id);
    return after && deliveryView(after);
  }
}
