import {
  ProblemSchema,
  QueryWebhooksResponseSchema,
  RegisterWebhookRequestSchema,
  RegisterWebhookResponseSchema,
  type RegisterWebhookRequest,
} from '@betal/contract';
import type { FastifyInstance } from 'fastify';
import type { WebhookService } from '../../delivery/service.js';
import type { AuthService } from '../accesstoken/service.js';
import { authHook, salesUnitOf } from '../../http/auth.js';
import { readBodiesBySchema } from '../../http/body.js';

interface Deps {
  auth: AuthService;
  webhooks: WebhookService;
}

const problems = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema };
/** The `{id}` path parameter of a webhook registration or a delivery. */
export const idParams = {
  type: 'object',
  properties: { id: { type: 'string' } },
  required: ['id'],
} as const;

/**
 * The Webhooks API v1 at its real paths (contract 4.1): list, register (201 `{id, secret}`) and delete (204)
 * the registrations of the caller's MSN; the `Merchant-Serial-Number` header is optional. Betal's delivery log and
 * the webhooks dashboard are with the other `/betal` routes (internal/deliveries.ts).
 */
export async function webhookRoutes(app: FastifyInstance, { auth, webhooks }: Deps): Promise<void> {
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
}
