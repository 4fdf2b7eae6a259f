import type { FastifyError, FastifyInstance } from 'fastify';
import { DomainError, FieldError } from '../../domain/errors.js';
import { problem, problemOf, type ProblemTemplate } from '../../problem.js';
import { AuthError } from '../../services/auth.js';
import { sendApiError } from './apis.js';
import { isStoreBusy } from '../../storage/busy.js';
import { sendProblem } from './context.js';
import { JsonSyntaxError, JsonTooDeepError } from './json-body.js';
import { StrictLintError } from './wire.js';

/** The answer to a write refused because the store is locked: 503 Problem, retry after `retryAfterSeconds`. */
function storeBusyProblem(): ProblemTemplate {
  return problem(
    503,
    'The platform database is locked by another process; nothing was written. Retry the same request (with the same Idempotency-Key) after the Retry-After seconds.',
    { title: 'Service Unavailable' },
  );
}

/** The answer to a lint notice refused in strict mode: 400 naming the field, in the API's error shape. */
export function strictRefusal(error: StrictLintError): {
  detail: string;
  fields: { name: string; reason: string }[];
} {
  return {
    detail: `Strict mode: ${error.notice}`,
    fields: [{ name: error.field, reason: error.notice }],
  };
}

/**
 * Adds the Problem-shaped error and not-found handlers: no request ever gets a bare 500 or an HTML page. An
 * unknown path is a 404 in the error shape of the API its prefix names (http/apis.ts).
 */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) =>
    sendApiError(request, reply, 404, `No resource at ${request.method} ${request.url.split('?')[0]}.`),
  );

  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    // The database is locked by another process (issue #10): 503 with Retry-After, nothing written.
    if (isStoreBusy(error)) return sendProblem(request, reply.header('retry-after', '1'), storeBusyProblem());
    if (error instanceof DomainError || error instanceof FieldError)
      return sendProblem(request, reply, problemOf(error));
    if (error instanceof StrictLintError) {
      const refusal = strictRefusal(error);
      return sendApiError(request, reply, 400, refusal.detail, { fields: refusal.fields });
    }
    if (error instanceof JsonTooDeepError) {
      return sendProblem(
        request,
        reply,
        problem(400, `The request body nests too deeply: ${error.message}.`, {
          extraDetails: [{ name: '$', reason: error.message }],
        }),
      );
    }
    if (error instanceof JsonSyntaxError) {
      return sendProblem(
        request,
        reply,
        problem(400, `The request body is not valid JSON: ${error.message}.`, {
          extraDetails: [{ name: '$', reason: error.message }],
        }),
      );
    }
    if (error instanceof AuthError) {
      const f = error.failure;
      if (f.kind === 'subscription-key') {
        return sendProblem(request, reply, { ...problem(401, f.detail), statusCode: 401, message: f.detail });
      }
      if (f.kind === 'merchant') return sendProblem(request, reply, problem(403, f.detail));
      return sendProblem(request, reply, problem(401, f.detail));
    }
    const code = (error as FastifyError).code;
    const status = (error as FastifyError).statusCode;
    if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return sendProblem(request, reply, problem(413, 'The request body is larger than this API accepts.'));
    }
    if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return sendProblem(request, reply, problem(415, 'The request body must be application/json.'));
    }
    if (status !== undefined && status >= 400 && status < 500) {
      return sendProblem(request, reply, problem(status, error.message));
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendProblem(
      request,
      reply,
      problem(500, 'An internal error occurred.', {
        title: 'Internal error',
        extraDetails: [{ name: 'ErrorCode', reason: '3010' }],
      }),
    );
  });
}
