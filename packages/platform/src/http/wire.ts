import type { Socket } from 'node:net';
import { ApiError } from '../kernel/errors.js';
import { apiOfPath, phraseOf, renderApiError } from './apis.js';

/**
 * A lint notice refused because the platform runs in strict mode (`--strict`, `BETAL_STRICT=1`): every accepted
 * deviation from the spec becomes a 400 in the API's own error shape. It is deliberately neither a FieldError nor a
 * DomainError, so that a service never keeps it as an answer: thrown inside a store command it rolls the command
 * back, and the API's error handler answers it.
 */
export class StrictLintError extends Error {
  constructor(
    /** The field or header the notice is about (`$` for the request as a whole). */
    readonly field: string,
    /** The lint notice, as it would have appeared in `x-betal-lint`. */
    readonly notice: string,
  ) {
    super(notice);
    this.name = 'StrictLintError';
  }
}

/** The field a lint notice is about: its leading field path (`amount.value`, `paymentType`), else `$`. */
export function fieldOfNotice(notice: string): string {
  const head = /^([A-Za-z][\w-]*(?:\[\d+\])*(?:\.[A-Za-z_][\w-]*(?:\[\d+\])*)*)(?=[\s:'])/.exec(notice);
  const word = head?.[1];
  if (word === 'Path') return 'path';
  // Sentences that start with an ordinary word are about the request as a whole.
  return !word || /^(Rate|The|A|An)$/.test(word) ? '$' : word;
}

/**
 * The lint notices of one request in strict mode: an array whose `push` throws {@link StrictLintError} instead of
 * keeping the notice. Everything that reports a deviation (`request.lintNotices.push(...)`) therefore refuses it,
 * before anything is stored.
 */
export function strictNotices(): string[] {
  const notices: string[] = [];
  Object.defineProperty(notices, 'push', {
    value: (...items: string[]): number => {
      const first = items[0];
      if (first !== undefined) throw new StrictLintError(fieldOfNotice(first), first);
      return notices.length;
    },
  });
  return notices;
}

/**
 * Compares the path a request was sent to with the route's path as the spec spells it: the gateway matches paths
 * case-insensitively and with or without a trailing slash, so `POST /accessToken/get` and
 * `POST /order-management/v1/images/` reach their endpoints. Returns a lint notice when the spelling differs (a
 * static segment in another case, or a trailing slash the spec lacks or has), else undefined. Path parameters
 * (`:reference`, `*`) are never compared. `path` is the request's path without the query.
 */
export function pathSpellingNotice(routeUrl: string, path: string): string | undefined {
  const trim = (p: string) => (p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p);
  const sent = trim(path).split('/');
  const spec = trim(routeUrl).split('/');
  const differs: string[] = [];
  for (let i = 0; i < spec.length; i++) {
    const want = spec[i] as string;
    if (want.startsWith(':') || want === '*') continue;
    const got = sent[i];
    if (got !== undefined && got !== want && got.toLowerCase() === want.toLowerCase()) differs.push(got);
  }
  const slash = path.length > 1 && path.endsWith('/') !== routeUrl.endsWith('/');
  if (differs.length === 0 && !slash) return undefined;
  const what = [
    ...(differs.length > 0 ? [`${differs.map((d) => `'${d}'`).join(', ')} in another case`] : []),
    ...(slash ? [path.endsWith('/') ? 'a trailing slash' : 'no trailing slash'] : []),
  ].join(' and ');
  return `Path ${path.slice(0, 200)} was taken as ${routeUrl} (it has ${what}); the spec spells it so.`;
}

/**
 * The origin-form of a request target: an absolute-form target (`http://host:8080/epayment/v1/payments?x=1`, which
 * HTTP/1.1 servers must accept, RFC 9112 section 3.2.2) becomes its path and query; anything else is unchanged.
 */
export function absoluteFormPath(target: string): string {
  if (target.startsWith('/')) return target;
  const match = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(target);
  if (!match) return target;
  const rest = target.slice(match[0].length);
  return rest.startsWith('/') ? rest : `/${rest}`;
}

/** How many bytes of a request head the HTTP parser reads (node's default `maxHeaderSize`, 16 KiB). */
export const MAX_HEADER_BYTES = 16 * 1024;

/**
 * The request line at the start of a raw packet: its target, and whether the line ends in this packet. Undefined
 * when the packet does not start with `METHOD target` (it may be a later part of the head, where the parser
 * stopped).
 */
function requestLine(raw: Buffer | undefined): { target: string; complete: boolean } | undefined {
  if (!raw || raw.length === 0) return undefined;
  const text = raw.subarray(0, Math.min(raw.length, MAX_HEADER_BYTES + 1024)).toString('latin1');
  const end = text.indexOf('\n');
  const line = end === -1 ? text : text.slice(0, end);
  const match = /^\S{1,20} (\S+)/.exec(line);
  if (!match) return undefined;
  return { target: match[1] as string, complete: end !== -1 };
}

/** What the edge answers for an error of node's HTTP parser: status and detail. */
function edgeError(
  code: string | undefined,
  line: ReturnType<typeof requestLine>,
): {
  status: number;
  detail: string;
} {
  if (code === 'HPE_HEADER_OVERFLOW') {
    // The request line alone fills most of the buffer: the URL is what is too long.
    const looksLikeTarget = line !== undefined && /^(\/|[a-z][a-z0-9+.-]*:\/\/)/i.test(line.target);
    if (line && looksLikeTarget && (!line.complete || line.target.length > MAX_HEADER_BYTES / 2)) {
      return { status: 414, detail: 'The request target is longer than this server accepts (16 KiB).' };
    }
    return {
      status: 431,
      detail: 'The request headers are larger than this server accepts (16 KiB in all).',
    };
  }
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT' || code === 'ERR_HTTP_HEADERS_TIMEOUT') {
    return { status: 408, detail: 'The request did not arrive in time.' };
  }
  if (code === 'HPE_INVALID_VERSION') {
    // A 4xx, not 505: the request is what is wrong, and bad input never gets a 5xx here.
    return { status: 400, detail: 'The HTTP version of the request line is not valid; use HTTP/1.1.' };
  }
  if (code === 'HPE_INVALID_METHOD') {
    return { status: 400, detail: 'The request line does not start with a valid HTTP method.' };
  }
  if (code === 'HPE_INVALID_URL' || code === 'HPE_INVALID_TARGET') {
    return {
      status: 400,
      detail: 'The request target is not a valid origin-form URL (it must start with /).',
    };
  }
  return { status: 400, detail: 'The request is not valid HTTP/1.1.' };
}

/**
 * Answers a request node's HTTP parser refused before any route saw it (the server's `clientError`): a bad
 * request line, a target without a leading slash, headers over 16 KiB (431; 414 when the request target is over half of them), a
 * header timeout (408). The answer is in the error shape of the API the target's path belongs to
 * ({@link apiOfPath}; the platform's Problem when there is none), and says `Connection: close`, because the
 * socket is closed after it: the parser cannot find where the next request would start. Source: RFC 9112
 * section 9.6, contract 1.
 */
export function answerClientError(
  error: Error & { code?: string; rawPacket?: unknown },
  socket: Socket,
  traceId: () => string,
): void {
  if (error.code === 'ECONNRESET' || error.code === 'EPIPE' || socket.destroyed) {
    socket.destroy();
    return;
  }
  const line = requestLine(Buffer.isBuffer(error.rawPacket) ? error.rawPacket : undefined);
  const { status, detail } = edgeError(error.code, line);
  const sent = line?.target ?? '';
  // A target without its leading slash (`epayment/v1/payments`) is still read as the path it names.
  const target = sent.startsWith('/') || /^[a-z][a-z0-9+.-]*:\/\//i.test(sent) ? sent : `/${sent}`;
  const path = (target.startsWith('/') ? target : '/').split('?')[0] ?? '/';
  const rendered = renderApiError(apiOfPath(target), new ApiError(status, detail), {
    traceId: traceId(),
    path,
  });
  const body = JSON.stringify(rendered.body);
  const head = [
    `HTTP/1.1 ${status} ${phraseOf(status)}`,
    `Content-Type: ${rendered.contentType}`,
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    `Date: ${new Date().toUTCString()}`,
  ].join('\r\n');
  const send = () => {
    if (socket.writable) socket.end(`${head}\r\n\r\n${body}`);
    else socket.destroy();
  };
  // A pipelined request before the bad one may still be answering: let its response go out first. A request that
  // timed out is itself the one in flight (its handler still waits for the body), so it is answered at once.
  const pending = (socket as Socket & { _httpMessage?: { writableFinished: boolean; once: Socket['once'] } })
    ._httpMessage;
  const timedOut = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' || error.code === 'ERR_HTTP_HEADERS_TIMEOUT';
  if (pending && !pending.writableFinished && !timedOut) pending.once('finish', send);
  else send();
}
