import { promises as dns, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import type { buildConnector } from 'undici';
import { undici } from './undici.js';

/**
 * Resolves a host name to every address it has, like `dns.promises.lookup(host, {all: true})`. Injected in tests
 * so that no real DNS is asked; rejects when the name does not resolve.
 */
export type ResolveHost = (hostname: string) => Promise<LookupAddress[]>;

/** The system resolver (getaddrinfo): every address, in the order the system gives them. */
export const systemResolve: ResolveHost = (hostname) => dns.lookup(hostname, { all: true, verbatim: true });

/** Cloud metadata services (AWS, GCP, Azure and others use the IPv4 one; AWS also the IPv6 one). */
const METADATA = new Set(['169.254.169.254', 'fd00:ec2::254']);

/** IPv4-compatible IPv6 addresses (`::a.b.c.d`, RFC 4291 2.5.5.1, deprecated): an IPv4 address in IPv6 clothes. */
const IPV4_COMPATIBLE = ipaddr.parseCIDR('::/96') as [ipaddr.IPv6, number];

const RANGE_NAMES: Record<string, string> = {
  unspecified: 'unspecified',
  broadcast: 'broadcast',
  multicast: 'multicast',
  linkLocal: 'link-local',
  loopback: 'loopback',
  carrierGradeNat: 'carrier-grade NAT',
  private: 'private',
  uniqueLocal: 'unique-local',
  reserved: 'reserved',
};

/**
 * Why a webhook may not be sent to this IP address, or undefined when it is a public unicast address. Refused:
 * loopback, private (RFC 1918), link-local, carrier-grade NAT (100.64/10), unique-local (fc00::/7), unspecified,
 * multicast, broadcast, reserved and every other special range ipaddr.js knows, cloud metadata (169.254.169.254,
 * fd00:ec2::254), IPv4-mapped IPv6 addresses of any of those, and IPv4-compatible ones (`::/96`, which ipaddr.js
 * calls unicast). Not an IP address at all: refused too.
 */
export function refusedAddress(address: string): string | undefined {
  const text = address.replace(/^\[|\]$/g, '');
  if (!ipaddr.isValid(text)) return 'not an IP address';
  let ip = ipaddr.parse(text);
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) {
    ip = (ip as ipaddr.IPv6).toIPv4Address();
  }
  if (METADATA.has(ip.toNormalizedString()) || METADATA.has(ip.toString())) return 'cloud metadata';
  const range = ip.range();
  if (range === 'unicast' && ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).match(IPV4_COMPATIBLE)) {
    return 'IPv4-compatible';
  }
  if (range === 'unicast') return undefined;
  return RANGE_NAMES[range] ?? `special-purpose (${range})`;
}

/** A host name as compared and resolved: lower case, no IPv6 brackets, no trailing dot. */
export function normalHost(hostname: string): string {
  return hostname
    .replace(/^\[|\]$/g, '')
    .toLowerCase()
    .replace(/\.$/, '');
}

/**
 * Why `hostname` may not receive webhooks as far as its text tells, or undefined when it does not tell (a public IP
 * address, or a name that must be resolved to know): an IP literal is classified ({@link refusedAddress}), and
 * `localhost`, `*.localhost` and a name without a dot (a local host name) are refused. The allow list is the
 * caller's to apply. Synchronous, so a check that cannot resolve (a seed file) still says why.
 */
export function literalRefusal(hostname: string): string | undefined {
  const host = normalHost(hostname);
  if (ipaddr.isValid(host)) {
    const reason = refusedAddress(host);
    return reason && `${host} is a ${reason} address`;
  }
  if (host === 'localhost' || host.endsWith('.localhost')) return `${host} is this machine`;
  if (!host.includes('.')) return `${host} is a local host name`;
  return undefined;
}

/** Thrown (as a connect error) when a webhook's host resolves to an address that is refused. */
export class DestinationRefused extends Error {
  readonly code = 'BETAL_DESTINATION_REFUSED';
  constructor(message: string) {
    super(message);
    this.name = 'DestinationRefused';
  }
}

