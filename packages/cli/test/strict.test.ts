import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli, type Ready } from './support.js';

/**
 * Strict mode from the command line (issue #9 item 3): `betal start --strict` and `BETAL_STRICT=1` both turn a
 * lint notice into a 400; without either the same request is answered with the notice only.
 */
const root = fileURLToPath(new URL('../../../', import.meta.url));
const cli = join(root, 'packages/cli/dist/main.js');
const built = existsSync(cli);
if (!built) console.warn(`cli strict tests skipped: ${cli} is missing (run npm run build first)`);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'betal-cli-strict-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** POST /accessToken/get, the path in another case than the spec's (a lint notice): its status and lint header. */
async function tokenInAnotherCase(ready: Ready): Promise<{ status: number; lint: string | null }> {
  const unit = ready.salesUnits[0]!;
  const res = await fetch(`${ready.platform.url}/accessToken/get`, {
    method: 'POST',
    headers: {
      client_id: unit.clientId,
      client_secret: unit.clientSecret,
      'Ocp-Apim-Subscription-Key': unit.subscriptionKey,
    },
  });
  return { status: res.status, lint: res.headers.get('x-betal-lint') };
}

describe.skipIf(!built)('betal start in strict mode', () => {
  it.each([
    { how: 'no flag, no env', flags: [] as string[], env: {}, strict: false },
    { how: '--strict', flags: ['--strict'], env: {}, strict: true },
    { how: 'BETAL_STRICT=1', flags: [] as string[], env: { BETAL_STRICT: '1' }, strict: true },
  ])('$how', async ({ flags, env, strict }) => {
    const run = await startCli(
      process.execPath,
      [cli, 'start', '--port', '0', '--db', ':memory:', '--json', ...flags],
      {
        cwd: dir,
        env: { HOST: '127.0.0.1', LOG_LEVEL: 'warn', BETAL_STRICT: '', ...env },
      },
    );
    try {
      const answer = await tokenInAnotherCase(run.ready);
      if (strict) expect(answer.status).toBe(400);
      else {
        expect(answer.status).toBe(200);
        expect(answer.lint).toMatch(/accessToken/);
      }
    } finally {
      expect(await run.stop()).toBe(0);
    }
  });
});
