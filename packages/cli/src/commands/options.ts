import type { Command } from 'commander';

/** The platform and the sales unit a verb talks to, and how it prints: the global options of every verb. */
export interface GlobalOptions {
  url: string;
  msn: string;
  clientId: string;
  clientSecret: string;
  subscriptionKey: string;
  adminToken: string | undefined;
  json: boolean;
}

export const DEFAULT_URL = 'http://127.0.0.1:8080';
export const DEFAULT_MSN = '123456';

/** The dev sales units' credentials (README, "Dev credentials"), the defaults for their MSN. */
const DEV_CREDENTIALS: Record<string, { clientId: string; clientSecret: string; subscriptionKey: string }> = {
  '123456': {
    clientId: 'dev-client-id',
    clientSecret: 'dev-client-secret',
    subscriptionKey: 'dev-subscription-key',
  },
  '654321': {
    clientId: 'dev2-client-id',
    clientSecret: 'dev2-client-secret',
    subscriptionKey: 'dev2-subscription-key',
  },
};

/** Adds the global options to a verb (each verb has them, so that they may come anywhere on the line). */
export function withGlobalOptions(command: Command): Command {
  return command
    .option('--url <url>', `the platform (env BETAL_URL, default ${DEFAULT_URL})`)
    .option('--msn <msn>', `the sales unit's Merchant-Serial-Number (env VIPPS_MSN, default ${DEFAULT_MSN})`)
    .option(
      '--client-id <id>',
      "the sales unit's client_id (env VIPPS_CLIENT_ID, default its dev credentials)",
    )
    .option('--client-secret <secret>', "the sales unit's client_secret (env VIPPS_CLIENT_SECRET)")
    .option(
      '--subscription-key <key>',
      "the sales unit's Ocp-Apim-Subscription-Key (env VIPPS_SUBSCRIPTION_KEY)",
    )
    .option('--admin-token <token>', 'admin token, needed outside dev mode (env BETAL_ADMIN_TOKEN)')
    .option('--json', 'print one JSON document for scripts instead of tables');
}

/** Reads the global options: the flag, else the environment, else the default (the dev sales unit of the MSN). */
export function resolveGlobalOptions(opts: Record<string, unknown>, env: NodeJS.ProcessEnv): GlobalOptions {
  const pick = (flag: unknown, name: string): string | undefined =>
    typeof flag === 'string' && flag !== '' ? flag : env[name] || undefined;
  const msn = pick(opts.msn, 'VIPPS_MSN') ?? DEFAULT_MSN;
  const dev = DEV_CREDENTIALS[msn] ?? DEV_CREDENTIALS[DEFAULT_MSN]!;
  return {
    url: (pick(opts.url, 'BETAL_URL') ?? DEFAULT_URL).replace(/\/+$/, ''),
    msn,
    clientId: pick(opts.clientId, 'VIPPS_CLIENT_ID') ?? dev.clientId,
    clientSecret: pick(opts.clientSecret, 'VIPPS_CLIENT_SECRET') ?? dev.clientSecret,
    subscriptionKey: pick(opts.subscriptionKey, 'VIPPS_SUBSCRIPTION_KEY') ?? dev.subscriptionKey,
    adminToken: pick(opts.adminToken, 'BETAL_ADMIN_TOKEN'),
    json: opts.json === true,
  };
}
