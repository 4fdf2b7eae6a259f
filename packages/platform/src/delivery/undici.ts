import { createRequire } from 'node:module';

type Undici = typeof import('undici');
let loaded: Undici | undefined;

/**
 * The undici module (the webhook sender's HTTP client), loaded on first use: a platform that delivers no webhook
 * never pays for loading it, a good part of a start's time (issue #15). Synchronous, so callers stay as they were.
 */
export function undici(): Undici {
  loaded ??= createRequire(import.meta.url)('undici') as Undici;
  return loaded;
}
