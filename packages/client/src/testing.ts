/** The hosts of the real Vipps MobilePay APIs: test ("MT") and production (contract 1). */
export const VIPPS_HOSTS = ['https://apitest.vipps.no', 'https://api.vipps.no'] as const;

/** Options of {@link usePlatform}. */
export interface UsePlatformOptions {
  /** Origins to send to the platform instead; default both Vipps MobilePay API hosts. */
  hosts?: readonly string[];
}

/**
 * The URL a request to one of `hosts` goes to on the platform at `baseUrl`, or undefined when `url` is not on
 * one of those hosts. `https://apitest.vipps.no/epayment/v1/payments` → `http://127.0.0.1:8080/epayment/v1/payments`.
 */
export function platformUrl(
  url: string,
  baseUrl: string,
  hosts: readonly string[] = VIPPS_HOSTS,
): string | undefined {
  const host = hosts.find((h) => url === h || url.startsWith(`${h}/`) || url.startsWith(`${h}?`));
  return host === undefined ? undefined : baseUrl.replace(/\/$/, '') + url.slice(host.length);
}

/**
 * Points every `fetch` of this process at a local platform: requests to the Vipps MobilePay API hosts go to
 * `baseUrl`, everything else is untouched. Works for the official SDK `@vippsmobilepay/sdk` (which calls the
 * global `fetch` with a `Request`) and any other fetch-based code. Returns a function that restores the
 * original `fetch`.
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
  const redirected: typeof fetch = async (input, init) => {
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
  return () => {
    if (globalThis.fetch === redirected) globalThis.fetch = original;
  };
}
