import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { outputOptions } from '../src/output.js';
import {
  accessToken,
  createPayment,
  startCli,
  type RunningCli,
  DEV_IN_MEMORY,
  CLI as cli,
  CLI_BUILT as built,
} from './support.js';

if (!built) console.warn(`cli --json tests skipped: ${cli} is missing (run npm run build first)`);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'betal-cli-json-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!built)('betal --json', () => {
  it('start --port 0 prints one ready line with the port it listens on, and logs only to stderr', async () => {
    let cliRun: RunningCli | undefined;
    try {
      cliRun = await startCli(process.execPath, [cli, 'start', '--port', '0', '--db', ':memory:', '--json'], {
        cwd: dir,
        env: { LOG_LEVEL: 'info', HOST: '127.0.0.1' },
      });
      const { ready } = cliRun;
      expect(ready.ready).toBe(true);
      expect(ready.command).toBe('start');
      expect(ready.platform.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(ready.platform.url).not.toMatch(/:0$/);
      expect(ready.platform.health).toBe(`${ready.platform.url}/betal/health`);
      const health = await fetch(ready.platform.health);
      expect(health.status).toBe(200);

      const unit = ready.salesUnits.find((u) => u.msn === '123456');
      expect(unit).toEqual({
        msn: '123456',
        name: 'Betal Dev Shop',
        market: 'NO',
        currency: 'NOK',
        clientId: 'dev-client-id',
        clientSecret: 'dev-client-secret',
        subscriptionKey: 'dev-subscription-key',
      });
      expect(ready.testUsers).toContain('4712345678');
      const token = await accessToken(ready.platform.url, unit!);
      const created = await createPayment(ready.platform.url, unit!, token, 'cli-json-1');
      expect(created.status).toBe(201);

      // The startup log ("Server listening at ...") went to stderr as JSON; stdout has the ready line alone.
      expect(cliRun.stderr()).toMatch(/"msg":"Server listening at http:\/\/127\.0\.0\.1:\d+"/);
      expect(cliRun.stdoutLines()).toHaveLength(1);
    } finally {
      expect(await cliRun?.stop()).toBe(0);
    }
  });

  it('dev --json gives the platform and the merchant, both answering', async () => {
    let cliRun: RunningCli | undefined;
    try {
      cliRun = await startCli(process.execPath, [cli, ...DEV_IN_MEMORY, '--json'], {
        cwd: dir,
        env: { LOG_LEVEL: 'info', HOST: '127.0.0.1', MERCHANT_RECONCILE_SECONDS: '0' },
      });
      const { ready } = cliRun;
      expect(ready.command).toBe('dev');
      expect((await fetch(ready.platform.health)).status).toBe(200);
      expect(ready.merchant?.shop).toBe(`${ready.merchant?.url}/shop`);
      expect((await fetch(ready.merchant!.shop)).status).toBe(200);
      expect(ready.salesUnits.map((u) => u.msn)).toEqual(['123456', '654321']);
      expect(cliRun.stdoutLines()).toHaveLength(1);
    } finally {
      expect(await cliRun?.stop()).toBe(0);
    }
  });

  it('refuses an unknown --log-format with status 2', async () => {
    await expect(
      startCli(process.execPath, [cli, 'start', '--port', '0', '--db', ':memory:', '--log-format', 'xml'], {
        cwd: dir,
      }),
    ).rejects.toThrow(/exited with 2[\s\S]*--log-format must be json or pretty, not xml/);
  });

  it('dev --log-format pretty: one readable line per log event, and a banner with the dev credentials', async () => {
    const child = spawn(process.execPath, [cli, ...DEV_IN_MEMORY, '--log-format', 'pretty'], {
      cwd: dir,
      env: { ...process.env, LOG_LEVEL: 'info', HOST: '127.0.0.1', MERCHANT_RECONCILE_SECONDS: '0' },
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no banner in 20 s:\n${out}`)), 20_000);
        const check = () => {
          if (!out.includes('Test users (pick one')) return;
          clearTimeout(timer);
          resolve();
        };
        child.stdout.on('data', check);
      });
      const lines = out.split('\n');
      const listening = lines.filter((l) =>
        /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: \[(platform|merchant)\] Server listening at http:\/\/127\.0\.0\.1:\d+$/.test(
          l,
        ),
      );
      expect(listening, out).toHaveLength(2);
      // The webhook registration logs an object: on one line with its message, not on the lines after.
      expect(
        lines.some((l) =>
          /\[merchant\] registered the webhook .*"url":"http:\/\/127\.0\.0\.1:\d+\/webhooks\/vipps"/.test(l),
        ),
        out,
      ).toBe(true);
      expect(
        lines.some((l) => l.trimStart().startsWith('{"level"')),
        out,
      ).toBe(false);
      expect(out).toContain(
        'client_id dev-client-id  client_secret dev-client-secret  Ocp-Apim-Subscription-Key dev-subscription-key',
      );
      // The dev test users' PIN (issue #10: the dev ones printed), for the app outside dev mode.
      expect(out).toMatch(/Test users \(.*PIN 1234 outside dev mode\)/);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('defaults to pretty on a terminal and to JSON elsewhere', () => {
    expect(outputOptions({}, true)).toEqual({ logFormat: 'pretty', json: false });
    expect(outputOptions({}, false)).toEqual({ logFormat: 'json', json: false });
    expect(outputOptions({ logFormat: 'json', json: true }, true)).toEqual({ logFormat: 'json', json: true });
    expect(outputOptions({ logFormat: 'xml' }, true)).toBe('--log-format must be json or pretty, not xml');
  });
});
