import { Command } from 'commander';
import { processIo, type Io } from './io.js';
import { verb } from './verb.js';

/**
 * `betal reset [--msn MSN]`: `POST /betal/reset`. Without `--msn` everything (back to the dev merchants and test
 * users in dev mode); with `--msn` on this command's line, that sales unit's data only (the unit and its
 * credentials kept). `VIPPS_MSN` from the environment does not narrow a reset: only the flag does.
 */
export function registerReset(program: Command, io: Io = processIo()): void {
  verb(
    program
      .command('reset')
      .description(
        "delete the platform's data: everything (back to the dev seed), or with --msn one sales unit's",
      ),
    io,
    'betal reset\nbetal reset --msn 123456',
    async ({ http }, _args, opts: { msn?: string }) => {
      const msn = typeof opts.msn === 'string' && opts.msn !== '' ? opts.msn : undefined;
      await http.betal('POST', '/betal/reset', msn !== undefined ? { msn } : undefined);
      return {
        json: { reset: msn !== undefined ? { msn } : 'everything' },
        text:
          msn !== undefined
            ? `reset the data of sales unit ${msn} (the unit and its credentials kept)`
            : 'reset everything (the dev merchants and test users are back in dev mode)',
      };
    },
  );
}
