import { readSeedFile, SeedError, type Seed, type SeedOutcome } from '@betal/platform';

/** A seed as `createPlatform` takes it: the parsed file and its name (for the errors). */
export interface SeedOverride {
  seed: { seed: Seed; file: string };
}

/** Prints the problems of a seed, one a line, and exits with status 2 (no stack trace). */
function refuse(command: string, error: SeedError): never {
  const lines = error.problems.map((p) => `  ${p}`).join('\n');
  process.stderr.write(`betal ${command}: the seed ${error.file} cannot be used:\n${lines}\n`);
  process.exit(2);
}

/**
 * Reads `--seed FILE` (JSON or YAML, services/seed.ts of the platform) before anything starts: answers the
 * override for `createPlatform`, nothing without a file, or exits 2 naming each bad field's path.
 */
export async function seedOrExit(command: string, file: string | undefined): Promise<Partial<SeedOverride>> {
  if (file === undefined) return {};
  try {
    return { seed: { seed: await readSeedFile(file), file } };
  } catch (error) {
    if (error instanceof SeedError) refuse(command, error);
    throw error;
  }
}

/**
 * Runs `start` (which creates the platform with the seed); a seed the platform refuses (an MSN no unit has, a
 * client id of another unit...) exits 2 with its problems instead of a stack trace.
 */
export async function orSeedRefusal<T>(command: string, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (error) {
    if (error instanceof SeedError) refuse(command, error);
    throw error;
  }
}

/** The lines of the banner about what the seed made (registrations with their secrets). */
export function seededLines(outcome: SeedOutcome | undefined): string[] {
  if (!outcome) return [];
  const lines = [
    '',
    `Seed: ${outcome.merchants.length} sales unit(s), ${outcome.testUsers.length} test user(s), ${outcome.webhooks.length} webhook(s)`,
  ];
  for (const w of outcome.webhooks) {
    const secret = w.secret ? `secret ${w.secret}` : 'secret as given when it was registered';
    lines.push(`  webhook ${w.id}  MSN ${w.msn}  ${w.url}  ${w.kept ? '(kept) ' : ''}${secret}`);
  }
  return lines;
}
