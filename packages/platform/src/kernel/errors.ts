import type { ExtraDetail } from '@betal/contract';

/** One field at fault: `{name, reason}` (ePayment `extraDetails`, Order Management `invalidParams`). */
export interface FieldFault {
  name: string;
  reason: string;
}

/** What an {@link ApiError} may say besides its status and detail. */
export interface ApiErrorOptions {
  /** The Problem's title; defaults to the status's reason phrase. Order Management and Userinfo use their own. */
  title?: string;
  /** The ePayment error code, reported as `{name: 'ErrorCode', reason: code}` before the fields. */
  code?: string;
  /** The fields at fault (ePayment `extraDetails`, Order Management `invalidParams`). */
  fields?: FieldFault[];
  /** The Problem's `extraDetails` exactly (e.g. `CustomerError`); overrides `code` and `fields` there. */
  extraDetails?: ExtraDetail[] | null;
  /** Headers the answer carries (`Retry-After`, `WWW-Authenticate`). */
  headers?: Record<string, string>;
  /** The API gateway's own refusal (a bad subscription key): the body also has APIM's `statusCode` and `message`. */
  gateway?: boolean;
}

/**
 * The one error family of the platform (after stripe-node's `Error.ts` and LocalStack's `ServiceException`): a
 * refusal with its HTTP status, a sentence for people (`detail`; absent for a pure validation error, whose
 * renderer says "see the fields") and what the API's error shape reports beside it. Services and the HTTP edge
 * throw it; one error handler puts it in the wire shape of the API at hand (http/apis.ts).
 */
export class ApiError extends Error {
  readonly title: string | undefined;
  readonly code: string | undefined;
  readonly fields: FieldFault[];
  readonly extraDetails: ExtraDetail[] | null | undefined;
  readonly headers: Record<string, string>;
  readonly gateway: boolean;

  constructor(
    readonly status: number,
    readonly detail: string | undefined,
    options: ApiErrorOptions = {},
  ) {
    super(detail ?? 'validation failed');
    this.name = 'ApiError';
    this.title = options.title;
    this.code = options.code;
    this.fields = options.fields ?? [];
    this.extraDetails = options.extraDetails;
    this.headers = options.headers ?? {};
    this.gateway = options.gateway ?? false;
  }

  /** A request whose fields break the schema: 400 naming each field (contract 3.9, 6). */
  static validation(fields: FieldFault[]): ApiError {
    return new ApiError(400, undefined, { fields, extraDetails: fields });
  }
}
