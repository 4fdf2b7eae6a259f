import { EPAYMENT_ERRORS, type EPaymentErrorCode } from '@betal/contract';

/**
 * A refusal by a payment rule, carrying its contract error code (contract 3.9). Thrown by domain functions;
 * the HTTP layer turns it into a Problem with `extraDetails: [{name: 'ErrorCode', reason: code}]`.
 */
export class DomainError extends Error {
  readonly status: number;
  readonly title: string;
  /** `title` overrides the code's usual title where one code has two meanings (4150: reference exists, or a
   * refund idempotency conflict). `field`, when the refusal is about one request field (`shipping`), is named
   * in the Problem's `extraDetails` beside the code. */
  constructor(
    readonly code: EPaymentErrorCode,
    readonly detail: string,
    title?: string,
    readonly field?: string,
  ) {
    super(detail);
    this.name = 'DomainError';
    this.status = EPAYMENT_ERRORS[code].status;
    this.title = title ?? EPAYMENT_ERRORS[code].title;
  }
}

/**
 * A refusal of the request's shape that names a field, like the API's model validation (contract 3.9):
 * HTTP 400 with `extraDetails: [{name: field, reason}]` and no error code.
 */
export class FieldError extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(reason);
    this.name = 'FieldError';
  }
}
