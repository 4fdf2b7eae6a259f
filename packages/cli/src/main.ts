#!/usr/bin/env node
import cluster from 'node:cluster';
import { Command } from 'commander';
import { registerApprove } from './commands/approve.js';
import { registerCheck } from './commands/check.js';
import { registerClock } from './commands/clock.js';
import { registerFaults } from './commands/faults.js';
import { registerCrowd } from './commands/crowd.js';
import { registerListen } from './commands/listen.js';
import { registerLoad } from './commands/load.js';
import { registerMerchants } from './commands/merchants.js';
import { registerModify } from './commands/modify.js';
import { registerPayments } from './commands/payments.js';
import { registerReject } from './commands/reject.js';
import { registerReset } from './commands/reset.js';
import { registerSnapshot } from './commands/snapshot.js';
import { registerTrigger } from './commands/trigger.js';
import { registerWebhooks } from './commands/webhooks.js';
import { orSeedRefusal, seededLines, seedOrExit, type SeedOverride } from './commands/seed-file.js';
import { DEV_PIN, hostList, type PlatformConfig } from '@betal/platform';
import { composePlatform, redactDatabase, type ComposedPlatform } from '@betal/platform/internal';
import { outputOrExit, serveConfig, withServeOptions, type ServeOptions } from './commands/serve-options.js';
import { credentialLines, logStream, readyLine, type DevCredentials, type OutputOptions } from './output.js';

/** The dev sales units of a platform in dev mode, with the credentials a client needs (none outside dev mode). */
function devCredentials(platform: ComposedPlatform): DevCredentials[] {
  if (!platform.config.devMode) return [];
  return platform.directory.list().map((u) => ({
    msn: u.msn,
    name: u.name,
    market: u.market,
    currency: u.currency,
    clientId: u.clientId,
    clientSecret: u.clientSecret,
    subscriptionKey: u.subscriptionKeys[0] ?? '',
  }));
}

/** The platform's URLs of the ready line. */
function platformUrls(url: string) {
  return { url, docs: `${url}/docs`, health: `${url}/betal/health`, ready: `${url}/betal/ready` };
}

function banner(platform: ComposedPlatform, url: string): string {
  const lines = [
    '',
    `Betal platform ready at ${url}  (startup ${Math.round(performance.now())} ms)`,
    '',
    `  ePayment API       ${url}/epayment/v1/payments`,
    `  Access token       POST ${url}/accesstoken/get`,
    `  OpenAPI document   ${url}/docs`,
    `  Health, clock      ${url}/betal/health  ${url}/betal/clock`,
    `  Store              ${redactDatabase(platform.config.database)}`,
    ...credentialLines(devCredentials(platform)),
  ];
  return lines.join('\n');
}

interface StartOptions extends ServeOptions {
  publicUrl?: string;
  dev: boolean;
  adminToken?: string;
  allowWebhookHost?: string;
  storeLockMs?: number;
  requestTimeoutMs?: number;
  headersTimeoutMs?: number;
  keepAliveTimeoutMs?: number;
  idleTimeoutMs?: number;
  workers?: number;
}

/**
 * `betal start --workers N` (N > 1), in the primary process: refuses unless the store is PostgreSQL (a SQLite file
 * is opened by one process only), opens the platform once without serving (so the migrations, the dev data and a
 * generated admin token are made once, not raced by N workers), then forks N workers with node:cluster. Each
 * worker runs `betal start` as usual and listens on the same port (the primary owns it and hands connections
 * round-robin; with port 0 the port picked is shared). Signals are passed to the workers; the primary exits when
 * they all have.
 */
