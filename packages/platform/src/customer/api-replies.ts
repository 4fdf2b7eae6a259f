/** How the customer's JSON APIs (the app's, the test users') read bodies and answer: JSON, or a Problem. */
import { ProblemSchema } from '@betal/contract';
import type { TSchema } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendProblem } from '../api/http/context.js';
import { readBody } from '../api/http/validate.js';
import { ApiError } from '../kernel/errors.js';
import { problem } from '../problem.js';
import { AccessRefused } from './access.js';

/** The body of a request, validated against `schema`; throws ApiError.validation (answered as 400). */
export function body<T>(request: FastifyRequest, schema: TSchema): T {
  const read = readBody<T>(schema, request.body ?? {}, request.lintNotices);
  if (!read.ok) throw ApiError.validation(read.details);
  return read.value;
}

/**
 * Answers with what `run` resolves to (JSON, or no body when undefined) and `status`; an AccessRefused as its
 * Problem here, any other error to the root error handler (api/http/errors.ts).
 */
export async function json(
  request: FastifyRequest,
  reply: FastifyReply,
  run: () => Promise<unknown>,
  status = 200,
): Promise<FastifyReply> {
  try {
    const result = await run();
    if (result === undefined) return reply.code(status).send();
    return reply.code(status).type('application/json; charset=utf-8').send(result);
  } catch (error) {
    return sendError(request, reply, error);
  }
}

/** An AccessRefused as its Problem; any other error is thrown on, to the root error handler. */
export function sendError(request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
  if (error instanceof AccessRefused) return sendRefusal(request, reply, error);
  throw error;
}

/** An AccessRefused as a Problem: 401 with WWW-Authenticate, 403, or 429 with Retry-After. */
function sendRefusal(request: FastifyRequest, reply: FastifyReply, error: AccessRefused) {
  if (error.status === 401) reply.header('www-authenticate', 'Bearer realm="betal-app"');
  if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.retryAfterSeconds));
  return sendProblem(
    request,
    reply,
    problem(error.status, error.detail, {
      title: error.status === 401 ? 'Unauthorized' : error.status === 403 ? 'Forbidden' : 'Too Many Requests',
      extraDetails: [{ name: 'CustomerError', reason: error.reason }],
    }),
  );
}

export const phoneParams = {
  type: 'object',
  properties: { phoneNumber: { type: 'string', description: "The test user's phone number (MSISDN)." } },
  required: ['phoneNumber'],
} as const;
export const requestParams = {
  type: 'object',
  properties: {
    phoneNumber: { type: 'string', description: "The test user's phone number (MSISDN)." },
    id: {
      type: 'string',
      description: "The request's id: the payment's token (from redirectUrl or the list).",
    },
  },
  required: ['phoneNumber', 'id'],
} as const;
export const landingParams = {
  type: 'object',
  properties: {
    id: { type: 'string', description: "The payment's token (the `token` of its redirectUrl)." },
  },
  required: ['id'],
} as const;
export const problems = {
  400: ProblemSchema,
  401: ProblemSchema,
  403: ProblemSchema,
  404: ProblemSchema,
  409: ProblemSchema,
};
