import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Command } from 'commander';
import { EPAYMENT_WEBHOOK_EVENTS, signWebhook } from '@betal/platform';
import { VerbError, type PlatformHttp } from './http.js';
import { processIo, type Io } from './io.js';
import { verb } from './verb.js';

/** How long the target of `--forward-to` may take to answer a forwarded delivery: 10 s, as the platform waits. */
const FORWARD_TIMEOUT_MS = 10_000;

/** Headers that belong to one hop and are not forwarded. */
const HOP_HEADERS = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive']);

interface ListenOptions {
  forwardTo?: string;
  events?: string;
}

/** One delivery as `listen` printed it (`--json`: one such line per delivery). */
export interface ForwardedDelivery {
  at: string;
  event: string | null;
  reference: string | null;
  /** The target's HTTP status, or null when it gave none. */
  status: number | null;
  error: string | null;
  latencyMs: number;
}

/** Forwards one request to `target` and answers its status, or the error (never throws). */
function forward(
  target: URL,
  headers: Record<string, string>,
  body: Buffer,
): Promise<{ status: number | null; error: string | null }> {
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const req = send(
      target,
      { method: 'POST', headers: { ...headers, 'content-length': String(body.length) }, agent: false },
      (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? null, error: null });
      },
    );
    req.setTimeout(FORWARD_TIMEOUT_MS, () => {
      req.destroy();
      resolve({ status: null, error: `no answer within ${FORWARD_TIMEOUT_MS / 1000} s` });
    });
    req.on('error', (error: NodeJS.ErrnoException) =>
      resolve({ status: null, error: error.code ?? error.message }),
    );
    req.end(body);
  });
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The line `listen` prints for a delivery: time, event, reference, and what the target answered. */
export function forwardedLine(d: ForwardedDelivery): string {
  const answer = d.status === null ? `error ${d.error ?? ''}`.trim() : `${d.status}`;
  return `${d.at}  ${(d.event ?? '?').padEnd(10)}  ${(d.reference ?? '?').padEnd(24)}  --> ${answer} (${Math.round(d.latencyMs)} ms)`;
}

/**
 * Runs `betal listen` until `io.signal` aborts (Ctrl-C) or SIGTERM: starts a receiver on 127.0.0.1:0, registers it
 * for the sales unit's `events` (Webhooks API, contract 4.1), prints the secret, forwards every delivery to
 * `target` and prints a line for each; then deletes the registration and stops the receiver. A forwarded delivery
 * keeps its headers and body and is signed again for `target` with the same secret and `x-ms-date` (contract
 * 4.4), so a receiver that verifies against its own URL accepts it; the platform gets the target's status (a
 * failure is retried as any other). Throws VerbError when the target is not an http(s) URL, ProblemError when the
 * registration is refused.
 */
async function listen(http: PlatformHttp, io: Io, target: URL, events: string[]): Promise<void> {
  const json = http.options.json;
  let secret = '';
  let announce: () => void = () => undefined;
  const registered = new Promise<void>((resolve) => (announce = resolve));
  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      await registered;
      const started = performance.now();
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (value !== undefined && !HOP_HEADERS.has(name))
          headers[name] = Array.isArray(value) ? value.join(', ') : value;
      }
      const date = headers['x-ms-date'];
      const signed = signWebhook({ secret, url: target.href, body, ...(date ? { date } : {}) });
      headers['x-ms-content-sha256'] = signed['x-ms-content-sha256'];
      headers.authorization = signed.authorization;
      headers['x-ms-date'] = signed['x-ms-date'];
      const answer = await forward(target, headers, body);
      let payload: { name?: unknown; reference?: unknown } = {};
      try {
        payload = JSON.parse(body.toString('utf8')) as typeof payload;
      } catch {
        // not JSON: printed as ?
      }
      const line: ForwardedDelivery = {
        at: new Date().toISOString(),
        event: typeof payload.name === 'string' ? payload.name : null,
        reference: typeof payload.reference === 'string' ? payload.reference : null,
        ...answer,
        latencyMs: Math.round((performance.now() - started) * 10) / 10,
      };
      io.out(json ? `${JSON.stringify(line)}\n` : `${forwardedLine(line)}\n`);
      res.writeHead(answer.status ?? 502).end();
    })().catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const stop = new AbortController();
  const onTerm = () => stop.abort();
  process.once('SIGTERM', onTerm);
  io.signal?.addEventListener('abort', onTerm, { once: true });
  let id: string | undefined;
  try {
    const created = await http.vipps<{ id: string; secret: string }>('POST', '/webhooks/v1/webhooks', {
      url,
      events,
    });
    id = created.id;
    secret = created.secret;
    announce();
    if (json) {
      io.out(
        `${JSON.stringify({ ready: true, id, secret, msn: http.options.msn, url, forwardTo: target.href, events })}\n`,
      );
    } else {
      io.out(
        [
          `Ready: webhooks of MSN ${http.options.msn} go to ${url} and are forwarded to ${target.href}`,
          `Webhook secret (verify with it; forwarded deliveries are signed for ${target.host}): ${secret}`,
          `Registration ${id}, deleted when you stop (Ctrl-C). Events: ${events.join(', ')}`,
          '',
          '',
        ].join('\n'),
      );
    }
    if (!stop.signal.aborted && !io.signal?.aborted) {
      await new Promise<void>((resolve) =>
        stop.signal.addEventListener('abort', () => resolve(), { once: true }),
      );
    }
  } finally {
    process.off('SIGTERM', onTerm);
    io.signal?.removeEventListener('abort', onTerm);
    if (id !== undefined) {
      await http.vipps('DELETE', `/webhooks/v1/webhooks/${encodeURIComponent(id)}`).catch(() => undefined);
      if (!json) io.out(`Deleted the registration ${id}.\n`);
    }
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

/**
 * `betal listen --forward-to URL [--events …]`: a local webhook receiver for the sales unit, forwarding every
 * delivery to your URL, as `stripe listen` does (see {@link listen}).
 */
export function registerListen(program: Command, io: Io = processIo()): void {
  verb<ListenOptions>(
    program
      .command('listen')
      .description(
        'register a webhook for the sales unit, print its secret and forward every delivery to --forward-to, until Ctrl-C',
      )
      .option(
        '--forward-to <url>',
        'where to forward each delivery, e.g. http://127.0.0.1:3000/webhooks/vipps',
      )
      .option(
        '--events <events>',
        'comma-separated event names (default every ePayment event: epayments.payment.*.v1)',
      ),
    io,
    [
      'betal listen --forward-to http://127.0.0.1:3000/webhooks/vipps',
      'betal listen --forward-to http://127.0.0.1:3000/hooks --msn 654321 --events epayments.payment.captured.v1',
      'betal listen --forward-to http://127.0.0.1:3000/hooks --json   # a ready line, then one line per delivery',
    ].join('\n'),
    async ({ http }, _args, opts) => {
      if (!opts.forwardTo)
        throw new VerbError('--forward-to is required: where to forward the deliveries', 2);
      let target: URL;
      try {
        target = new URL(opts.forwardTo);
      } catch {
        throw new VerbError(`--forward-to must be an http(s) URL, not ${opts.forwardTo}`, 2);
      }
      if (target.protocol !== 'http:' && target.protocol !== 'https:') {
        throw new VerbError(`--forward-to must be an http(s) URL, not ${opts.forwardTo}`, 2);
      }
      const events = opts.events
        ? opts.events
            .split(',')
            .map((e) => e.trim())
            .filter(Boolean)
        : [...EPAYMENT_WEBHOOK_EVENTS];
      await listen(http, io, target, events);
      return undefined;
    },
  );
}