async function startPrimary(
  config: PlatformConfig,
  workers: number,
  output: OutputOptions,
  seed: Partial<SeedOverride>,
): Promise<void> {
  if (!/^postgres(ql)?:\/\//i.test(config.database)) {
    console.error(
      'betal start: --workers needs a PostgreSQL store (--db postgres://...): a SQLite file is opened by one process only.',
    );
    process.exit(2);
  }
  const setup = await orSeedRefusal('start', () =>
    composePlatform(config, { logStream: logStream(output, 'platform'), ...seed }),
  );
  const generated = setup.adminTokenGenerated ? setup.config.adminToken : undefined;
  await setup.close();
  if (generated && !output.json) {
    console.log(`Admin token (generated now and kept in the store): ${generated}`);
  }
  for (let i = 0; i < workers; i++) cluster.fork();
  let alive = workers;
  let stopping = false;
  cluster.on('exit', (worker, code, signal) => {
    // A worker that died (killed, crashed) while the primary is not stopping is replaced: the new one rejoins on
    // the same port and database, and the others served meanwhile.
    if (!stopping && (code !== 0 || signal !== null)) {
      console.error(`betal start: worker ${worker.id} exited with ${signal ?? code}; starting another.`);
      cluster.fork();
      return;
    }
    alive -= 1;
    if (code !== 0) console.error(`betal start: worker ${worker.id} exited with ${code}.`);
    if (alive === 0) process.exit(code ?? 0);
  });
  const stop = (signal: NodeJS.Signals) => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

/**
 * `BETAL_WEBHOOK_LEASE_MS`: how long a process's claim on due webhook deliveries lasts (real ms, default 300 000)
 * before another process sharing the database sends them instead; a shorter lease re-sends sooner what a killed
 * process had claimed (and risks sending twice what a slow one still sends).
 */
function webhookOverridesFromEnv(): { webhooks?: { claimLeaseMs: number } } {
  const lease = Number(process.env.BETAL_WEBHOOK_LEASE_MS);
  return Number.isFinite(lease) && lease > 0 ? { webhooks: { claimLeaseMs: lease } } : {};
}

/** True for an interface only this machine can reach. */
function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/** Applies the flags of issue #10 (admin token, webhook allow list, store lock wait, HTTP timeouts) over the env. */
function applySafetyOptions(config: PlatformConfig, opts: StartOptions): void {
  if (opts.adminToken) config.adminToken = opts.adminToken;
  if (opts.allowWebhookHost !== undefined) config.allowWebhookHosts = hostList(opts.allowWebhookHost);
  const durations: Array<[string, number | undefined, (ms: number) => void]> = [
    ['--store-lock-ms', opts.storeLockMs, (ms) => (config.storeLockWaitMs = ms)],
    ['--request-timeout-ms', opts.requestTimeoutMs, (ms) => (config.timeouts.requestMs = ms)],
    ['--headers-timeout-ms', opts.headersTimeoutMs, (ms) => (config.timeouts.headersMs = ms)],
    ['--keep-alive-timeout-ms', opts.keepAliveTimeoutMs, (ms) => (config.timeouts.keepAliveMs = ms)],
    ['--idle-timeout-ms', opts.idleTimeoutMs, (ms) => (config.timeouts.idleMs = ms)],
  ];
  for (const [flag, value, set] of durations) {
    if (value === undefined) continue;
    if (!Number.isFinite(value) || value < 0) {
      console.error(`betal start: ${flag} must be a number of milliseconds (0 or more).`);
      process.exit(2);
    }
    set(value);
  }
}

const program = new Command()
  .name('betal')
  .description(
    'Betal: an offline, deterministic Vipps MobilePay platform for development, CI and load tests',
  );

withServeOptions(
  program
    .command('start', { isDefault: true })
    .description('start the platform (dev mode, embedded SQLite store)'),
  {
    port: 'port to listen on (env PORT)',
    host: 'interface to listen on (env HOST)',
    db: 'SQLite file, :memory:, or a postgres:// URL (env BETAL_DB)',
  },
)
  .option('--public-url <url>', 'base of the URLs handed out, e.g. redirectUrl (env BETAL_PUBLIC_URL)')
  .option('--no-dev', 'production-like: no dev data, https URLs only, admin token, no test doors')
  .option(
    '--admin-token <token>',
    'admin token outside dev mode (env BETAL_ADMIN_TOKEN; default generated once)',
  )
  .option(
    '--allow-webhook-host <hosts>',
    'comma-separated webhook hosts allowed to be internal outside dev mode (env BETAL_ALLOW_WEBHOOK_HOSTS)',
  )
  .option(
    '--store-lock-ms <ms>',
    'how long a write waits for the SQLite lock (env BETAL_STORE_LOCK_MS)',
    Number,
  )
  .option(
    '--request-timeout-ms <ms>',
    'headers and body must arrive within (env BETAL_REQUEST_TIMEOUT_MS)',
    Number,
  )
  .option('--headers-timeout-ms <ms>', 'headers must arrive within (env BETAL_HEADERS_TIMEOUT_MS)', Number)
  .option(
    '--keep-alive-timeout-ms <ms>',
    'idle kept-alive connections close after (env BETAL_KEEP_ALIVE_TIMEOUT_MS)',
    Number,
  )
  .option('--idle-timeout-ms <ms>', 'silent connections close after (env BETAL_IDLE_TIMEOUT_MS)', Number)
  .option('--workers <n>', 'run N processes on one port (node:cluster); needs a postgres:// --db', (v) =>
    Number(v),
  )
  .action(async (opts: StartOptions) => {
    const output = outputOrExit('start', opts);
    const workers = opts.workers ?? 1;
    if (!Number.isInteger(workers) || workers < 1 || workers > 64) {
      console.error('betal start: --workers must be a whole number from 1 to 64.');
      process.exit(2);
    }
    const config = serveConfig(opts);
    if (opts.publicUrl) config.publicBaseUrl = opts.publicUrl.replace(/\/$/, '');
    if (!opts.dev) config.devMode = false;
    applySafetyOptions(config, opts);
    // With --workers the primary applies the seed once; the workers start on the seeded store.
    const seed = cluster.worker ? {} : await seedOrExit('start', opts.seed);
    if (workers > 1 && cluster.isPrimary) {
      await startPrimary(config, workers, output, seed);
      return;
    }
    const platform = await orSeedRefusal('start', () =>
      composePlatform(config, {
        logStream: logStream(output, 'platform'),
        ...webhookOverridesFromEnv(),
        ...seed,
      }),
    );
    const worker = cluster.worker;
    if (worker) {
      // Which worker answered: for the operator (and the test) to see the load spread.
      platform.app.addHook('onSend', async (_request, reply) => {
        reply.header('x-betal-worker', String(worker.id));
      });
    }
    const url = await platform.listen();
    const users = platform.config.devMode ? await platform.store.listUsers() : [];
    if (output.json) {
      process.stdout.write(
        readyLine({
          ready: true,
          command: 'start',
          platform: platformUrls(url),
          salesUnits: devCredentials(platform),
          testUsers: users.map((u) => u.phoneNumber),
          ...(platform.adminTokenGenerated ? { adminToken: platform.config.adminToken } : {}),
          ...(platform.seeded ? { seeded: platform.seeded } : {}),
        }),
      );
    }
    if (platform.config.devMode && !isLoopback(platform.config.host)) {
      console.warn(
        `\nWARNING: dev mode on ${platform.config.host}: the dashboard, test doors and credentials are open to the network. Use --no-dev for a shared platform.`,
      );
    }
    let text = [banner(platform, url), ...seededLines(platform.seeded)].join('\n');
    if (users.length) {
      text +=
        `\n\nTest users (phone numbers; outside dev mode the dev ones sign in to the app with PIN ${DEV_PIN}):\n` +
        users.map((u) => `  ${u.phoneNumber}  ${u.name} (${u.market})`).join('\n');
    } else if (!platform.config.devMode) {
      text +=
        '\n\nTest users sign in to the app with their phone number and PIN; the dev test users of a store seeded in' +
        ` dev mode have PIN ${DEV_PIN} until given their own (PATCH /betal/users/{phoneNumber} {"pin": ...}).`;
    }
    if (platform.adminTokenGenerated) {
      text +=
        '\n\nAdmin token (generated now and kept in the store; needed for the dashboard, the delivery log and test users):' +
        `\n  ${platform.config.adminToken}\n  In a browser: ${url}/betal/dashboard?admin_token=${platform.config.adminToken}`;
    } else if (!platform.config.devMode) {
      const configured = Boolean(opts.adminToken || process.env.BETAL_ADMIN_TOKEN);
      const where = configured ? 'as configured' : "printed at first start, kept in the store's settings";
      text += `\n\nThe admin endpoints need the admin token (${where}).`;
    }
    if (!output.json) console.log(`${text}\n`);
    const stop = async () => {
      await platform.close();
      process.exit(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

withServeOptions(
  program
    .command('dev')
    .description(
      'start the platform and the reference merchant together (embedded SQLite stores) and print where the five flows start',
    ),
  {
    port: 'platform port (env PORT, default 8080)',
    host: 'interface both listen on (env HOST, default 127.0.0.1)',
    db: 'platform SQLite file, :memory:, or a postgres:// URL (env BETAL_DB)',
  },
)
  .option('--merchant-port <port>', 'merchant port (env MERCHANT_PORT, default 3000)', (v) => Number(v))
  .option(
    '--merchant-db <path|url>',
    'merchant store: a SQLite file, :memory:, or a postgres:// URL (env MERCHANT_DB)',
  )
  .action(async (opts: ServeOptions & { merchantPort?: number; merchantDb?: string }) => {
    const output = outputOrExit('dev', opts);
    for (const [flag, value] of [
      ['--port', opts.port],
      ['--merchant-port', opts.merchantPort],
    ] as const) {
      if (value !== undefined && !(Number.isInteger(value) && value >= 0 && value <= 65535)) {
        console.error(`betal dev: ${flag} must be a port number from 0 to 65535.`);
        process.exit(2);
      }
    }
    const config = serveConfig(opts);
    config.devMode = true;
    const seed = await seedOrExit('dev', opts.seed);
    const platform = await orSeedRefusal('dev', () =>
      composePlatform(config, { logStream: logStream(output, 'platform'), ...seed }),
    );
    const platformUrl = await platform.listen();

    // Loaded here, not at the top: `betal start` and the other commands never load the merchant.
    const { merchantConfigFromEnv } = await import('@betal/merchant');
    const { publishClockOffset, startMerchantThread } = await import('./merchant-worker.js');
    const merchantConfig = merchantConfigFromEnv();
    if (opts.merchantPort !== undefined) merchantConfig.port = opts.merchantPort;
    if (opts.host) merchantConfig.host = opts.host;
    if (opts.merchantDb) merchantConfig.database = opts.merchantDb;
    // The merchant talks to this platform, over HTTP, with the dev credentials of MSN 123456 (unless the env
    // names others), and keeps time with the platform's clock so that POST /betal/clock/advance moves both.
    merchantConfig.vipps.baseUrl = platformUrl;
    // The merchant runs in a worker thread of its own, so that its work never delays the platform's answers.
    const clockOffset = new SharedArrayBuffer(8);
    publishClockOffset(platform.clock, clockOffset);
    const tty = (output.json ? process.stderr : process.stdout).isTTY === true;
    let merchant;
    try {
      merchant = await startMerchantThread(merchantConfig, output, tty, clockOffset);
    } catch (error) {
      await platform.close();
      throw error;
    }
    const merchantUrl = merchant.url;
    const users = await platform.store.listUsers();
    const webhook = merchant.webhook;
    const lines = [
      '',
      `Betal is running: the platform and a reference merchant (startup ${Math.round(performance.now())} ms)`,
      '',
      `  Shop (online payments)     ${merchantUrl}/shop`,
      `  Merchant's pages           ${merchantUrl}/merchant`,
      `  The five flows, explained  ${merchantUrl}/`,
      `  Customer's app             ${platformUrl}/app`,
      `  Platform dashboard         ${platformUrl}/betal/dashboard  (webhooks: /betal/dashboard/webhooks)`,
      `  Platform API, OpenAPI      ${platformUrl}  ${platformUrl}/docs`,
      '',
      `  Stores                     ${redactDatabase(platform.config.database)}  ${redactDatabase(merchantConfig.database)}`,
      `  Merchant                   MSN ${merchantConfig.vipps.msn}, webhook ${
        webhook?.ok
          ? `registered at ${webhook.url}`
          : `NOT registered: ${webhook?.ok === false ? webhook.error : 'off'}`
      }`,
      ...credentialLines(devCredentials(platform)),
      '',
      `Test users (pick one in the customer's app; phone numbers for the landing page; PIN ${DEV_PIN} outside dev mode):`,
      ...users.map((u) => `  ${u.phoneNumber}  ${u.name} (${u.market})`),
      ...seededLines(platform.seeded),
    ];
    if (output.json) {
      process.stdout.write(
        readyLine({
          ready: true,
          command: 'dev',
          platform: platformUrls(platformUrl),
          merchant: { url: merchantUrl, shop: `${merchantUrl}/shop` },
          salesUnits: devCredentials(platform),
          testUsers: users.map((u) => u.phoneNumber),
          ...(platform.seeded ? { seeded: platform.seeded } : {}),
        }),
      );
    } else console.log(`${lines.join('\n')}\n`);
    const stop = async () => {
      await merchant.close();
      await platform.close();
      process.exit(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

registerPayments(program);
registerApprove(program);
registerReject(program);
registerModify(program);
registerTrigger(program);
registerClock(program);
registerWebhooks(program);
registerListen(program);
registerMerchants(program);
registerReset(program);
registerSnapshot(program);
registerFaults(program);
registerCheck(program);
registerCrowd(program);
registerLoad(program);

await program.parseAsync();
