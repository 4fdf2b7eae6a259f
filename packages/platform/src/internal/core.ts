import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { PlatformClock } from '../clock.js';
import { ApiError } from '../kernel/errors.js';
import type { SalesUnitDirectory } from '../services/directory.js';
import type { PaymentService } from '../apis/epayment/service.js';
import type { NewSandbox, SandboxService } from '../services/sandboxes.js';
import type { StoreCause } from '../storage/busy.js';
import type { PlatformStore } from '../storage/ports.js';
import { readBodiesBySchema } from '../http/body.js';

interface Deps {
  clock: PlatformClock;
  store: PlatformStore;
  payments: PaymentService;
  directory: SalesUnitDirectory;
  sandboxes: SandboxService;
  devMode: boolean;
  /**
   * Moves the test clock forward by `ms`, keeps its offset, expires what became overdue and wakes the webhook
   * dispatcher (`ProcessSync.advanceTestClock`); resolves with how many payments expired.
   */
  advanceClock: (ms: number) => Promise<number>;
}

/** Refuses the test clock's advance outside dev mode: ApiError 403 (the route and `admin.advanceClock`). */
export function requireTestClock(devMode: boolean): void {
  if (!devMode) throw new ApiError(403, 'The test clock is only available in dev mode.');
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

const NewMerchantSchema = Type.Object(
  {
    name: Type.String({
      minLength: 1,
      maxLength: 100,
      description: "The sales unit's name, as customers see it.",
    }),
    market: Type.Union([Type.Literal('NO'), Type.Literal('SE'), Type.Literal('DK'), Type.Literal('FI')], {
      description: 'NO and SE: Vipps; DK and FI: MobilePay.',
    }),
    currency: Type.Optional(
      Type.Union([Type.Literal('NOK'), Type.Literal('DKK'), Type.Literal('EUR')], {
        description: "Default: the market's (NOK, DKK, EUR); required for SE.",
      }),
    ),
    capabilities: Type.Optional(
      Type.Object(
        {
          pushMessage: Type.Optional(Type.Boolean({ description: 'userFlow PUSH_MESSAGE (default false)' })),
          longLiving: Type.Optional(Type.Boolean({ description: 'long-living payments (default false)' })),
          nin: Type.Optional(Type.Boolean({ description: 'the nin profile scope (default false)' })),
          partialCapture: Type.Optional(
            Type.Boolean({ description: 'partial and repeated captures (default true)' }),
          ),
          lateCapture: Type.Optional(
            Type.Boolean({ description: 'DK/FI: 180 days to capture (default false)' }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

const ResetSchema = Type.Object(
  {
    msn: Type.Optional(
      Type.String({ minLength: 1, description: "Only this sales unit's data; the unit stays." }),
    ),
  },
  { additionalProperties: false },
);

/**
 * The open part of the platform's own endpoints (no admin token needed, internal/index.ts): `GET /betal/health`
 * (liveness), `GET /betal/ready` (200 ready or 503 degraded), `GET /betal/clock` (`{now, offsetSeconds, frozen}`)
 * and `POST /betal/clock/advance` `{seconds}` (403 outside dev mode).
 */
export async function betalRoutes(
  app: FastifyInstance,
  deps: Omit<Deps, 'directory' | 'sandboxes'>,
): Promise<void> {
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
      preHandler: async () => requireTestClock(deps.devMode),
      schema: {
        tags,
        summary: 'Move the platform clock forward and expire what is due',
        body: AdvanceSchema,
      },
    },
    async (request) => {
      const expired = await deps.advanceClock(request.body.seconds * 1000);
      return { ...clockView(), expired };
    },
  );
}

/**
 * The sales units and reset (admin: registered in the guarded part of internal/index.ts): `GET /betal/merchants`
 * (every unit with its credentials), `POST /betal/merchants` (201 with a new sandbox; 400 for a bad body),
 * `DELETE /betal/merchants/{msn}` (204), `POST /betal/reset` (204; with `{msn}` only that unit's data).
 */
export async function betalSandboxRoutes(
  app: FastifyInstance,
  deps: Pick<Deps, 'directory' | 'sandboxes'>,
): Promise<void> {
  const tags = ['Betal platform'];
  readBodiesBySchema(app, 'refuse');
  app.get(
    '/betal/merchants',
    { schema: { tags, summary: 'Sales units and their credentials (admin)' } },
    async () => ({ merchants: deps.directory.list() }),
  );

  app.post<{ Body: NewSandbox }>(
    '/betal/merchants',
    {
      schema: {
        tags,
        summary:
          'Create a sales unit (a sandbox) with a fresh MSN and fresh credentials: 201 with the unit and its credentials (admin)',
        body: NewMerchantSchema,
      },
    },
    async (request, reply) => reply.code(201).send(await deps.sandboxes.create(request.body)),
  );

  app.delete<{ Params: { msn: string } }>(
    '/betal/merchants/:msn',
    {
      schema: {
        tags,
        summary:
          'Delete a sales unit and all its data (payments, webhooks, Order Management, consents); its credentials stop working (admin)',
      },
    },
    async (request, reply) => {
      await deps.sandboxes.delete(request.params.msn);
      return reply.code(204).send();
    },
  );

  app.post<{ Body: { msn?: string } | undefined }>(
    '/betal/reset',
    {
      config: { bodyOptional: true },
      schema: {
        tags,
        summary:
          "Reset: without a body everything (back to the dev seed in dev mode); with {msn} that sales unit's data, the unit kept (admin)",
        body: ResetSchema,
      },
    },
    async (request, reply) => {
      const msn = request.body?.msn;
      await deps.sandboxes.reset(msn !== undefined ? { msn } : {});
      return reply.code(204).send();
    },
  );
}
