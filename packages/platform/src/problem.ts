import type { ExtraDetail } from '@betal/contract';
import { DomainError, FieldError } from './domain/errors.js';
import { ApiError } from './kernel/errors.js';

/**
 * A Problem body before the HTTP layer adds `instance` and `traceId` (contract 1, 3.9). It is what services
 * return and what idempotency keeps, so a replay gets the same problem with a fresh trace id.
 */
export interface ProblemTemplate {
  type: string;
  title: string;
  status: number;
  detail: string;
  extraDetails: ExtraDetail[] | null;
  /** Set on APIM-style refusals (bad subscription key): the body APIM itself would give, merged in. */
  statusCode?: number;
  message?: string;
}

const REASON_PHRASES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  423: 'Locked',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** The standard phrase of an HTTP status. */
export function reasonPhrase(status: number): string {
  return REASON_PHRASES[status] ?? 'Error';
}

/** A problem with the given status; `title` defaults to the status's reason phrase. */
export function problem(
  status: number,
  detail: string,
  options: { title?: string; extraDetails?: ExtraDetail[] | null } = {},
): ProblemTemplate {
  return {
    type: `https://httpstatuses.io/${status}`,
    title: options.title ?? reasonPhrase(status),
    status,
    detail,
    extraDetails: options.extraDetails ?? null,
  };
}

/** The problem of a refused payment rule: its status, its title and `ErrorCode` in extraDetails. */
export function domainProblem(error: DomainError): ProblemTemplate {
  return problem(error.status, error.detail, {
    title: error.title,
    extraDetails: [{ name: 'ErrorCode', reason: String(error.code) }],
  });
}

/** The problem of a request whose fields break the schema: 400 naming each field (contract 3.9). */
export function validationProblem(details: ExtraDetail[]): ProblemTemplate {
  return problem(400, 'See extraDetails for further details', { extraDetails: details });
}

/** Maps a DomainError or FieldError to its problem; anything else is rethrown. */
export function problemOf(error: unknown): ProblemTemplate {
  if (error instanceof DomainError) return domainProblem(error);
  if (error instanceof FieldError) return validationProblem([{ name: error.field, reason: error.reason }]);
  throw error;
}

/** A problem a service answered, raised as the ApiError it is (the customer's approval refused by a rule). */
export function problemError(template: ProblemTemplate): ApiError {
  return new ApiError(template.status, template.detail, {
    title: template.title,
    extraDetails: template.extraDetails,
  });
}
