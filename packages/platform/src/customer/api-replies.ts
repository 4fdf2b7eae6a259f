/**
 * How the customer's JSON APIs (the app's, the test users') answer: JSON, or no body. Their bodies are read by
 * the route's schema (http/body.ts) and their refusals (AccessRefused, CustomerFlowError, a body that breaks
 * the schema) are ApiErrors, rendered as Problems by the one error handler (http/errors.ts).
 */
import { ProblemSchema } from '@betal/contract';
import type { FastifyReply } from 'fastify';

/** Answers with what `run` resolves to (JSON, or no body when undefined) and `status`; errors are thrown on. */
export async function json(
  reply: FastifyReply,
  run: () => Promise<unknown>,
  status = 200,
): Promise<FastifyReply> {
  const result = await run();
  if (result === undefined) return reply.code(status).send();
  return reply.code(status).type('application/json; charset=utf-8').send(result);
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