/**
 * Where webhooks may go outside dev mode: only to public addresses, unless the host is on the allow list. The
 * host is checked at registration ({@link DestinationPolicy.check}) and every address is checked again at each
 * connection ({@link DestinationPolicy.connector}), so that a name that resolves elsewhere later (DNS rebinding)
 * still reaches no internal address.
 */
export class DestinationPolicy {
  private readonly allowed: Set<string>;
  private readonly resolve: ResolveHost;

  /** `allowHosts`: host names or IP addresses exempt from the check; `resolve`: default the system resolver. */
  constructor(options: { allowHosts?: readonly string[]; resolve?: ResolveHost } = {}) {
    this.allowed = new Set((options.allowHosts ?? []).map(normalHost));
    this.resolve = options.resolve ?? systemResolve;
  }

  /** True when the host is on the allow list. */
  isAllowed(hostname: string): boolean {
    return this.allowed.has(normalHost(hostname));
  }

  /**
   * Why `hostname` may not receive webhooks, or undefined when it may: an IP literal is classified, `localhost`,
   * `*.localhost` and a name without a dot (a local host name) are refused, anything else is resolved and each of
   * its addresses must be public. A name that does not resolve is refused too.
   */
  async check(hostname: string): Promise<string | undefined> {
    const host = normalHost(hostname);
    if (this.allowed.has(host)) return undefined;
    const literal = literalRefusal(host);
    if (literal || ipaddr.isValid(host)) return literal;
    let addresses: LookupAddress[];
    try {
      addresses = await this.resolve(host);
    } catch {
      return `${host} does not resolve`;
    }
    if (addresses.length === 0) return `${host} does not resolve`;
    for (const { address } of addresses) {
      const reason = refusedAddress(address);
      if (reason) return `${host} resolves to ${address}, a ${reason} address`;
    }
    return undefined;
  }

  /**
   * A `lookup` for `net.connect`/`tls.connect` that resolves with the policy's resolver and fails the connection
   * (DestinationRefused) when any address is refused, unless the host is allowed. Answers both the one-address and
   * the `all: true` forms.
   */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    this.resolve(hostname).then(
      (found) => {
        const family = options.family === 4 || options.family === 6 ? options.family : undefined;
        const addresses = family ? found.filter((a) => a.family === family) : found;
        if (!this.isAllowed(hostname)) {
          for (const { address } of addresses) {
            const reason = refusedAddress(address);
            if (reason) {
              callback(
                new DestinationRefused(
                  `destination refused: ${hostname} resolves to ${address}, a ${reason} address`,
                ),
                '',
              );
              return;
            }
          }
        }
        const first = addresses[0];
        if (!first) {
          callback(Object.assign(new Error(`${hostname} does not resolve`), { code: 'ENOTFOUND' }), '');
          return;
        }
        if (options.all) (callback as (e: null, a: LookupAddress[]) => void)(null, addresses);
        else callback(null, first.address, first.family);
      },
      (error: unknown) => callback(error as NodeJS.ErrnoException, ''),
    );
  };

  /**
   * An undici connector that applies the policy to every connection: an IP literal host is classified before
   * connecting (no lookup happens for it), a name goes through {@link DestinationPolicy.lookup}.
   * `timeoutMs`: the connect timeout.
   */
  connector(timeoutMs: number): buildConnector.connector {
    const base = undici().buildConnector({ timeout: timeoutMs, lookup: this.lookup });
    return (options, callback) => {
      const host = normalHost(options.hostname);
      if (ipaddr.isValid(host) && !this.allowed.has(host)) {
        const reason = refusedAddress(host);
        if (reason) {
          callback(new DestinationRefused(`destination refused: ${host} is a ${reason} address`), null);
          return;
        }
      }
      base(options, callback);
    };
  }
}
