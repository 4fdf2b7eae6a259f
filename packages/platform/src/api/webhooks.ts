import {
  DELIVERY_STATUSES,
  ProblemSchema,
  QueryWebhooksResponseSchema,
  RegisterWebhookRequestSchema,
  RegisterWebhookResponseSchema,
  type DeliveryStatus,
  type RegisterWebhookRequest,
} from '@betal/contract';
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../clock.js';
import { renderWebhooksDashboard } from '../delivery/dashboard.js';
import { ApiError } from '../kernel/errors.js';
import type { WebhookService } from '../delivery/service.js';
import type { AuthService } from '../services/auth.js';
import { authHook, salesUnitOf } from './http/auth.js';
import { readBodiesBySchema } from './http/body.js';

interface Deps {
  auth: AuthService;
  webhooks: WebhookService;
  clock: Clock;
  devMode: boolean;
}

const problems = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema };
const idParams = {
  type: 'object',
  properties: { id: { type: 'string' } },
  required: ['id'],
} as const;

/** The 404 refusal of a path's delivery id `raw` that names no delivery (rendered by the one error handler). */
function noSuchDelivery(raw: string): ApiError {
  return new ApiError(404, `No delivery with id '${raw}'.`);
}

function deliveryId(raw: string): number | undefined {
  return /^[1-9]\d{0,15}$/.test(raw) ? Number(raw) : undefined;
}

/**
 * The Webhooks API v1 at its real paths (contract 4.1): list, register (201 `{id, secret}`) and delete (204)
 * the registrations of the caller's MSN; the `Merchant-Serial-Number` header is optional. Plus Betal's delivery
 * log (the admin token is needed outside dev mode, api/admin-guard.ts): `GET /betal/webhooks`, `GET /betal/webhooks/{id}/deliveries`, `GET /betal/deliveries/{id}`,
 * `POST /betal/deliveries/{id}/redeliver`, and the dashboard page `GET /betal/dashboard/webhooks`.
 */
export async function webhookRoutes(app: FastifyInstance, { auth, webhooks, clock }: Deps): Promise<void> {
  const tags = ['Webhooks'];

  // The Webhooks API: every call authenticated, the Merchant-Serial-Number header optional.
  await app.register(async (api) => {
    api.addHook('preValidation', authHook(auth, { msnRequired: false, systemHeaders: 30 }));
    readBodiesBySchema(api, 'ignore');
    api.get(
      '/webhooks/v1/webhooks',
      {
        schema: {
          tags,
          summary: 'Get all registered webhooks',
          response: { 200: QueryWebhooksResponseSchema, ...problems },
        },
      },
      async (request, reply) => {
        const unit = salesUnitOf(request);
        return reply.type('application/json; charset=utf-8').send(await webhooks.list(unit.msn));
      },
    );

    api.post<{ Body: RegisterWebhookRequest }>(
      '/webhooks/v1/webhooks',
      {
        schema: {
          tags,
          summary: 'Register webhook',
          description: 'At most 25 webhooks can be registered per event and MSN.',
          body: RegisterWebhookRequestSchema,
          response: { 201: RegisterWebhookResponseSchema, ...problems },
        },
      },
      async (request, reply) => {
        const unit = salesUnitOf(request);
        const registered = await webhooks.register(unit.msn, request.body, request.lintNotices);
        webhooks.wake();
        return reply.code(201).type('application/json; charset=utf-8').send(registered);
      },
    );

    api.delete<{ Params: { id: string } }>(
      '/webhooks/v1/webhooks/:id',
      {
        schema: {
          tags,
          summary: 'Delete webhook',
          params: idParams,
          response: { 204: { type: 'null' }, ...problems },
        },
      },
      async (request, reply) => {
        const unit = salesUnitOf(request);
        await webhooks.delete(unit.msn, request.params.id);
        return reply.code(204).send();
      },
    );
  });

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
