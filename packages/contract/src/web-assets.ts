/**
 * The browser's files of a package's pages (`@betal/contract/web-assets`): its scripts and stylesheets, real files
 * in a folder of the package (`src/.../web`, copied into `dist` by `npm run build`), read once when the server
 * starts and served with a strong `ETag` and `Cache-Control: no-cache`: the browser keeps its copy and revalidates
 * it, so a 304 answers unless the package changed. Used by the platform and the merchant alike.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';

/** One served file. */
export interface WebAsset {
  readonly contentType: string;
  readonly body: Buffer;
  /** A strong validator: the hash of the body, quoted. */
  readonly etag: string;
}

/** The answer to a request for an asset: 200 with the body, or 304 when the browser's copy is current. */
export interface WebAssetResponse {
  readonly status: 200 | 304;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Buffer;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/**
 * The scripts and stylesheets in `dir` (a folder URL, e.g. `new URL('./web/', import.meta.url)`), by file name.
 * Throws when the folder is missing: in a checkout, `npm run build` copies it next to the compiled code.
 */
export function loadWebAssets(dir: URL): ReadonlyMap<string, WebAsset> {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    throw new Error(`The browser files are missing from ${dir.pathname} (run npm run build).`, {
      cause: error,
    });
  }
  const assets = new Map<string, WebAsset>();
  for (const name of names.sort()) {
    const contentType = CONTENT_TYPES[extname(name)];
    if (!contentType) continue;
    const body = readFileSync(new URL(name, dir));
    const hash = createHash('sha256').update(body).digest('base64url').slice(0, 27);
    assets.set(name, { contentType, body, etag: `"${hash}"` });
  }
  return assets;
}

/** Whether an `If-None-Match` header names the asset's current ETag (`*`, a list, or weak forms included). */
function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === '*' || tag === etag);
}

/** The status, headers and body that answer a request for `asset` carrying `ifNoneMatch`. */
export function webAssetResponse(asset: WebAsset, ifNoneMatch: string | undefined): WebAssetResponse {
  const headers = {
    'cache-control': 'no-cache',
    etag: asset.etag,
    'x-content-type-options': 'nosniff',
    'content-type': asset.contentType,
  };
  if (matches(ifNoneMatch, asset.etag)) return { status: 304, headers };
  return { status: 200, headers, body: asset.body };
}
