/**
 * Issue #10 item 1: outside dev mode the admin token is generated at first start and printed, kept in the store,
 * and a later start on the same store does not print it again but says where it is.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const cli = join(root, 'packages/cli/dist/main.js');
const built = existsSync(cli);
if (!built) console.warn(`admin token tests skipped: ${cli} is missing (run npm run build first)`);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'betal-cli-admin-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Runs `betal start --no-dev` on the store in `dir` (human output, no admin token in the environment) until its
 * banner is printed; returns what it printed and the URL it listens on, and stops it.
 */
async function startOnce(check: (out: string, url: string) => Promise<void>): Promise<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'silent', HOST: '127.0.0.1' };
  delete env.BETAL_ADMIN_TOKEN;
  delete env.BETAL_DEV;
  const child = spawn(
    process.execPath,
    [cli, 'start', '--no-dev', '--port', '0', '--db', join(dir, 'p.sqlite')],
    {
      cwd: dir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no banner within 20 s:\n${out}\n${err}`)), 20_000);
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        // The banner is printed in one write that ends with the admin token's lines.
        if (/admin token/i.test(out) && out.endsWith('\n\n')) {
          clearTimeout(timer);
          resolve();
        }
      });
      void exited.then(() => reject(new Error(`exited before its banner:\n${out}\n${err}`)));
    });
    const url = /Betal platform ready at (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
    expect(url, out).toBeDefined();
    await check(out, url!);
    return out;
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

const dashboard = (url: string, token?: string) =>
  fetch(`${url}/betal/dashboard`, token ? { headers: { authorization: `Bearer ${token}` } } : {});

describe.skipIf(!built)('betal start --no-dev without an admin token', () => {
  it('generates one at first start and prints it; a later start keeps it and does not print it', async () => {
    let token = '';
    await startOnce(async (out, url) => {
      expect(out).toContain('Admin token (generated now and kept in the store');
      token = /Admin token \(generated now[^\n]*\n\s+(\S+)/.exec(out)?.[1] ?? '';
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(out).toContain(`${url}/betal/dashboard?admin_token=${token}`);
      expect((await dashboard(url)).status).toBe(401);
      expect((await dashboard(url, token)).status).toBe(200);
    });
    await startOnce(async (out, url) => {
      expect(out).toContain(
        "The admin endpoints need the admin token (printed at first start, kept in the store's",
      );
      expect(out).not.toContain(token);
      expect((await dashboard(url)).status).toBe(401);
      expect((await dashboard(url, token)).status).toBe(200);
    });
  });
});
