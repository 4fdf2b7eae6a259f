import { Command, CommanderError } from 'commander';
import { registerApprove } from './approve.js';
import { registerCheck } from './check.js';
import { registerClock } from './clock.js';
import { registerFaults } from './faults.js';
import { registerCrowd } from './crowd.js';
import { registerListen } from './listen.js';
import { registerLoad } from './load.js';
import type { Io } from './io.js';
import { registerMerchants } from './merchants.js';
import { registerModify } from './modify.js';
import { registerPayments } from './payments.js';
import { registerReject } from './reject.js';
import { registerReset } from './reset.js';
import { registerSnapshot } from './snapshot.js';
import { registerTrigger } from './trigger.js';
import { registerWebhooks } from './webhooks.js';

/** Every verb that talks to a running platform, in the order `betal --help` lists them. */
export const VERB_GROUPS = [
  registerPayments,
  registerApprove,
  registerReject,
  registerModify,
  registerTrigger,
  registerClock,
  registerWebhooks,
  registerListen,
  registerMerchants,
  registerReset,
  registerSnapshot,
  registerFaults,
  registerCheck,
  registerCrowd,
  registerLoad,
] as const;

/**
 * Runs `betal <args>` for the verbs in-process, with `io` for output, environment and exit code: what the CLI
 * does, without a process (for tests and embedding). Resolves to the exit status.
 */
export async function run(args: readonly string[], io: Io): Promise<number> {
  let code = 0;
  const scoped: Io = { ...io, setExitCode: (c) => ((code = c), io.setExitCode(c)) };
  if (io.signal) scoped.signal = io.signal;
  const program = new Command()
    .name('betal')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  for (const register of VERB_GROUPS) register(program, scoped);
  try {
    await program.parseAsync([...args], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    throw error;
  }
  return code;
}
