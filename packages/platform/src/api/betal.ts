import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { PlatformClock } from '../clock.js';
import { ApiError } from '../kernel/errors.js';
import type { SalesUnitDirectory } from '../services/directory.js';
import type { PaymentService } from '../services/payments.js';
import type { StoreCause } from '../storage/busy.js';
import type { PlatformStore } from '../storage/ports.js';
import { readBodiesBySchema } from './http/body.js';

interface Deps {
  clock: PlatformClock;
  store: PlatformStore;
  payments: PaymentService;
  directory: SalesUnitDirectory;
  devMode: boolean;
  /** Called after the test clock moved (webhook retries that became due are sent). */
  onAdvance?: () => void;
}

const AdvanceSchema = Type.Object(
  {
    seconds: Type.Number({
      minimum: 0,
      maximum: 400 * 24 * 3600,
      description: 'How far to move the clock, in seconds.',
    }),
  },
  { additionalProperties: false },
);

/**
 * The platform's own endpoints, apart from the Vipps paths, under `/betal`: health and readiness, the test
 * clock, and in dev mode the sales units and test users with their credentials.
 */
export async function betalRoutes(app: FastifyInstance, deps: Deps): Promise<void> {
  const tags = ['Betal platform'];
  readBodiesBySchema(app, 'refuse');
  app.get('/betal/health', { schema: { tags, summary: 'Liveness' } }, async () => ({ status: 'ok' }));

  app.get(
    '/betal/ready',
    {
      schema: {
        tags,
        summary:
          'Readiness: 200 {status: "ready"}, or 503 {status: "degraded", causes: [{name, detail}]} while the store is locked by another process, damaged or not answering',
      },
    },
    async (request, reply) => {
      let causes: StoreCause[];
      try {
        await deps.store.getSetting('token_signing_key');
        causes = deps.store.health?.() ?? [];
      } catch (error) {
        request.log.error({ err: error }, 'store not ready');
        causes = [
          { name: 'store-unavailable', detail: `The store does not answer: ${(error as Error).message}` },
        ];
      }
      if (causes.length === 0) return { status: 'ready' };
      return reply
        .code(503)
        .header('retry-after', '1')
        .header('cache-control', 'no-store')
        .send({ status: 'degraded', causes });
    },
  );

  const clockView = () => ({
    now: new Date(deps.clock.now()).toISOString(),
    offsetSeconds: deps.clock.offset / 1000,
    frozen: deps.clock.frozen,
  });

  app.get('/betal/clock', { schema: { tags, summary: 'The platform clock' } }, async () => clockView());

  app.post<{ Body: { seconds: number } }>(
    '/betal/clock/advance',
    {
      preHandler: async () => {
        if (!deps.devMode) throw new ApiError(403, 'The test clock is only available in dev mode.');
      },
      schema: {
        tags,
        summary: 'Move the platform clock forward and expire what is due',
        body: AdvanceSchema,
      },
    },
    async (request) => {
      deps.clock.advance(request.body.seconds * 1000);
      await deps.store.setSetting('clock_offset_ms', String(deps.clock.offset));
      const expired = await deps.payments.expireOverdue();
      deps.onAdvance?.();
      return { ...clockView(), expired };
    },
  );

  app.get(
    '/betal/merchants',
    { schema: { tags, summary: 'Sales units and their credentials (dev mode)' } },
    async () => {
      if (!deps.devMode) throw new ApiError(403, 'Only available in dev mode.');
      return { merchants: deps.directory.list() };
    },
  );

  // GET /betal/users (the test users, nin and customerToken only for the admin) is with the customer routes.
}
