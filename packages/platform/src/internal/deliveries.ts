import { DELIVERY_STATUSES, type DeliveryStatus } from '@betal/contract';
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../clock.js';
import { renderWebhooksDashboard } from '../delivery/dashboard.js';
import type { WebhookService } from '../delivery/service.js';
import { ApiError } from '../kernel/errors.js';
import { idParams } from '../apis/webhooks/routes.js';

/** The 404 refusal of a path's delivery id `raw` that names no delivery (rendered by the one error handler). */
function noSuchDelivery(raw: string): ApiError {
  return new ApiError(404, `No delivery with id '${raw}'.`);
}

function deliveryId(raw: string): number | undefined {
  return /^[1-9]\d{0,15}$/.test(raw) ? Number(raw) : undefined;
}

/**
 * Betal's webhook delivery log (admin): `GET /betal/webhooks` (every registration with its delivery counts),
 * `GET /betal/webhooks/{id}/deliveries?limit=&before=&status=` (newest first; limit 1-500, before a delivery id,
 * status one of DELIVERY_STATUSES; 400 otherwise, 404 for an unknown registration), `GET /betal/deliveries/{id}`
 * (404 for an unknown one), `POST /betal/deliveries/{id}/redeliver` (`?then=dashboard` redirects 303 to the page),
 * and the dashboard page `GET /betal/dashboard/webhooks`. Registered in the admin part of internal/index.ts.
 */
export async function betalDeliveryRoutes(
  app: FastifyInstance,
  { webhooks, clock }: { webhooks: WebhookService; clock: Clock },
): Promise<void> {
  const betal = ['Betal platform'];

  app.get(
    '/betal/webhooks',
    { schema: { tags: betal, summary: 'Every webhook registration with its delivery counts (admin)' } },
    async () => ({ webhooks: await webhooks.registrations() }),
  );

  app.get<{ Params: { id: string }; Querystring: { limit?: string; before?: string; status?: string } }>(
    '/betal/webhooks/:id/deliveries',
    {
      schema: {
        tags: betal,
        summary: "A registration's delivery log, newest first, every attempt included (admin)",
        params: idParams,
      },
    },
    async (request) => {
      const { limit, before, status } = request.query;
      const details = [];
      if (limit !== undefined && !/^\d{1,3}$/.test(limit))
        details.push({ name: 'limit', reason: 'The limit must be an integer from 1 to 500.' });
      if (before !== undefined && deliveryId(before) === undefined)
        details.push({ name: 'before', reason: 'The before must be a delivery id.' });
      if (status !== undefined && !DELIVERY_STATUSES.includes(status as DeliveryStatus)) {
        details.push({
          name: 'status',
          reason: `The status must be one of ${DELIVERY_STATUSES.join(', ')}.`,
        });
      }
      if (details.length) throw ApiError.validation(details);
      const summary = await webhooks.registration(request.params.id);
      if (!summary) throw new ApiError(404, `No webhook with id '${request.params.id}'.`);
      const deliveries = await webhooks.deliveries(summary.id, {
        ...(limit !== undefined ? { limit: Number(limit) } : {}),
        ...(before !== undefined ? { before: Number(before) } : {}),
        ...(status !== undefined ? { status: status as DeliveryStatus } : {}),
      });
      return { webhook: summary, deliveries };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/betal/deliveries/:id',
    { schema: { tags: betal, summary: 'One delivery with its attempts (admin)', params: idParams } },
    async (request) => {
      const id = deliveryId(request.params.id);
      const delivery = id === undefined ? undefined : await webhooks.delivery(id);
      if (!delivery) throw noSuchDelivery(request.params.id);
      return delivery;
    },
  );

  app.post<{ Params: { id: string }; Querystring: { then?: string } }>(
    '/betal/deliveries/:id/redeliver',
    {
      schema: {
        tags: betal,
        summary: 'Send a delivered, failed or pending event again now, by hand (admin)',
        params: idParams,
      },
    },
    async (request, reply) => {
      const id = deliveryId(request.params.id);
      if (id === undefined) throw noSuchDelivery(request.params.id);
      const delivery = await webhooks.redeliver(id);
      if (request.query.then === 'dashboard') return reply.redirect('/betal/dashboard/webhooks', 303);
      if (delivery === undefined) return reply.code(200).send();
      return reply.type('application/json; charset=utf-8').send(delivery);
    },
  );

  app.get(
    '/betal/dashboard/webhooks',
    {
      schema: {
        tags: betal,
        summary: 'The webhooks page of the dashboard: registrations and delivery log (admin)',
      },
    },
    async (request, reply) => {
      const summaries = await webhooks.registrations(50);
      const hooks = await Promise.all(
        summaries.map(async (summary) => ({
          summary,
          deliveries: await webhooks.deliveries(summary.id, { limit: 25 }),
        })),
      );
      return reply
        .type('text/html; charset=utf-8')
        .send(renderWebhooksDashboard(hooks, new Date(clock.now()).toISOString()));
    },
  );
}
