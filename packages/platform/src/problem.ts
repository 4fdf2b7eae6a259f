import type { ExtraDetail } from '@betal/contract';

/**
 * A Problem body before the HTTP layer adds `instance` and `traceId` (contract 1, 3.9): what idempotency keeps
 * of an ePayment refusal (http/apis.ts problemTemplate), so a replay gets the same problem with a fresh
 * trace id. Errors are ApiErrors everywhere else.
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
