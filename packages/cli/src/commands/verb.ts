import type { Command } from 'commander';
import { PlatformHttp, VerbError } from './http.js';
import type { Io } from './io.js';
import { resolveGlobalOptions, withGlobalOptions, type GlobalOptions } from './options.js';

/** What a verb has to work with: the platform over HTTP, the global options and the io. */
export interface VerbContext {
  http: PlatformHttp;
  options: GlobalOptions;
  io: Io;
}

/** What a verb found: the JSON document of `--json` and the text for people. */
export interface Outcome {
  json: unknown;
  text: string;
}

/**
 * Declares a verb: adds the global options and an `--help` example, and runs `run` with the positional arguments
 * and the verb's own options. The outcome is printed as text or, with `--json`, as one JSON document; a failure
 * as one line on stderr (and `{"error": …}` on stdout with `--json`) with exit status 1, never a stack trace.
 * `run` may print as it goes (`webhooks tail`) and return undefined.
 */
export function verb<Opts>(
  command: Command,
  io: Io,
  example: string,
  run: (ctx: VerbContext, args: string[], opts: Opts) => Promise<Outcome | undefined>,
): Command {
  withGlobalOptions(command);
  command.addHelpText('after', `\nExample:\n  ${example.split('\n').join('\n  ')}\n`);
  command.action(async (...params: unknown[]) => {
    const cmd = params[params.length - 1] as Command;
    const opts = cmd.opts() as Record<string, unknown>;
    const args = params.slice(0, -2).filter((p): p is string => typeof p === 'string');
    const options = resolveGlobalOptions(opts, io.env);
    const name = commandPath(cmd);
    try {
      if (!/^https?:\/\/[^/]/.test(options.url)) {
        throw new VerbError(
          `--url must be the platform's http(s) URL, like http://127.0.0.1:8080, not ${options.url}`,
          2,
        );
      }
      const outcome = await run({ http: new PlatformHttp(options), options, io }, args, opts as Opts);
      if (outcome) io.out(options.json ? `${JSON.stringify(outcome.json, null, 2)}\n` : `${outcome.text}\n`);
    } catch (caught) {
      const error =
        caught instanceof VerbError
          ? caught
          : new VerbError(`unexpected error: ${(caught as Error).message}`);
      if (options.json)
        io.out(`${JSON.stringify({ error: { message: error.message, ...error.details } }, null, 2)}\n`);
      io.err(`betal ${name}: ${error.message}\n`);
      io.setExitCode(error.exitCode);
    }
  });
  return command;
}

/** `payments get`, `clock advance`: the command's names below the program. */
function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** Reads an amount in minor units (`--amount 2500` is 25.00), or fails with exit status 2. */
export function minorUnits(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) <= 0 || !Number.isSafeInteger(Number(text))) {
    throw new VerbError(`--amount must be a whole number of minor units (2500 is 25.00), not ${text}`, 2);
  }
  return Number(text);
}
