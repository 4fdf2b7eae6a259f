import { spawn, type ChildProcess } from 'node:child_process';

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
