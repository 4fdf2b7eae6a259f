import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Payment } from '../domain/payment.js';
import { landingParams, phoneParams } from './api-replies.js';
import type { LiveStreams } from './live.js';
import type { CustomerRouteDeps } from './routes.js';

/**
 * The live updates of the customer's pages, Server-Sent Events: a user's app (`/app/api/users/{phoneNumber}/events`)
 * and the landing page of one payment (`/app/api/landing/{id}/events`). See LiveStreams.
 */
export function liveRoutes(app: FastifyInstance, deps: CustomerRouteDeps & { live: LiveStreams }): void {
  const { customer, access, live } = deps;
  const apiTags = ['Customer app API'];

  /**
   * Answers with a stream of Server-Sent Events (see LiveStreams.open) once `exists` resolves; when it throws
   * (no such user or payment), with its problem instead.
   */
  async function events(
    request: FastifyRequest,
    reply: FastifyReply,
    exists: () => Promise<unknown>,
    matches: (payment: Payment) => boolean | Promise<boolean>,
    heartbeat: () => Promise<unknown>,
  ): Promise<FastifyReply> {
    // A refusal (AccessRefused, an unknown user or payment) is thrown to the one error handler.
    await exists();
    live.open(request, reply, matches, heartbeat);
    return reply;
  }

  app.get<{ Params: { phoneNumber: string } }>(
    '/app/api/users/:phoneNumber/events',
    {
      schema: {
        tags: apiTags,
        summary: "Server-Sent Events of a user's app: `change` after each change of one of their requests",
        params: phoneParams,
      },
    },
    async (request, reply) => {
      const phone = request.params.phoneNumber;
      return events(
        request,
        reply,
        async () => {
          access.requireApp(request, phone);
          return customer.user(phone);
        },
        (payment) => customer.reached(phone, payment),
        async () => ({ now: new Date(deps.clock.now()).toISOString() }),
      );
    },
  );

  app.get<{ Params: { id: string } }>(
    '/app/api/landing/:id/events',
    {
      schema: {
        tags: apiTags,
        summary:
          'Server-Sent Events of one payment for the landing page: `change` and `clock` (seconds left)',
        params: landingParams,
      },
    },
    async (request, reply) => {
      const id = request.params.id;
      return events(
        request,
        reply,
        () => customer.paymentByToken(id),
        (payment) => payment.token === id,
        async () => {
          const view = await customer.landing(id);
          return { now: view.now, state: view.state, stage: view.stage, secondsLeft: view.secondsLeft };
        },
      );
    },
  );
}
