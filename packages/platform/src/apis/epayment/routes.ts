import {
  CancelRequestSchema,
  HEADERS,
  CreatePaymentRequestSchema,
  CreatePaymentResponseSchema,
  ForceApproveRequestSchema,
  GetPaymentResponseSchema,
  ModificationRequestSchema,
  ModificationResponseSchema,
  PaymentEventLogSchema,
  ProblemSchema,
  type CreatePaymentRequest,
  type ForceApproveRequest,
  type ModificationRequest,
} from '@betal/contract';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuthService } from '../accesstoken/service.js';
import { requireForceApprove, type PaymentService } from './service.js';
import { RATE_LIMITS, type RateLimitKind, type RateLimiter } from '../../services/rate-limits.js';
import { authHook, salesUnitOf } from '../../http/auth.js';
import { sendResult } from '../../http/context.js';
import { checkSystemHeaders, headerValue, keyOf, requireIdempotencyKey } from '../../http/headers.js';
import { readBodiesBySchema } from '../../http/body.js';
import { keptAnswer } from '../../http/kept-answer.js';
import { ApiError } from '../../kernel/errors.js';

interface Deps {
  auth: AuthService;
  payments: PaymentService;
  limits: RateLimiter;
  /** Outside dev mode force approve answers as the production API does (10020, contract 3.10). */
  devMode: boolean;
}

const problems = {
  400: ProblemSchema,
  401: ProblemSchema,
  403: ProblemSchema,
  404: ProblemSchema,
  409: ProblemSchema,
};
const referenceParams = {
  type: 'object',
  properties: { reference: { type: 'string', description: 'The merchant reference of the payment.' } },
  required: ['reference'],
} as const;

/** The Vipps-System-* headers, checked before the body (http/headers.ts). */
async function systemHeaders(request: FastifyRequest): Promise<void> {
  checkSystemHeaders(request);
}

/**
 * The ePayment API v1 at its real paths (contract 3.1): create, get, events, cancel, capture, refund and the
 * test-only force approve (refused with 10020 outside dev mode, as production does). Routes validate, call the payment service and map its answer to HTTP.
 */
