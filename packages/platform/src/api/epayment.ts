import {
  CancelRequestSchema,
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
import type { TSchema } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { validationProblem } from '../problem.js';
import type { AuthService } from '../services/auth.js';
import type { PaymentService } from '../services/payments.js';
import { authenticate } from './http/auth.js';
import { sendProblem, sendResult } from './http/context.js';
import { checkSystemHeaders, idempotencyKey } from './http/headers.js';
import { readBody, type Checked } from './http/validate.js';

interface Deps {
  auth: AuthService;
  payments: PaymentService;
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

function body<T>(request: FastifyRequest, schema: TSchema): Checked<T> {
  return readBody<T>(schema, request.body, request.lintNotices);
}

/**
 * The ePayment API v1 at its real paths (contract 3.1): create, get, events, cancel, capture, refund and the
 * test-only force approve. Routes validate, call the payment service and map its answer to HTTP.
 */
export async function epaymentRoutes(app: FastifyInstance, { auth, payments }: Deps): Promise<void> {
  const tags = ['ePayment'];

  app.post(
    '/epayment/v1/payments',
    {
      schema: {
        tags,
        summary: 'Create a payment',
        body: CreatePaymentRequestSchema,
        response: { 201: CreatePaymentResponseSchema, ...problems },
      },
    },
    async (request, reply) => {
      const unit = await authenticate(auth, request, true);
      checkSystemHeaders(request);
      const key = idempotencyKey(request, true);
      const read = body<CreatePaymentRequest>(request, CreatePaymentRequestSchema);
      if (!read.ok) return sendProblem(request, reply, validationProblem(read.details));
      const result = await payments.create(unit, read.value, key);
      request.lintNotices.push(...result.notices);
      if (result.replayed) reply.header('idempotent-replayed', 'true');
      return sendResult(request, reply, result);
    },
  );

  app.get<{ Params: { reference: string } }>(
    '/epayment/v1/payments/:reference',
    {
      schema: {
        tags,
        summary: 'Get a payment',
        params: referenceParams,
        response: { 200: GetPaymentResponseSchema, ...problems },
      },
    },
    async (request, reply) => {
      const unit = await authenticate(auth, request, true);
      return sendResult(request, reply, await payments.get(unit.msn, request.params.reference));
    },
  );

  app.get<{ Params: { reference: string } }>(
    '/epayment/v1/payments/:reference/events',
    {
      schema: {
        tags,
        summary: "Get a payment's event log",
        params: referenceParams,
        response: { 200: PaymentEventLogSchema, ...problems },
      },
    },
    async (request, reply) => {
      const unit = await authenticate(auth, request, true);
      return sendResult(request, reply, await payments.events(unit.msn, request.params.reference));
    },
  );

  app.post<{ Params: { reference: string } }>(
    '/epayment/v1/payments/:reference/cancel',
    {
      schema: {
        tags,
        summary: 'Cancel a payment',
        params: referenceParams,
        body: CancelRequestSchema,
        response: { 200: ModificationResponseSchema, ...problems },
      },
    },
    async (request, reply) => {
      const unit = await authenticate(auth, request, true);
      checkSystemHeaders(request);
      const key = idempotencyKey(request, false);
      const read = body<{ cancelTransactionOnly?: boolean }>(request, CancelRequestSchema);
      if (!read.ok && request.body !== undefined)
        return sendProblem(request, reply, validationProblem(read.details));
      const result = await payments.cancel(
        unit,
        request.params.reference,
        read.ok ? read.value : undefined,
        key,
      );
      if (result.replayed) reply.header('idempotent-replayed', 'true');
      return sendResult(request, reply, result);
    },
  );

  for (const operation of ['capture', 'refund'] as const) {
    app.post<{ Params: { reference: string } }>(
      `/epayment/v1/payments/:reference/${operation}`,
      {
        schema: {
          tags,
          summary: operation === 'capture' ? 'Capture a payment' : 'Refund a payment',
          params: referenceParams,
          body: ModificationRequestSchema,
          response: { 200: ModificationResponseSchema, ...problems },
        },
      },
      async (request, reply) => {
        const unit = await authenticate(auth, request, true);
        checkSystemHeaders(request);
        const key = idempotencyKey(request, true);
        const read = body<ModificationRequest>(request, ModificationRequestSchema);
        if (!read.ok) return sendProblem(request, reply, validationProblem(read.details));
        const result = await payments[operation](unit, request.params.reference, read.value, key);
        if (result.replayed) reply.header('idempotent-replayed', 'true');
        return sendResult(request, reply, result);
      },
    );
  }

  app.post<{ Params: { reference: string } }>(
    '/epayment/v1/test/payments/:reference/approve',
    {
      schema: {
        tags,
        summary: 'Force approve a payment (test only)',
        params: referenceParams,
        body: ForceApproveRequestSchema,
        response: { 200: { type: 'null', description: 'Approved; no body.' }, ...problems },
      },
    },
    async (request, reply) => {
      const unit = await authenticate(auth, request, true);
      const read = body<ForceApproveRequest>(request, ForceApproveRequestSchema);
      if (!read.ok && request.body !== undefined)
        return sendProblem(request, reply, validationProblem(read.details));
      const result = await payments.forceApprove(unit, request.params.reference, read.ok ? read.value : {});
      return sendResult(request, reply, result);
    },
  );
}
