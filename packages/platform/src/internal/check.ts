import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../clock.js';
import { DestinationPolicy, type ResolveHost } from '../delivery/destinations.js';
import { ApiError } from '../kernel/errors.js';
import { checkWebhookReceiver, type WebhookCheckOptions } from '../services/webhook-check.js';
import { readBodiesBySchema } from '../http/body.js';

const CheckWebhooksSchema = Type.Object(
  {
    url: Type.String({
      minLength: 1,
      maxLength: 2048,
      description: "The receiver's URL exactly as registered, e.g. http://127.0.0.1:3000/webhooks/vipps.",
    }),
    secret: Type.String({ minLength: 1, maxLength: 1024, description: "The registration's secret." }),
    msn: Type.Optional(
      Type.String({ minLength: 1, maxLength: 20, description: 'The MSN the events name (default 123456).' }),
    ),
    reference: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 100,
        description:
          'A payment the receiver knows, for the valid, duplicate and out-of-order cases (default: a made-up one).',
      }),
    ),
    currency: Type.Optional(
      Type.Union([Type.Literal('NOK'), Type.Literal('DKK'), Type.Literal('EUR')], {
        description: "The events' currency (default NOK).",
      }),
    ),
    amount: Type.Optional(
      Type.Integer({ minimum: 1, description: "The events' amount in minor units (default 1000)." }),
    ),
  },
  { additionalProperties: false },
);

/** The body of `POST /betal/check/webhooks`. */
export type CheckWebhooksBody = Static<typeof CheckWebhooksSchema>;

interface Deps {
  clock: Clock;
  devMode: boolean;
  /** Hosts exempt from the destination policy outside dev mode (`--allow-webhook-host`). */
  allowHosts?: readonly string[];
  /** Real time for `x-ms-date`; default Date.now. */
  wallNow?: () => number;
  /** For tests: the resolver of the destination policy. */
  resolve?: ResolveHost;
  /** For tests: the time limit of each answer (default 10 s). */
  timeoutMs?: number;
}

/**
 * `POST /betal/check/webhooks {url, secret, msn?, reference?, currency?, amount?}` (admin): runs the webhook
 * receiver check of services/webhook-check.ts against `url` and answers 200 with the report
 * `{url, msn, reference, passed, cases: [{id, title, expected, status, latencyMs, error, requests, pass, reason}]}`
 * whether or not the receiver passes. 400 names the field for a URL that is not absolute http(s) and, outside dev
 * mode, for one whose host is or resolves to an internal address (the webhook destination policy, checked again
 * at each connection).
 */
export async function betalCheckRoutes(app: FastifyInstance, deps: Deps): Promise<void> {
  readBodiesBySchema(app, 'refuse');
  const policy = deps.devMode
    ? undefined
    : new DestinationPolicy({
        ...(deps.allowHosts ? { allowHosts: deps.allowHosts } : {}),
        ...(deps.resolve ? { resolve: deps.resolve } : {}),
      });
  app.post<{ Body: CheckWebhooksBody }>(
    '/betal/check/webhooks',
    {
      schema: {
        tags: ['Betal platform'],
        summary:
          "Check a merchant's webhook receiver: a scripted, signed suite (valid, duplicate, out of order, stale date, bad signature, tampered body, wrong Host, unknown payment) and what each answer means (admin)",
        body: CheckWebhooksSchema,
      },
    },
    async (request) => {
      const { url, ...rest } = request.body;
      let target: URL;
      try {
        target = new URL(url);
      } catch {
        throw ApiError.validation([{ name: 'url', reason: 'The field url must be an absolute URL.' }]);
      }
      if (target.protocol !== 'http:' && target.protocol !== 'https:') {
        throw ApiError.validation([{ name: 'url', reason: 'The field url must be an http or https URL.' }]);
      }
      const refusal = policy && (await policy.check(target.hostname));
      if (refusal) {
        throw ApiError.validation([
          {
            name: 'url',
            reason: `The field url must be publicly reachable (not a local address): ${refusal}.`,
          },
        ]);
      }
      const options: WebhookCheckOptions = {
        now: () => deps.clock.now(),
        ...(deps.wallNow ? { wallNow: deps.wallNow } : {}),
        ...(deps.timeoutMs !== undefined ? { timeoutMs: deps.timeoutMs } : {}),
        ...(policy ? { lookup: policy.lookup } : {}),
      };
      return checkWebhookReceiver({ url: target.href, ...rest }, options);
    },
  );
}
