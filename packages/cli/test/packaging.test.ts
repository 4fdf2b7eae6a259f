import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessToken, createPayment, startCli, type RunningCli, DEV_IN_MEMORY } from './support.js';

/*
 * The packages as a user gets them: every workspace packed with `npm pack`, the tarballs installed into an empty
 * folder with no workspace around it, and `npx betal start` and `npx betal dev` run from there. Slow (npm
 * install builds better-sqlite3 from source), so it has its own generous timeouts. It needs the npm registry for
 * the third-party dependencies (from the local cache where it can) and is skipped, saying so, when npm cannot
 * reach it.
 */

const exec = promisify(execFile);

/**
 * The environment of a user's shell: without the npm_* variables that `npm test` passes down (npm_config_local_prefix
 * would point the child npm at this repository), so that npm behaves as it would in an empty folder.
 */
function userEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== 'INIT_CWD'),
  );
}

/** Runs a command with the user's environment (see {@link userEnv}). */
function run(
  command: string,
  args: string[],
  options: { cwd?: string; timeout?: number; maxBuffer?: number } = {},
) {
  return exec(command, args, { ...options, env: userEnv() });
}
const root = fileURLToPath(new URL('../../../', import.meta.url));
const WORKSPACES = ['contract', 'platform', 'client', 'merchant', 'cli'];
const built = WORKSPACES.every((p) =>
  existsSync(join(root, `packages/${p}/dist/${p === 'cli' ? 'main' : 'index'}.js`)),
);

/** Whether `npm` reaches its registry (a `npm ping` within 20 s). */
async function registryReachable(): Promise<boolean> {
  try {
    await run('npm', ['ping'], { timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}

const reachable = built && (await registryReachable());
const skipReason = !built
  ? 'the packages are not built (run npm run build first)'
  : !reachable
    ? 'npm cannot reach its registry (npm ping failed), so the tarballs cannot be installed'
    : '';
if (skipReason) console.warn(`packaging test skipped: ${skipReason}`);

let dir: string;
let app: string;
const packed: { name: string; filename: string; files: { path: string }[] }[] = [];

beforeAll(async () => {
  if (skipReason) return;
  dir = mkdtempSync(join(tmpdir(), 'betal-packaging-'));
  const tarballs = join(dir, 'tarballs');
  app = join(dir, 'app');
  mkdirSync(tarballs);
  mkdirSync(app);
  for (const p of WORKSPACES) {
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', tarballs], {
      cwd: join(root, 'packages', p),
    });
    packed.push(...(JSON.parse(stdout) as typeof packed));
  }
  // An empty project of its own: npm must not find the monorepo's package.json or node_modules above it.
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'betal-install-check', private: true, allowScripts: { 'better-sqlite3': true } }),
  );
  await run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      ...readdirSync(tarballs).map((f) => join(tarballs, f)),
    ],
    { cwd: app, timeout: 840_000, maxBuffer: 16 * 1024 * 1024 },
  );
}, 900_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(skipReason !== '')('the packed packages, installed outside the workspace', () => {
  it('are publishable: license, LICENSE, engines, built entry points, no sources or tests', () => {
    expect(packed.map((p) => p.name).sort()).toEqual(
      ['@betal/cli', '@betal/client', '@betal/contract', '@betal/merchant', '@betal/platform'].sort(),
    );
    for (const p of packed) {
      const paths = p.files.map((f) => f.path);
      expect(paths, p.name).toContain('LICENSE');
      expect(
        paths.filter((f) => f !== 'LICENSE' && f !== 'package.json' && !f.startsWith('dist/')),
        p.name,
      ).toEqual([]);
      expect(
        paths.some((f) => f.endsWith('.tsbuildinfo')),
        p.name,
      ).toBe(false);
      const manifest = JSON.parse(
        readFileSync(join(app, 'node_modules', p.name, 'package.json'), 'utf8'),
      ) as Record<string, unknown>;
      expect(manifest.private, p.name).toBeUndefined();
      expect(manifest.license, p.name).toBe('MIT');
      expect(manifest.engines, p.name).toEqual({ node: expect.stringMatching(/^>=20\./) });
      expect(existsSync(join(app, 'node_modules', p.name, manifest.main as string)), p.name).toBe(true);
    }
    expect(existsSync(join(app, 'node_modules/.bin/betal'))).toBe(true);
  });

  it('npx betal start --port 0 answers health, a token and a create', async () => {
    let cli: RunningCli | undefined;
    try {
      cli = await startCli('npx', ['betal', 'start', '--port', '0', '--db', ':memory:', '--json'], {
        cwd: app,
        env: { HOST: '127.0.0.1' },
        baseEnv: userEnv(),
        group: true,
        timeoutMs: 60_000,
      });
      const { url } = cli.ready.platform;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:[1-9]\d*$/);
      expect((await fetch(cli.ready.platform.health)).status).toBe(200);
      const unit = cli.ready.salesUnits.find((u) => u.msn === '123456')!;
      const token = await accessToken(url, unit);
      const created = await createPayment(url, unit, token, 'packaging-start-1');
      expect(created.status).toBe(201);
      expect(created.body.redirectUrl).toMatch(new RegExp(`^${url}/landing\\?token=`));
      // The customer's landing page (an asset of the platform package) is served from the install.
      const landing = await fetch(created.body.redirectUrl!);
      expect(landing.status).toBe(200);
      expect(await landing.text()).toContain('<html');
    } finally {
      await cli?.stop();
    }
  }, 90_000);

  it('npx betal dev runs the platform and the merchant from the install', async () => {
    let cli: RunningCli | undefined;
    try {
      cli = await startCli('npx', ['betal', ...DEV_IN_MEMORY, '--json'], {
        cwd: app,
        env: { HOST: '127.0.0.1', MERCHANT_RECONCILE_SECONDS: '0' },
        baseEnv: userEnv(),
        group: true,
        timeoutMs: 60_000,
      });
      const { url } = cli.ready.platform;
      expect((await fetch(cli.ready.platform.health)).status).toBe(200);
      const unit = cli.ready.salesUnits.find((u) => u.msn === '123456')!;
      const created = await createPayment(url, unit, await accessToken(url, unit), 'packaging-dev-1');
      expect(created.status).toBe(201);
      const shop = await fetch(cli.ready.merchant!.shop);
      expect(shop.status).toBe(200);
      expect(await shop.text()).toContain('<html');
    } finally {
      await cli?.stop();
    }
  }, 90_000);
});
