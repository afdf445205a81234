import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { ValidationError } from '../errors.js';

export interface UrlPolicy {
  /** Host names or addresses allowed whatever they resolve to (e.g. "127.0.0.1" for a local receiver). */
  allowHosts: string[];
  /** Private networks allowed (PRIVATE below), for receivers on one; never loopback, link-local or the rest. */
  allowPrivateNetworks: boolean;
}

/**
 * Addresses no webhook may reach unless allowed: this host, private and link-local networks, multicast, reserved.
 * Two lists: a BlockList checks IPv4 addresses against IPv6 rules as mapped addresses, which ::ffff:0:0/96 would
 * then refuse wholesale.
 */
const blocked4 = new BlockList();
const blocked6 = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) blocked4.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  // unspecified, loopback, IPv4-compatible, -mapped, -translated and NAT64 (they reach IPv4 hosts), 6to4, discard, documentation
  ['::', 96], ['::ffff:0:0', 96], ['::ffff:0:0:0', 96], ['64:ff9b::', 96], ['64:ff9b:1::', 48], ['2002::', 16], ['100::', 64], ['2001:db8::', 32],
  // unique-local, link-local, site-local, multicast
  ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8],
] as const) blocked6.addSubnet(net, bits, 'ipv6');

/** What allowPrivateNetworks opens: RFC 1918, shared address space (carrier NAT), unique-local IPv6. */
const private4 = new BlockList();
const private6 = new BlockList();
for (const [net, bits] of [['10.0.0.0', 8], ['172.16.0.0', 12], ['192.168.0.0', 16], ['100.64.0.0', 10]] as const) private4.addSubnet(net, bits, 'ipv4');
private6.addSubnet('fc00::', 7, 'ipv6');

export class AddressNotAllowedError extends Error {
  readonly code = 'ADDRESS_NOT_ALLOWED';
}

const bare = (host: string) => host.replace(/^\[|\]$/g, '').toLowerCase();

/**
 * Where webhooks may go. URLs are checked when an endpoint is saved and before every delivery; a host name's
 * addresses are checked in the very lookup the connection uses, so a name that resolves elsewhere later (DNS
 * rebinding) is still refused.
 */
export class UrlGuard {
  private readonly allowed: Set<string>;

  constructor(private readonly policy: UrlPolicy) {
    this.allowed = new Set(policy.allowHosts.map(bare));
  }

  /** Whether an address may be reached (when its host name is not allowed as such). */
  addressAllowed(address: string): boolean {
    if (this.allowed.has(bare(address))) return true;
    const family = isIP(address);
    if (family === 4) return !blocked4.check(address, 'ipv4') || (this.policy.allowPrivateNetworks && private4.check(address, 'ipv4'));
    return family === 6 && (!blocked6.check(address, 'ipv6') || (this.policy.allowPrivateNetworks && private6.check(address, 'ipv6')));
  }

  /** The URL, parsed, if its form and (for an address) its host are allowed; ValidationError otherwise. */
  check(raw: string): URL {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new ValidationError('url: not a valid URL', 'url');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ValidationError('url: must be http:// or https://', 'url');
    if (url.username || url.password) throw new ValidationError('url: must not carry a user name or password', 'url');
    const host = bare(url.hostname);
    if (isIP(host) && !this.addressAllowed(host)) throw new ValidationError('url: this address is not allowed (loopback, private, link-local, multicast or reserved)', 'url');
    return url;
  }

  /** check(), and every address the host name resolves to now must be allowed. */
  async checkResolved(raw: string): Promise<URL> {
    const url = this.check(raw);
    const host = bare(url.hostname);
    if (isIP(host) || this.allowed.has(host)) return url;
    await new Promise<void>((resolve, reject) => this.lookup(host, { all: true }, (err) => (err ? reject(err) : resolve()))).catch((e: unknown) => {
      if (e instanceof AddressNotAllowedError) throw new ValidationError('url: the host name resolves to an address that is not allowed', 'url');
      throw new ValidationError('url: the host name does not resolve', 'url');
    });
    return url;
  }

  /** The lookup undici's connections use: resolves, and fails unless every address is allowed. */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      const hostAllowed = this.allowed.has(bare(hostname));
      if (!addresses.length || (!hostAllowed && addresses.some((a) => !this.addressAllowed(a.address)))) {
        return callback(new AddressNotAllowedError('address not allowed'), '', 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}
