import { randomUUID } from 'node:crypto';
import type { GlobalOptions } from './options.js';

/** A failure a verb reports in one line, with the exit status (never a stack trace). */
export class VerbError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
    /** What `--json` prints as `{"error": …}`; the message by default. */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'VerbError';
  }
}

/** The platform does not answer at all: nothing listens at its URL. */
export class NotRunningError extends VerbError {
  constructor(url: string, cause: string) {
    super(`No Betal platform at ${url}: start one with \`npx betal start\``, 1, { url, cause });
    this.name = 'NotRunningError';
  }
}

/** The platform answered with an error: a Problem (contract 3.9), the token endpoint's error, or other. */
export class ProblemError extends VerbError {
  readonly code: string | undefined;
  constructor(
    readonly status: number,
    readonly body: unknown,
    method: string,
    path: string,
  ) {
    const p = (body !== null && typeof body === 'object' ? body : {}) as {
      title?: unknown;
      detail?: unknown;
      message?: unknown;
      extraDetails?: Array<{ name?: unknown; reason?: unknown }> | null;
    };
    const title =
      typeof p.title === 'string' ? p.title : typeof p.message === 'string' ? p.message : undefined;
    const detail = typeof p.detail === 'string' && p.detail !== title ? p.detail : undefined;
    const code = p.extraDetails?.find((d) => d.name === 'ErrorCode' || d.name === 'CustomerError')?.reason;
    const fields = (p.extraDetails ?? [])
      .filter((d) => d.name !== 'ErrorCode' && d.name !== 'CustomerError')
      .map((d) => `${String(d.name)}: ${String(d.reason)}`);
    const text = [title, detail, ...fields].filter(Boolean).join(': ') || 'no details';
    super(
      `${method} ${path} answered ${status}: ${text}${code !== undefined ? ` (code ${String(code)})` : ''}`,
      1,
      {
        status,
        ...(title !== undefined ? { title } : {}),
        ...(detail !== undefined ? { detail } : {}),
        ...(code !== undefined ? { code: String(code) } : {}),
        problem: body,
      },
    );
    this.name = 'ProblemError';
    this.code = code === undefined ? undefined : String(code);
  }
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/**
 * The platform over HTTP, as the verbs need it: the Vipps APIs with the sales unit's credentials (an access token
 * asked for once per verb), Betal's admin endpoints with the admin token, and the open endpoints (clock, the
 * app's JSON API in dev mode). Answers are parsed JSON; errors are {@link ProblemError} or
 * {@link NotRunningError}.
 */
export class PlatformHttp {
  private token: string | undefined;

  constructor(
    readonly options: GlobalOptions,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  /** A Vipps API call with the sales unit's token, subscription key and MSN; writes get an Idempotency-Key. */
  async vipps<T>(method: Method, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {
      Authorization: `Bearer ${await this.accessToken()}`,
      ...this.unitHeaders(),
    };
    if (method !== 'GET') headers['Idempotency-Key'] = randomUUID();
    return this.send<T>(method, path, headers, body);
  }

  /** A Betal endpoint; with `--admin-token` it carries the admin token. */
  async betal<T>(method: Method, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    if (this.options.adminToken) headers.Authorization = `Bearer ${this.options.adminToken}`;
    return this.send<T>(method, path, headers, body);
  }

  private unitHeaders(): Record<string, string> {
    return {
      'Ocp-Apim-Subscription-Key': this.options.subscriptionKey,
      'Merchant-Serial-Number': this.options.msn,
      'Vipps-System-Name': 'betal-cli',
      'Vipps-System-Version': '0.1.0',
    };
  }

  private async accessToken(): Promise<string> {
    if (this.token) return this.token;
    const answer = await this.send<{ access_token: string }>('POST', '/accesstoken/get', {
      client_id: this.options.clientId,
      client_secret: this.options.clientSecret,
      ...this.unitHeaders(),
    });
    this.token = answer.access_token;
    return this.token;
  }

  private async send<T>(
    method: Method,
    path: string,
    headers: Record<string, string>,
    body?: unknown,
  ): Promise<T> {
    const url = `${this.options.url}${path}`;
    let res: Response;
    try {
      res = await this.fetchImpl(url, {
        method,
        headers: {
          Accept: 'application/json',
          ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
          ...headers,
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        redirect: 'manual',
      });
    } catch (error) {
      throw unreachable(this.options.url, error);
    }
    const text = await res.text();
    let parsed: unknown = undefined;
    if (text !== '') {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    if (!res.ok) throw new ProblemError(res.status, parsed, method, path);
    return parsed as T;
  }
}

/** The error for a fetch that got no answer: not running (connection refused), or the network's reason. */
function unreachable(url: string, error: unknown): VerbError {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code ?? (error as { code?: string }).code;
  if (code === 'ECONNREFUSED') return new NotRunningError(url, code);
  const reason = code ?? cause?.message ?? (error as Error).message;
  return new VerbError(`Cannot reach the Betal platform at ${url}: ${reason}`, 1, { url, cause: reason });
}
