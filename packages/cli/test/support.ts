import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Io } from '../src/commands/io.js';
import { run } from '../src/commands/run.js';

/** The built CLI, packages/cli/dist/main.js (what `npm run build` makes). */
export const CLI = join(fileURLToPath(new URL('../../../', import.meta.url)), 'packages/cli/dist/main.js');

/** Whether the CLI is built: the tests that spawn it are skipped otherwise. */
export const CLI_BUILT = existsSync(CLI);

/** The ready line `betal start|dev --json` prints (packages/cli/src/output.ts). */
export interface Ready {
  ready: true;
  command: 'start' | 'dev';
  platform: { url: string; docs: string; health: string; ready: string };
  merchant?: { url: string; shop: string };
  salesUnits: {
    msn: string;
    clientId: string;
    clientSecret: string;
    subscriptionKey: string;
  }[];
  testUsers: string[];
}

/** A CLI process started by {@link startCli}: its ready line, everything it printed, and a way to stop it. */
export interface RunningCli {
  child: ChildProcess;
  ready: Ready;
  /** Every line of stdout so far (with `--json`, the ready line must be the only one). */
  stdoutLines: () => string[];
  stderr: () => string;
  stop: () => Promise<number | null>;
}

/**
 * Spawns `command args` (a `betal … --json` invocation), waits for the first stdout line and parses it as the
 * ready line. Rejects with everything printed if the process exits first or says nothing within `timeoutMs`.
 */
export function startCli(
  command: string,
  args: string[],
  options: {
    cwd: string;
    env?: NodeJS.ProcessEnv;
    /** The environment that `env` is added to; default process.env. */
    baseEnv?: NodeJS.ProcessEnv;
    timeoutMs?: number;
    /** Run in its own process group and stop the whole group (for `npx`, which runs the CLI as a child). */
    group?: boolean;
  },
): Promise<RunningCli> {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { ...(options.baseEnv ?? process.env), ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.group === true,
  });
  let out = '';
  let err = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      if (options.group && child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
      else child.kill('SIGTERM');
    }
    return exited;
  };
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void stop();
      reject(error);
    };
    const timer = setTimeout(
      () => fail(new Error(`no ready line within ${options.timeoutMs ?? 20_000} ms:\n${out}\n${err}`)),
      options.timeoutMs ?? 20_000,
    );
    child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (settled || !out.includes('\n')) return;
      const line = out.slice(0, out.indexOf('\n'));
      let ready: Ready;
      try {
        ready = JSON.parse(line) as Ready;
      } catch {
        return fail(new Error(`the first stdout line is not JSON: ${line}\n${err}`));
      }
      settled = true;
      clearTimeout(timer);
      resolve({
        child,
        ready,
        stdoutLines: () => out.split('\n').filter((l) => l !== ''),
        stderr: () => err,
        stop,
      });
    });
    void exited.then((code) =>
      fail(new Error(`${command} exited with ${code} before it was ready:\n${out}\n${err}`)),
    );
  });
}

/** Asks for a token with a sales unit's credentials (contract 2) and returns the access token. */
export async function accessToken(url: string, unit: Ready['salesUnits'][number]): Promise<string> {
  const res = await fetch(`${url}/accesstoken/get`, {
    method: 'POST',
    headers: {
      client_id: unit.clientId,
      client_secret: unit.clientSecret,
      'Ocp-Apim-Subscription-Key': unit.subscriptionKey,
      'Merchant-Serial-Number': unit.msn,
    },
  });
  if (res.status !== 200) throw new Error(`token: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** Creates a WEB_REDIRECT payment of 100.00 NOK; returns the status and the answer's body. */
export async function createPayment(
  url: string,
  unit: Ready['salesUnits'][number],
  token: string,
  reference: string,
): Promise<{ status: number; body: { reference?: string; redirectUrl?: string } }> {
  const res = await fetch(`${url}/epayment/v1/payments`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${token}`,
      'Ocp-Apim-Subscription-Key': unit.subscriptionKey,
      'Merchant-Serial-Number': unit.msn,
      'Idempotency-Key': `create-${reference}`,
      'Content-Type': 'application/json',
    },
    body: JSON.stringify({
      amount: { currency: 'NOK', value: 10000 },
      paymentMethod: { type: 'WALLET' },
      customer: { phoneNumber: '4712345678' },
      reference,
      returnUrl: 'https://example.com/return',
      userFlow: 'WEB_REDIRECT',
      paymentDescription: 'Packaging test',
    }),
  });
  return { status: res.status, body: (await res.json()) as { reference?: string; redirectUrl?: string } };
}

/** What an in-process run of `betal` gave: its exit status, stdout, stderr, and stdout read as JSON. */
export interface Ran {
  code: number;
  out: string;
  err: string;
  json: () => any;
}

/**
 * Runs `betal <args>` in-process (no child process), capturing stdout, stderr and the exit status. `io` replaces
 * parts of the {@link Io} (its `env`, default empty, say).
 */
export async function betalInProcess(args: string[], io: Partial<Io> = {}): Promise<Ran> {
  let out = '';
  let err = '';
  const code = await run(args, {
    out: (s) => void (out += s),
    err: (s) => void (err += s),
    env: {},
    setExitCode: () => undefined,
    ...io,
  });
  return { code, out, err, json: () => JSON.parse(out) };
}

/** {@link betalInProcess} against the platform at `url` (`--url url` after the arguments). */
export function betalAt(url: string, args: string[], io: Partial<Io> = {}): Promise<Ran> {
  return betalInProcess([...args, '--url', url], io);
}

/**
 * The arguments of `betal dev` on ports the system picks, with both stores in memory (add `--json` and others
 * after them).
 */
export const DEV_IN_MEMORY = [
  'dev',
  '--port',
  '0',
  '--merchant-port',
  '0',
  '--db',
  ':memory:',
  '--merchant-db',
  ':memory:',
] as const;

/** A sales unit's API headers for JSON calls: its token (from {@link accessToken}), subscription key and MSN. */
export async function apiHeaders(
  url: string,
  unit: Ready['salesUnits'][number],
): Promise<Record<string, string>> {
  return {
    Authorization: `Bearer ${await accessToken(url, unit)}`,
    'Ocp-Apim-Subscription-Key': unit.subscriptionKey,
    'Merchant-Serial-Number': unit.msn,
    'Content-Type': 'application/json',
  };
}

/** What {@link sendAlone} answers: the status, the `X-Betal-Worker` that answered, and the JSON body (`{}` if none). */
export interface AloneAnswer {
  status: number;
  worker: string;
  json: Record<string, unknown>;
}

/**
 * One request on a connection of its own (no keep-alive), so that a cluster may hand it to any worker. Rejects on
 * a cut socket, and after `timeoutMs` without an answer when given.
 */
export function sendAlone(
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: unknown,
  timeoutMs?: number,
): Promise<AloneAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({
          status: res.statusCode ?? 0,
          worker: String(res.headers['x-betal-worker']),
          json: (text ? JSON.parse(text) : {}) as Record<string, unknown>,
        });
      });
    });
    req.on('error', reject);
    if (timeoutMs !== undefined) {
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    }
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}
