import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { Worker } from 'node:worker_threads';
import { createMerchant, type MerchantConfig } from '@betal/merchant';
import { logStream, type OutputOptions } from './output.js';

/** What `betal dev` hands the merchant's worker thread. */
interface MerchantWorkerData {
  config: MerchantConfig;
  output: OutputOptions;
  /** Whether the main thread's log target is a terminal (colours the pretty lines). */
  isTty: boolean;
  /** One float: the platform clock's offset from real time, in ms, kept current by the main thread. */
  clockOffset: SharedArrayBuffer;
}

/** What the worker tells the main thread. */
type MerchantWorkerMessage =
  | {
      type: 'ready';
      url: string;
      webhook: { ok: true; url: string } | { ok: false; error: string } | undefined;
    }
  | { type: 'failed'; message: string }
  | { type: 'closed' };

/** The reference merchant of `betal dev`, running in its own worker thread: its URL, webhook, and how to stop it. */
export interface MerchantThread {
  url: string;
  /** The webhook registration at start: registered at `url`, or the error; undefined when registration is off. */
  webhook: { ok: true; url: string } | { ok: false; error: string } | undefined;
  /** Closes the merchant (its server and store) and ends the thread. */
  close(): Promise<void>;
}

/**
 * Starts the reference merchant in a worker thread of its own (issue #15), so that its handling of webhooks and
 * page requests never shares the platform's event loop. The merchant keeps the platform's time: `clockOffsetMs`
 * is read by the main thread after every change of the platform clock ({@link publishClockOffset}) and the
 * worker's clock is real time plus that offset, as the platform's is. Resolves once the merchant listens (and has
 * registered its webhook); rejects with the merchant's error when it cannot start.
 */
export function startMerchantThread(
  config: MerchantConfig,
  output: OutputOptions,
  isTty: boolean,
  clockOffset: SharedArrayBuffer,
): Promise<MerchantThread> {
  const data: MerchantWorkerData = { config, output, isTty, clockOffset };
  const worker = new Worker(new URL(import.meta.url), { workerData: data });
  let exited = false;
  worker.once('exit', () => (exited = true));
  return new Promise((resolve, reject) => {
    const onExit = (code: number) => reject(new Error(`the merchant's thread exited with ${code}`));
    worker.once('error', reject);
    worker.once('exit', onExit);
    worker.once('message', (message: MerchantWorkerMessage) => {
      if (message.type === 'failed') {
        reject(new Error(message.message));
        return;
      }
      if (message.type !== 'ready') return;
      worker.off('exit', onExit);
      worker.off('error', reject);
      resolve({
        url: message.url,
        webhook: message.webhook,
        close: () =>
          new Promise<void>((done) => {
            if (exited) return done();
            worker.once('exit', () => done());
            worker.postMessage('close');
          }),
      });
    });
  });
}

/**
 * Keeps the merchant thread's view of the platform clock current: the clock's `advance` and `catchUp` write its
 * offset (ms ahead of real time) into `clockOffset` after they run. Call once, before the merchant starts.
 */
export function publishClockOffset(
  clock: { offset: number; advance(ms: number): void; catchUp(offsetMs: number): boolean },
  clockOffset: SharedArrayBuffer,
): void {
  const view = new Float64Array(clockOffset);
  view[0] = clock.offset;
  const advance = clock.advance.bind(clock);
  const catchUp = clock.catchUp.bind(clock);
  clock.advance = (ms) => {
    advance(ms);
    view[0] = clock.offset;
  };
  clock.catchUp = (offsetMs) => {
    const moved = catchUp(offsetMs);
    view[0] = clock.offset;
    return moved;
  };
}

/** The worker's side: create the merchant, listen, report, and close on the main thread's word. */
async function runMerchant(data: MerchantWorkerData): Promise<void> {
  const port = parentPort;
  if (!port) return;
  const offset = new Float64Array(data.clockOffset);
  try {
    const merchant = await createMerchant(data.config, {
      now: () => Date.now() + (offset[0] ?? 0),
      logStream: logStream(data.output, 'merchant', data.isTty),
    });
    const url = await merchant.listen();
    const status = merchant.registrar.status;
    port.on('message', (message) => {
      if (message !== 'close') return;
      void merchant.close().finally(() => process.exit(0));
    });
    const webhook =
      status === undefined
        ? undefined
        : status.ok
          ? { ok: true as const, url: status.registration.url }
          : { ok: false as const, error: status.error };
    port.postMessage({ type: 'ready', url, webhook } satisfies MerchantWorkerMessage);
  } catch (error) {
    port.postMessage({
      type: 'failed',
      message: error instanceof Error ? (error.stack ?? error.message) : String(error),
    } satisfies MerchantWorkerMessage);
  }
}

if (!isMainThread && (workerData as { clockOffset?: unknown } | null)?.clockOffset) {
  await runMerchant(workerData as MerchantWorkerData);
}
