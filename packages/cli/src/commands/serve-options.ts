import type { Command } from 'commander';
import { configFromEnv, type PlatformConfig } from '@betal/platform';
import { outputOptions, type OutputOptions } from '../output.js';

/** The flags every verb that runs a platform (`start`, `dev`) takes, as commander parses them. */
export interface ServeOptions {
  port?: number;
  host?: string;
  db?: string;
  strict?: boolean;
  logFormat?: string;
  json?: boolean;
  seed?: string;
}

/** The help lines of {@link withServeOptions} that differ between the verbs (one platform, or it and a merchant). */
export interface ServeHelp {
  port: string;
  host: string;
  db: string;
}

/**
 * Adds the flags of {@link ServeOptions} to a verb that runs a platform: `-p, --port`, `--host`, `--db`,
 * `--strict`, `--log-format`, `--json` and `--seed`. Read them with {@link outputOrExit} and {@link serveConfig}.
 */
export function withServeOptions(command: Command, help: ServeHelp): Command {
  return command
    .option('-p, --port <port>', help.port, (v) => Number(v))
    .option('--host <host>', help.host)
    .option('--db <path>', help.db)
    .option(
      '--strict',
      'refuse every deviation from the spec (each lint notice) with 400 (env BETAL_STRICT=1)',
    )
    .option('--log-format <format>', 'json or pretty (default: pretty on a terminal, json otherwise)')
    .option('--json', 'print one JSON line with the URLs and credentials when ready, and log to stderr')
    .option(
      '--seed <file>',
      'create a known world at start and after a reset: merchants, test users, webhooks (JSON or YAML)',
    );
}

/** Reads the output flags (`--log-format`, `--json`) from a command's options, or exits with status 2 and the reason. */
export function outputOrExit(command: string, opts: ServeOptions): OutputOptions {
  const output = outputOptions({
    ...(opts.logFormat !== undefined ? { logFormat: opts.logFormat } : {}),
    ...(opts.json !== undefined ? { json: opts.json } : {}),
  });
  if (typeof output === 'string') {
    console.error(`betal ${command}: ${output}.`);
    process.exit(2);
  }
  return output;
}

/** The platform's configuration: the environment's (`configFromEnv`), with `--port`, `--host`, `--db`, `--strict` over it. */
export function serveConfig(opts: ServeOptions): PlatformConfig {
  const config = configFromEnv();
  if (opts.port !== undefined) config.port = opts.port;
  if (opts.host) config.host = opts.host;
  if (opts.db) config.database = opts.db;
  if (opts.strict) config.strict = true;
  return config;
}
