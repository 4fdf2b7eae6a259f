import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Payment } from '../domain/payment.js';
import { landingParams, phoneParams } from './api-replies.js';
import type { LiveStreams } from './live.js';
import type { CustomerRouteDeps } from './routes.js';

/**
 * The live updates of the customer's pages, Server-Sent Events: a user's app (`/app/api/users/{phoneNumber}/events`)
 * and the landing page of one payment (`/app/api/landing/{id}/events`). See LiveStreams.
 */
/** One live stream: what must exist, which payment changes it reports and what each heartbeat says. */
interface LiveStream {
  /** Resolves when the user or payment exists; throws its refusal (AccessRefused, not found) otherwise. */
  exists: () => Promise<unknown>;
  /** Whether a changed payment concerns this stream (a `change` event is sent). */
  matches: (payment: Payment) => boolean | Promise<boolean>;
  /** The data of each heartbeat event. */
  heartbeat: () => Promise<unknown>;
}

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
    { exists, matches, heartbeat }: LiveStream,
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
      return events(request, reply, {
        exists: async () => {
          access.requireApp(request, phone);
          return customer.user(phone);
        },
        matches: (payment) => customer.reached(phone, payment),
        heartbeat: async () => ({ now: new Date(deps.clock.now()).toISOString() }),
      });
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
      return events(request, reply, {
        exists: () => customer.paymentByToken(id),
        matches: (payment) => payment.token === id,
        heartbeat: async () => {
          const view = await customer.landing(id);
          return { now: view.now, state: view.state, stage: view.stage, secondsLeft: view.secondsLeft };
        },
      });
    },
  );
}
