import type { Socket } from 'node:net';
import { HEADERS } from '@betal/contract';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { HttpTimeouts } from '../config.js';
import {
  FaultService,
  MAX_DELAY_MS,
  operationOf,
  type NewFaultRule,
  type RequestAction,
} from '../services/faults.js';
import { apiOfPath, sendApiError } from '../http/apis.js';
import { readBodiesBySchema } from '../http/body.js';

const Delay = Type.Integer({ minimum: 0, maximum: MAX_DELAY_MS, description: 'Milliseconds (real time).' });

const ActionSchema = Type.Union([
  Type.Object(
    {
      type: Type.Literal('status'),
      status: Type.Optional(
        Type.Integer({ minimum: 400, maximum: 599, description: 'Default: the code’s.' }),
      ),
      code: Type.Optional(
        Type.Integer({
          description: 'An ePayment error code (contract 3.9), e.g. 6160 (423 Order processing).',
        }),
      ),
      detail: Type.Optional(Type.String({ maxLength: 500 })),
      retryAfterSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 86_400 })),
    },
    { additionalProperties: false },
  ),
  Type.Object({ type: Type.Literal('delay'), ms: Delay }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('reset') }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('hang') }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('lose-answer') }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('drop') }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('duplicate') }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('reorder'), ms: Type.Optional(Delay) }, { additionalProperties: false }),
]);

const Text = (description: string) =>
  Type.Optional(Type.String({ minLength: 1, maxLength: 500, description }));

const NewFaultSchema = Type.Object(
  {
    on: Type.Optional(
      Type.Union([Type.Literal('request'), Type.Literal('webhook')], {
        description: 'request (default): requests to the Vipps APIs; webhook: deliveries.',
      }),
    ),
    match: Type.Optional(
      Type.Object(
        {
          api: Text('epayment, accesstoken, webhooks, order-management, userinfo'),
          operation: Text('create, get, events, capture, refund, cancel, approve, token, ...'),
          method: Text('GET, POST, ...'),
          path: Text('The path; * stands for any characters.'),
          msn: Text('The Merchant-Serial-Number.'),
          reference: Text("The payment's reference."),
          event: Text('Webhook rules: the event type, full or short (captured).'),
          url: Text("Webhook rules: the receiver's URL; * stands for any characters."),
        },
        { additionalProperties: false },
      ),
    ),
    action: ActionSchema,
    times: Type.Optional(Type.Integer({ minimum: 1, description: 'Fire the next N matches only.' })),
    probability: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    seed: Type.Optional(Type.Integer({ description: 'Seed of the PRNG for probability (default 1).' })),
    expiresInSeconds: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
    expiresAt: Type.Optional(Type.String({ description: 'ISO 8601, platform clock.' })),
  },
  { additionalProperties: false },
);

/**
 * `/betal/faults` (issue #13 item 3): add a rule (201 with it), list them with their counts and fired notes,
 * read one, delete one (204) or all (204). Outside dev mode the admin guard lets only the admin token through.
 */
export async function betalFaultRoutes(app: FastifyInstance, deps: { faults: FaultService }): Promise<void> {
  const tags = ['Betal platform'];
  readBodiesBySchema(app, 'refuse');
  app.post<{ Body: NewFaultRule }>(
    '/betal/faults',
    {
      schema: {
        tags,
        summary:
          'Add a fault rule: what it matches, what it does (status with an error code, delay, reset, hang, lose-answer; webhooks: drop, duplicate, reorder, delay), how often (admin)',
        body: NewFaultSchema,
      },
    },
    async (request, reply) => reply.code(201).send(deps.faults.add(request.body)),
  );
  app.get(
    '/betal/faults',
    { schema: { tags, summary: 'The fault rules with their counts (admin)' } },
    async () => ({
      faults: deps.faults.list(),
    }),
  );
  app.get<{ Params: { id: string } }>(
    '/betal/faults/:id',
    { schema: { tags, summary: 'One fault rule, with the times it fired (admin)' } },
    async (request) => deps.faults.get(request.params.id),
  );
  app.delete<{ Params: { id: string } }>(
    '/betal/faults/:id',
    { schema: { tags, summary: 'Remove a fault rule (admin)' } },
    async (request, reply) => {
      deps.faults.remove(request.params.id);
      return reply.code(204).send();
    },
  );
  app.delete(
    '/betal/faults',
    { schema: { tags, summary: 'Remove every fault rule (admin)' } },
    async (_r, reply) => {
      deps.faults.clear();
      return reply.code(204).send();
    },
  );
}

function referenceOf(request: FastifyRequest): string | undefined {
  const params = request.params as Record<string, unknown> | undefined;
  if (typeof params?.reference === 'string') return params.reference;
  const body = request.body as Record<string, unknown> | undefined;
  return body !== null && typeof body === 'object' && typeof body.reference === 'string'
    ? body.reference
    : undefined;
}

/**
 * The fault rules' hooks on every request to the Vipps APIs (never `/betal`, `/docs` or the customer's side): a
 * `preHandler` that answers a refusal (in the API's own error shape), waits, resets the connection or never
 * answers; and an `onSend` that destroys the connection of a request whose rule loses the answer, after its
 * handler stored the change. A connection that never gets an answer is cut by the server's idle timeout
 * (`timeouts.idleMs`, or 60 s when that is off) and when the platform closes.
 */
export function registerFaultHooks(app: FastifyInstance, faults: FaultService, timeouts: HttpTimeouts): void {
  const lose = new WeakSet<FastifyRequest>();
  const hung = new Set<Socket>();
  app.addHook('preHandler', async (request, reply) => {
    if (faults.empty) return;
    const path = request.url.split('?')[0] ?? request.url;
    const api = apiOfPath(path);
    if (api === 'platform') return;
    const header = request.headers[HEADERS.merchantSerialNumber.toLowerCase()];
    const fired = faults.fireRequest({
      api,
      operation: operationOf(request.method, request.routeOptions.url),
      method: request.method,
      path,
      msn: typeof header === 'string' ? header : undefined,
      reference: referenceOf(request),
    });
    if (!fired) return;
    const action: RequestAction = fired.action;
    const socket = request.raw.socket;
    switch (action.type) {
      case 'status':
        // Rendered here in the API's own shape: a root hook's throw would reach the root error handler, not the
        // API plugin's.
        return sendApiError(request, reply, FaultService.refusal(action, fired.ruleId), api);
      case 'delay':
        await new Promise((resolve) => setTimeout(resolve, action.ms));
        return;
      case 'reset':
        reply.hijack();
        if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
        else socket.destroy();
        return;
      case 'hang': {
        reply.hijack();
        hung.add(socket);
        const cut = setTimeout(() => socket.destroy(), timeouts.idleMs > 0 ? timeouts.idleMs : 60_000);
        cut.unref();
        socket.once('close', () => {
          clearTimeout(cut);
          hung.delete(socket);
        });
        return;
      }
      case 'lose-answer':
        lose.add(request);
        return;
    }
  });
  app.addHook('onSend', async (request, _reply, payload) => {
    if (lose.has(request)) request.raw.socket.destroy();
    return payload;
  });
  app.addHook('preClose', async () => {
    for (const socket of hung) socket.destroy();
  });
}
