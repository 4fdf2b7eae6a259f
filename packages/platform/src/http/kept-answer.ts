import type { FastifyRequest } from 'fastify';
import { DomainError, FieldError } from '../domain/errors.js';
import { ApiError } from '../kernel/errors.js';
import type { AnswerKeeper } from '../apis/epayment/service.js';
import { problemTemplate } from './apis.js';
import { toApiError } from './errors.js';

/** The ePayment error code of a Problem body (`extraDetails` `ErrorCode`), if any. */
function errorCodeOf(body: unknown): string | undefined {
  const details = (body as { extraDetails?: Array<{ name: string; reason: string }> | null } | undefined)
    ?.extraDetails;
  return details?.find((d) => d.name === 'ErrorCode')?.reason;
}

/**
 * The answer an idempotent ePayment operation keeps under its key (contract 3.8), rendered here at the edge: its
 * value with `status` (201 create, 200 the modifications), or a refusal's Problem without instance and trace id.
 * Anything that is no refusal (a strict-mode lint refusal, a bug) is thrown, which rolls the command back. Kept
 * are all answers but a 5xx, 423, 429 and 6280 ("Capture failed, please try again later"), which invite a retry
 * with the same key that is decided afresh.
 */
export function keptAnswer(request: FastifyRequest, status: number): AnswerKeeper {
  return {
    answer(decision) {
      if (decision.ok) return { status, body: decision.value };
      const error = decision.error;
      if (!(error instanceof ApiError || error instanceof DomainError || error instanceof FieldError))
        throw error;
      const refusal = toApiError(error, request);
      return { status: refusal.status, body: problemTemplate(refusal) };
    },
    keeps: (answer) =>
      answer.status < 500 &&
      answer.status !== 423 &&
      answer.status !== 429 &&
      errorCodeOf(answer.body) !== '6280',
  };
}
