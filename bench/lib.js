// Shared helpers of the benchmarks: free ports, child processes, autocannon runs, memory of a process.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import autocannon from 'autocannon';

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Spawns `node args...` and resolves once `isReady()` answers true; gives the child and the ms it took. */
export async function startProcess(args, env, isReady) {
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child.stdout.resume();
  for (let i = 0; i < 2000; i++) {
    if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited with ${child.exitCode}`);
    if (await isReady().catch(() => false)) return { child, readyMs: performance.now() - started };
    await new Promise((r) => setTimeout(r, 5));
  }
  child.kill('SIGKILL');
  throw new Error('process did not become ready in 10 s');
}

/** Resident set size of a process, in MB (Linux /proc). */
export function rssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

/** Seconds of unrecorded load before each measured one (JIT, caches), env BENCH_WARMUP_SECONDS (default 2). */
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);

/**
 * Runs autocannon and returns requests/s, p50/p99 latency (ms), non-2xx count and total requests. A duration-bound
 * run is preceded by {@link WARMUP_SECONDS} of the same load, not recorded; an `amount`-bound run (memory) is not.
 */
export async function load(options) {
  if (options.amount === undefined && WARMUP_SECONDS > 0) {
    await autocannon({ connections: 50, ...options, duration: WARMUP_SECONDS });
  }
  const result = await autocannon({ connections: 50, duration: 10, ...options });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    total: result.requests.total,
  };
}

export function fmt(n, digits = 0) {
  return Number(n).toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** The median of a list of numbers. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** How far apart measurements of one thing are: (max − min) / max, as a fraction (0.25 = 25 %). */
export function spread(values) {
  const max = Math.max(...values);
  return max === 0 ? 0 : (max - Math.min(...values)) / max;
}

/** `PASS` or `FAIL`. */
export function verdict(ok) {
  return ok ? 'PASS' : 'FAIL';
}

/** Waits for `child` to print its first line on stdout and parses it as JSON (the `--json` ready line). */
export function firstJsonLine(child, timeoutMs = 20_000) {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error('no ready line in time')), timeoutMs);
    const onData = (chunk) => {
      text += chunk.toString('utf8');
      const end = text.indexOf('\n');
      if (end === -1) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.stdout.resume();
      try {
        resolve(JSON.parse(text.slice(0, end)));
      } catch (error) {
        reject(error);
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited with ${code} before its ready line`)));
  });
}

/**
 * A JSON caller of the platform at `url`: `json(method, path, body?, headers?)` sends `body` as JSON and answers the
 * parsed body (undefined for a 204); a 4xx or 5xx rejects with the status and the answer's text.
 */
export function jsonCaller(url) {
  return async function json(method, path, body, headers = {}) {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.status === 204 ? undefined : res.json();
  };
}

/**
 * What makes `count` WEB_REDIRECT payments of NOK 100.00 at once through `json` (a {@link jsonCaller}), with the
 * given headers; references `{prefix}-{n}`, counted across calls, each its own Idempotency-Key.
 */
export function paymentMaker(json, prefix, count) {
  let seq = 0;
  return async (headers) => {
    await Promise.all(
      Array.from({ length: count }, async () => {
        const reference = `${prefix}-${++seq}`;
        await json(
          'POST',
          '/epayment/v1/payments',
          {
            amount: { currency: 'NOK', value: 10_000 },
            paymentMethod: { type: 'WALLET' },
            reference,
            userFlow: 'WEB_REDIRECT',
            returnUrl: 'https://example.com/return',
          },
          { ...headers, 'idempotency-key': reference },
        );
      }),
    );
  };
}

/** Prints one line of timings in ms: the label, then the median, p95 and max of `ms`. */
export function printTimings(label, ms) {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  console.log(
    `${label.padEnd(34)} median ${fmt(at(0.5), 2)} ms   p95 ${fmt(at(0.95), 2)} ms   max ${fmt(sorted.at(-1), 2)} ms`,
  );
}
