import pretty from 'pino-pretty';
import type { DestinationStream } from 'pino';

/** How log events are written: `pretty` (one readable line each) or `json` (pino's NDJSON, for machines). */
export type LogFormat = 'json' | 'pretty';

/** What the output options of `start` and `dev` decide: the log format and where logs and the banner go. */
export interface OutputOptions {
  logFormat: LogFormat;
  /** `--json`: stdout carries one JSON line (the ready line) and nothing else; logs go to stderr. */
  json: boolean;
}

/**
 * Reads `--log-format` and `--json` into {@link OutputOptions}. The default format is pretty when stdout is a
 * terminal and JSON otherwise. Returns an error message for an unknown format.
 */
export function outputOptions(
  opts: { logFormat?: string; json?: boolean },
  stdoutIsTty: boolean = process.stdout.isTTY === true,
): OutputOptions | string {
  const format = opts.logFormat ?? (stdoutIsTty ? 'pretty' : 'json');
  if (format !== 'json' && format !== 'pretty') return `--log-format must be json or pretty, not ${format}`;
  return { logFormat: format, json: opts.json === true };
}

/**
 * The stream a server's pino logger writes to. Pretty lines carry `label` (platform, merchant) so that the two
 * servers of `betal dev` can be told apart; JSON lines are pino's own. With `--json` both go to stderr. `isTty`
 * colours the pretty lines; it defaults to whether the target is a terminal, which a worker thread's stdout never is,
 * so the merchant's worker of `betal dev` is given the main thread's answer.
 */
export function logStream(
  output: OutputOptions,
  label: string,
  isTty: boolean = (output.json ? process.stderr : process.stdout).isTTY === true,
): DestinationStream {
  const fd = output.json ? 2 : 1;
  const target = fd === 2 ? process.stderr : process.stdout;
  if (output.logFormat === 'json') return { write: (line: string) => void target.write(line) };
  return pretty({
    destination: fd,
    sync: true,
    colorize: isTty,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname',
    messageFormat: `[${label}] {msg}`,
    singleLine: true,
  });
}

/** A sales unit as the ready line and the banner show it: the credentials a client needs. */
export interface DevCredentials {
  msn: string;
  name: string;
  market: string;
  currency: string;
  clientId: string;
  clientSecret: string;
  subscriptionKey: string;
}

/** The one line `--json` prints on stdout when everything listens: URLs and dev credentials. */
export interface ReadyLine {
  ready: true;
  command: 'start' | 'dev';
  platform: { url: string; docs: string; health: string; ready: string };
  merchant?: { url: string; shop: string };
  salesUnits: DevCredentials[];
  testUsers: string[];
}

/** Serializes the ready line: one line of JSON, newline-terminated. */
export function readyLine(line: ReadyLine): string {
  return `${JSON.stringify(line)}\n`;
}

/** The banner's block of dev credentials (one sales unit in two lines), shown by `start` and `dev`. */
export function credentialLines(units: readonly DevCredentials[]): string[] {
  if (units.length === 0) return [];
  const lines = ['', 'Dev merchants (sales units):'];
  for (const u of units) {
    lines.push(
      `  MSN ${u.msn}  ${u.name} (${u.market}, ${u.currency})`,
      `    client_id ${u.clientId}  client_secret ${u.clientSecret}  Ocp-Apim-Subscription-Key ${u.subscriptionKey}`,
    );
  }
  return lines;
}
