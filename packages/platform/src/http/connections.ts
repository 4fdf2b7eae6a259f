import type { ServerOptions } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { HttpTimeouts } from '../config.js';

/** The Server-Sent Events endpoints (customer/live-routes.ts): exempt from the idle timeout, answered at once on HEAD. */
const EVENT_STREAM = /^\/app\/api\/(users|landing)\/[^/?]+\/events(\?|$)/;

/** True for the path of a Server-Sent Events endpoint. */
export function isEventStreamPath(url: string): boolean {
  return EVENT_STREAM.test(url);
}

/**
 * The Fastify server options that set the HTTP timeouts (ms): `requestTimeout` (headers and body, a trickled body
 * included, answered 408 and closed), `headersTimeout`, `keepAliveTimeout`, and `connectionTimeout` (the socket's
 * idle timeout: a connection on which nothing moves is closed). Node checks the first two every
 * `connectionsCheckingInterval`, which is set to a quarter of the shortest (at most 1 s) so that a short timeout
 * is kept to closely. `headersTimeout` is capped at `requestTimeout`, as Node requires.
 */
export function timeoutOptions(t: HttpTimeouts): {
  requestTimeout: number;
  keepAliveTimeout: number;
  connectionTimeout: number;
  http: ServerOptions;
} {
  const headers =
    t.requestMs > 0 && (t.headersMs === 0 || t.headersMs > t.requestMs) ? t.requestMs : t.headersMs;
  const shortest = Math.min(...[t.requestMs, headers].filter((ms) => ms > 0), 4_000);
  return {
    requestTimeout: t.requestMs,
    keepAliveTimeout: t.keepAliveMs,
    connectionTimeout: t.idleMs,
    http: {
      // A request without Host is answered by the platform in its API's error shape (server.ts), not by Node.
      requireHostHeader: false,
      headersTimeout: headers,
      connectionsCheckingInterval: Math.max(10, Math.floor(shortest / 4)),
    },
  };
}

/**
 * Keeps Server-Sent Events streams open as long as the client reads: their socket's idle timeout is turned off
 * for the stream (and set back to `idleMs` when the response finishes, should the connection be reused). `HEAD`
 * on an events endpoint is answered at once with the stream's headers and no body, instead of an open stream.
 */
export function registerEventStreamExemptions(app: FastifyInstance, timeouts: HttpTimeouts): void {
  app.addHook('onRequest', async (request, reply) => {
    const route = request.routeOptions.url;
    if (!isEventStreamPath(route ?? request.url)) return;
    if (request.method === 'HEAD') {
      return reply
        .code(200)
        .header('content-type', 'text/event-stream; charset=utf-8')
        .header('cache-control', 'no-store')
        .header('x-content-type-options', 'nosniff')
        .send();
    }
    if (request.method !== 'GET') return;
    const socket = request.raw.socket;
    socket.setTimeout(0);
    reply.raw.once('finish', () => {
      if (!socket.destroyed) socket.setTimeout(timeouts.idleMs);
    });
  });
}