export async function epaymentRoutes(
  app: FastifyInstance,
  { auth, payments, limits, devMode }: Deps,
): Promise<void> {
  /**
   * Counts the call against its rate limit (contract 3.1), as a `preHandler` hook: over the limit it refuses with
   * 429 and Retry-After when the limits are enforced; in warn mode it adds a lint notice and lets the call through.
   */
  const rateLimit =
    (kind: RateLimitKind) =>
    async (request: FastifyRequest<{ Params: { reference: string } }>): Promise<void> => {
      const who = kind === 'read' ? subscriptionKeyOf(request) : salesUnitOf(request).msn;
      const retryMs = await limits.hit(kind, `${who}:${request.params.reference}`);
      if (retryMs === undefined) return;
      const seconds = Math.max(1, Math.ceil(retryMs / 1000));
      const what = `more than ${RATE_LIMITS[kind].limit} ${kind === 'read' ? 'reads' : 'changes'} of this payment per minute`;
      if (limits.mode === 'warn') {
        request.lintNotices.push(`Rate limit: ${what}; the real API answers 429 (retry after ${seconds} s).`);
        return;
      }
      throw new ApiError(429, `Rate limit exceeded: ${what}. Retry after ${seconds} s.`, {
        headers: { 'retry-after': String(seconds) },
      });
    };

  const tags = ['ePayment'];
  app.addHook('preValidation', authHook(auth, { msnRequired: true }));
  readBodiesBySchema(app, 'ignore');

  app.post<{ Body: CreatePaymentRequest }>(
    '/epayment/v1/payments',
    {
      preHandler: [systemHeaders, requireIdempotencyKey(true)],
      schema: {
        tags,
        summary: 'Create a payment',
        body: CreatePaymentRequestSchema,
        response: { 201: CreatePaymentResponseSchema, ...problems },
      },
    },
    async (request, reply) => {
      const unit = salesUnitOf(request);
      withoutEmptyCustomer(request.body, request.lintNotices);
      const result = await payments.create({
        unit,
        request: request.body,
        idempotencyKey: keyOf(request),
        notices: request.lintNotices,
        keeper: keptAnswer(request, 201),
      });
      if (result.replayed) reply.header('idempotent-replayed', 'true');
      return sendResult(request, reply, result);
    },
  );

  app.get<{ Params: { reference: string } }>(
    '/epayment/v1/payments/:reference',
    {
      preHandler: rateLimit('read'),
      schema: {
        tags,
        summary: 'Get a payment',
        params: referenceParams,
        response: { 200: GetPaymentResponseSchema, ...problems },
      },
    },
    async (request, reply) => {
      const unit = salesUnitOf(request);
      return sendJson(reply, await payments.get(unit.msn, request.params.reference));
    },
  );

  app.get<{ Params: { reference: string } }>(
    '/epayment/v1/payments/:reference/events',
    {
      preHandler: rateLimit('read'),
      schema: {
        tags,
        summary: "Get a payment's event log",
        params: referenceParams,
        response: { 200: PaymentEventLogSchema, ...problems },
      },
    },
    async (request, reply) => {
      const unit = salesUnitOf(request);
      return sendJson(reply, await payments.events(unit.msn, request.params.reference));
    },
  );

  app.post<{ Params: { reference: string }; Body: { cancelTransactionOnly?: boolean } | undefined }>(
    '/epayment/v1/payments/:reference/cancel',
    {
      config: { bodyOptional: true },
      preHandler: [systemHeaders, requireIdempotencyKey(false), rateLimit('modify')],
      schema: {
        tags,
        summary: 'Cancel a payment',
        params: referenceParams,
        body: CancelRequestSchema,
        response: { 200: ModificationResponseSchema, ...problems },
      },
    },
    async (request, reply) => {
      const unit = salesUnitOf(request);
      const result = await payments.cancel({
        unit,
        reference: request.params.reference,
        request: request.body,
        idempotencyKey: request.idempotencyKey,
        keeper: keptAnswer(request, 200),
      });
      if (result.replayed) reply.header('idempotent-replayed', 'true');
      return sendResult(request, reply, result);
    },
  );

  for (const operation of ['capture', 'refund'] as const) {
    app.post<{ Params: { reference: string }; Body: ModificationRequest }>(
      `/epayment/v1/payments/:reference/${operation}`,
      {
        preHandler: [systemHeaders, requireIdempotencyKey(true), rateLimit('modify')],
        schema: {
          tags,
          summary: operation === 'capture' ? 'Capture a payment' : 'Refund a payment',
          params: referenceParams,
          body: ModificationRequestSchema,
          response: { 200: ModificationResponseSchema, ...problems },
        },
      },
      async (request, reply) => {
        const unit = salesUnitOf(request);
        const result = await payments[operation]({
          unit,
          reference: request.params.reference,
          request: request.body,
          idempotencyKey: keyOf(request),
          keeper: keptAnswer(request, 200),
        });
        if (result.replayed) reply.header('idempotent-replayed', 'true');
        return sendResult(request, reply, result);
      },
    );
  }

  app.post<{ Params: { reference: string }; Body: ForceApproveRequest | undefined }>(
    '/epayment/v1/test/payments/:reference/approve',
    {
      config: { bodyOptional: true },
      preHandler: async () => requireForceApprove(devMode),
      schema: {
        tags,
        summary: 'Force approve a payment (test only)',
        params: referenceParams,
        body: ForceApproveRequestSchema,
        response: { 200: { type: 'null', description: 'Approved; no body.' }, ...problems },
      },
    },
    async (request, reply) => {
      const unit = salesUnitOf(request);
      await payments.forceApprove(unit, request.params.reference, request.body ?? {});
      return reply.code(200).send();
    },
  );
}

/**
 * A `customer` left empty once its unknown fields are dropped (WooCommerce sends `customer: {customerInteraction}`
 * when the shopper gave no phone number, and the live API takes it) is taken as no customer, with a lint notice.
 */
function withoutEmptyCustomer(req: CreatePaymentRequest, notices: string[]): void {
  const customer = req.customer as Record<string, unknown> | undefined | null;
  if (customer && typeof customer === 'object' && Object.keys(customer).length === 0) {
    notices.push('customer has no phoneNumber, personalQr or customerToken and was taken as absent.');
    delete (req as { customer?: unknown }).customer;
  }
}

/** A 200 answer with a JSON body. */
function sendJson(reply: FastifyReply, body: unknown): FastifyReply {
  return reply.code(200).type('application/json; charset=utf-8').send(body);
}

function subscriptionKeyOf(request: FastifyRequest): string {
  return headerValue(request, HEADERS.subscriptionKey) ?? '';
}
