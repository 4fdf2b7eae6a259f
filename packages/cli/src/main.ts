#!/usr/bin/env node
import { Command } from 'commander';
import { configFromEnv, createPlatform, type Platform } from '@betal/platform';

function banner(platform: Platform, url: string): string {
  const lines = [
    '',
    `Betal platform ready at ${url}  (startup ${Math.round(performance.now())} ms)`,
    '',
    `  ePayment API       ${url}/epayment/v1/payments`,
    `  Access token       POST ${url}/accesstoken/get`,
    `  OpenAPI document   ${url}/docs`,
    `  Health, clock      ${url}/betal/health  ${url}/betal/clock`,
    `  Store              ${platform.config.database}`,
  ];
  if (platform.config.devMode) {
    lines.push('', 'Dev merchants (sales units):');
    for (const u of platform.directory.list()) {
      lines.push(
        `  MSN ${u.msn}  ${u.name} (${u.market}, ${u.currency})`,
        `    client_id ${u.clientId}  client_secret ${u.clientSecret}  Ocp-Apim-Subscription-Key ${u.subscriptionKeys[0]}`,
      );
    }
  }
  return lines.join('\n');
}

const program = new Command()
  .name('betal')
  .description(
    'Betal: an offline, deterministic Vipps MobilePay platform for development, CI and load tests',
  );

program
  .command('start', { isDefault: true })
  .description('start the platform (dev mode, embedded SQLite store)')
  .option('-p, --port <port>', 'port to listen on (env PORT)', (v) => Number(v))
  .option('--host <host>', 'interface to listen on (env HOST)')
  .option('--db <path>', 'SQLite file, or :memory: (env BETAL_DB)')
  .option('--public-url <url>', 'base of the URLs handed out, e.g. redirectUrl (env BETAL_PUBLIC_URL)')
  .option('--no-dev', 'production-like: no dev data, https URLs only')
  .action(async (opts: { port?: number; host?: string; db?: string; publicUrl?: string; dev: boolean }) => {
    const config = configFromEnv();
    if (opts.port !== undefined) config.port = opts.port;
    if (opts.host) config.host = opts.host;
    if (opts.db) config.database = opts.db;
    if (opts.publicUrl) config.publicBaseUrl = opts.publicUrl.replace(/\/$/, '');
    if (!opts.dev) config.devMode = false;
    const platform = await createPlatform(config);
    const url = await platform.listen();
    const users = platform.config.devMode ? await platform.store.listUsers() : [];
    let text = banner(platform, url);
    if (users.length) {
      text +=
        '\n\nTest users (phone numbers):\n' +
        users.map((u) => `  ${u.phoneNumber}  ${u.name} (${u.market})`).join('\n');
    }
    console.log(`${text}\n`);
    const stop = async () => {
      await platform.close();
      process.exit(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

await program.parseAsync();
