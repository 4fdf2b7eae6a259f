/** The hosts of the real Vipps MobilePay APIs: test ("MT") and production (contract 1). */
export const VIPPS_HOSTS = ['https://apitest.vipps.no', 'https://api.vipps.no'] as const;

/** Options of {@link usePlatform}. */
export interface UsePlatformOptions {
  /** Origins to send to the platform instead; default both Vipps MobilePay API hosts. */
  hosts?: readonly string[];
}

/**
 * The URL a request to one of `hosts` goes to on the platform at `baseUrl`, or undefined when `url` is not on
 * one of those hosts (compared by origin: scheme, host in any case, port) or is not an absolute URL. The path is
 * taken as fetch would send it (normalized, no fragment). `https://apitest.vipps.no/epayment/v1/payments` → `http://127.0.0.1:8080/epayment/v1/payments`.
 */
export function platformUrl(
  url: string,
  baseUrl: string,
  hosts: readonly string[] = VIPPS_HOSTS,
): string | undefined {
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  if (!parsed) return undefined;
  // Compare origins, so that `https://APItest.vipps.no:443/...` counts as the test host as it does for fetch.
  const matches = hosts.some((h) => URL.canParse(h) && new URL(h).origin === parsed.origin);
  return matches ? baseUrl.replace(/\/$/, '') + parsed.pathname + parsed.search : undefined;
}

/** Each installed redirect and the fetch it wraps; those already restored are in `retiredNow`. */
const wrapped = new WeakMap<typeof fetch, typeof fetch>();
const retiredNow = new WeakSet<typeof fetch>();

/** The fetch to put back: `f`, or what it wraps when `f` is a redirect that was restored already. */
function unwrap(f: typeof fetch): typeof fetch {
  let current = f;
  while (retiredNow.has(current)) current = wrapped.get(current) ?? current;
  return current;
}

/**
 * Points every `fetch` of this process at a local platform: requests to the Vipps MobilePay API hosts go to
 * `baseUrl`, everything else is untouched. Works for the official SDK `@vippsmobilepay/sdk` (which calls the
 * global `fetch` with a `Request`) and any other fetch-based code. Returns a function that restores the
 * original `fetch` (in any order when several are installed: a restored redirect passes everything through).
 *
 * @example
 * const restore = usePlatform('http://127.0.0.1:8080');
 * const client = Client({ merchantSerialNumber: '123456', subscriptionKey: 'dev-subscription-key', useTestMode: true, ... });
 * // ... client.payment.create(...) now reaches the local platform
 * restore();
 */
export function usePlatform(baseUrl: string, options: UsePlatformOptions = {}): () => void {
  const hosts = options.hosts ?? VIPPS_HOSTS;
  const original = globalThis.fetch;
  let active = true;
  const redirected: typeof fetch = async (input, init) => {
    if (!active) return original(input, init);
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const target = platformUrl(url, baseUrl, hosts);
    if (target === undefined) return original(input, init);
    if (typeof input === 'string' || input instanceof URL) return original(target, init);
    const hasBody = input.method !== 'GET' && input.method !== 'HEAD' && input.body !== null;
    return original(
      new Request(target, {
        method: input.method,
        headers: input.headers,
        body: hasBody ? await input.arrayBuffer() : null,
        redirect: input.redirect,
        signal: input.signal,
      }),
      init,
    );
  };
  globalThis.fetch = redirected;
  wrapped.set(redirected, original);
  return () => {
    // Restored out of order (another usePlatform was installed after this one), the redirect becomes a plain
    // pass-through, and the later restore skips it, so no restore leaves a stale redirect behind.
    active = false;
    retiredNow.add(redirected);
    if (globalThis.fetch === redirected) globalThis.fetch = unwrap(original);
  };
}
