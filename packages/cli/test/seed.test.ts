import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli, type RunningCli } from './support.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const cli = join(root, 'packages/cli/dist/main.js');
const built = existsSync(cli);
if (!built) console.warn(`betal --seed tests skipped: ${cli} is missing (run npm run build first)`);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'betal-cli-seed-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI to its end: exit status, stdout and stderr. */
function runToEnd(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.once('exit', (code) => resolve({ code, out, err }));
  });
}

describe.skipIf(!built)('betal start|dev --seed FILE', () => {
  it('start --seed seed.yaml: the seeded units, users and registrations exist, and the ready line says so', async () => {
    const file = join(dir, 'seed.yaml');
    writeFileSync(
      file,
      [
        'merchants:',
        '  - name: CLI Seed Shop',
        '    market: FI',
        '    msn: "778001"',
        '    clientId: cli-seed-client',
        '    clientSecret: cli-seed-secret',
        '    subscriptionKey: cli-seed-key',
        '    webhooks:',
        '      - url: http://127.0.0.1:3999/hooks',
        '        secret: cli-seed-webhook-secret-0123',
        'testUsers:',
        '  - { phoneNumber: "4790000077", name: Cli Seed, birthDate: "1991-02-03" }',
      ].join('\n'),
    );
    let running: RunningCli | undefined;
    try {
      running = await startCli(
        process.execPath,
        [cli, 'start', '--port', '0', '--db', ':memory:', '--json', '--seed', file],
        {
          cwd: dir,
          env: { HOST: '127.0.0.1' },
        },
      );
      const ready = running.ready as typeof running.ready & { seeded: any };
      expect(ready.salesUnits.map((u) => u.msn)).toContain('778001');
      expect(ready.testUsers).toContain('4790000077');
      expect(ready.seeded.webhooks).toEqual([
        expect.objectContaining({ msn: '778001', secret: 'cli-seed-webhook-secret-0123', kept: false }),
      ]);
      const token = await fetch(`${ready.platform.url}/accesstoken/get`, {
        method: 'POST',
        headers: {
          client_id: 'cli-seed-client',
          client_secret: 'cli-seed-secret',
          'Ocp-Apim-Subscription-Key': 'cli-seed-key',
          'Merchant-Serial-Number': '778001',
        },
      });
      expect(token.status).toBe(200);
    } finally {
      await running?.stop();
    }
  });

  it('refuses an invalid seed with exit 2, each bad field by its path, and no stack trace', async () => {
    const file = join(dir, 'bad.json');
    writeFileSync(
      file,
      JSON.stringify({
        merchants: [{ name: 'X', market: 'US' }],
        testUsers: [{ name: 'No Phone', birthDate: '1990-01-01' }],
      }),
    );
    for (const command of ['start', 'dev']) {
      const r = await runToEnd([command, '--port', '0', '--db', ':memory:', '--seed', file]);
      expect(r.code, r.err).toBe(2);
      expect(r.err).toBe(
        `betal ${command}: the seed ${file} cannot be used:\n` +
          '  merchants[0].market: must be one of NO, SE, DK, FI\n' +
          '  testUsers[0].phoneNumber: is required\n',
      );
      expect(r.out).toBe('');
    }
  });

  it('refuses a seed the platform cannot apply with exit 2, and one that does not parse', async () => {
    const unknown = join(dir, 'unknown.yaml');
    writeFileSync(unknown, 'webhooks:\n  - { msn: "999999", url: "http://127.0.0.1:1/x" }\n');
    const r = await runToEnd([
      'start',
      '--port',
      '0',
      '--db',
      ':memory:',
      '--seed',
      unknown,
      '--log-format',
      'json',
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('webhooks[0].msn: no sales unit has MSN 999999');
    expect(r.err).not.toMatch(/\n\s+at /);
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'merchants: [\n');
    const b = await runToEnd(['start', '--port', '0', '--db', ':memory:', '--seed', broken]);
    expect(b.code).toBe(2);
    expect(b.err).toContain(`the seed ${broken} cannot be used:\n  does not parse:`);
  });
});
