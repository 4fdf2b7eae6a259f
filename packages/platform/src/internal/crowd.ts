import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../kernel/errors.js';
import { CrowdRuleError, type CrowdService } from '../services/crowd.js';
import { readBodiesBySchema } from '../http/body.js';

const share = (action: string) =>
  Type.Optional(
    Type.Number({ minimum: 0, description: `The share of users who ${action} (any weights; default 0).` }),
  );

const CrowdRuleSchema = Type.Object(
  {
    msn: Type.Optional(
      Type.String({ minLength: 1, description: "One sales unit's payments; omit for every sales unit." }),
    ),
    approve: share('approve'),
    reject: share('reject'),
    abandon: share('abandon (the payment expires)'),
    payLater: share('pay later (long-living payments)'),
    thinkSeconds: Type.Optional(
      Type.Object(
        {
          min: Type.Number({ minimum: 0, description: 'Seconds on the platform clock.' }),
          max: Type.Number({ minimum: 0, maximum: 86_400, description: 'Seconds on the platform clock.' }),
        },
        { additionalProperties: false, description: 'Think time, uniform in [min, max]; default 3 to 20 s.' },
      ),
    ),
    seed: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 2 ** 32 - 1,
        description: 'Seed of the random choices (repeatable runs).',
      }),
    ),
  },
  { additionalProperties: false },
);

/** The body of `POST /betal/crowd`. */
export type CrowdRuleBody = Static<typeof CrowdRuleSchema>;

/**
 * The crowd's endpoints (admin): `POST /betal/crowd` sets the rule of an MSN (or of every MSN without one) and
 * answers 201 with it, shares normalized; 400 names the field at fault (and an MSN no sales unit has).
 * `GET /betal/crowd` lists the rules with what they did; `DELETE /betal/crowd` removes every rule, or with
 * `?msn=` one MSN's (`?msn=*` the rule for all): 204.
 */
export async function betalCrowdRoutes(
  app: FastifyInstance,
  deps: { crowd: CrowdService; knownMsn: (msn: string) => boolean },
): Promise<void> {
  readBodiesBySchema(app, 'refuse');
  const tags = ['Betal platform'];
  app.post<{ Body: CrowdRuleBody }>(
    '/betal/crowd',
    {
      schema: {
        tags,
        summary:
          'Set the crowd rule of a sales unit (or of all): shares of test users who approve, reject, abandon or pay later, and their think time on the platform clock (admin)',
        body: CrowdRuleSchema,
      },
    },
    async (request, reply) => {
      const { msn } = request.body;
      if (msn !== undefined && !deps.knownMsn(msn)) {
        throw ApiError.validation([{ name: 'msn', reason: `No sales unit has MSN ${msn}.` }]);
      }
      try {
        return reply.code(201).send(deps.crowd.set(request.body));
      } catch (error) {
        if (error instanceof CrowdRuleError) {
          throw ApiError.validation([{ name: error.field, reason: error.reason }]);
        }
        throw error;
      }
    },
  );
  app.get(
    '/betal/crowd',
    { schema: { tags, summary: 'The crowd rules and what they did (admin)' } },
    async () => deps.crowd.view(),
  );
  app.delete<{ Querystring: { msn?: string } }>(
    '/betal/crowd',
    {
      schema: {
        tags,
        summary: 'Remove every crowd rule, or one MSN’s with ?msn= (?msn=* the rule for all) (admin)',
      },
    },
    async (request, reply) => {
      const msn = request.query.msn;
      if (msn === undefined || msn === '') deps.crowd.clear({ all: true });
      else if (msn === '*') deps.crowd.clear({});
      else deps.crowd.clear({ msn });
      return reply.code(204).send();
    },
  );
}
