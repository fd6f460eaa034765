// IP literal checks and .NET's IPAddress mapping helpers (IPAddress.cs:
// MapToIPv6, MapToIPv4, IsIPv4MappedToIPv6).
import type net = require('node:net');
import { invalidArgType, invalidIPAddress, refused } from './errors';

// node:net is loaded on first use: it costs more than the rest of the
// package to load, and bind() does not need it (the addon checks literals).
let isIP: typeof net.isIP | undefined;

/** Checks that `value` is an IP literal (zone ids allowed) and returns its family. @internal */
export function ipFamily(value: unknown, name: string): 4 | 6 {
  if (typeof value !== 'string') throw invalidArgType(name, 'of type string', value);
  // 63 characters hold any IPv6 literal with an interface name (IFNAMSIZ 16)
  // or index as its zone; the addon's buffer is sized to match.
  isIP ??= (require('node:net') as typeof net).isIP;
  const family = value.length > 63 ? 0 : isIP(value);
  if (family === 0) throw invalidIPAddress(value);
  return family as 4 | 6;
}

/** The 16-bit groups of the colon-separated part of an IPv6 literal. */
function parseGroups(part: string): number[] {
  if (part === '') return [];
  const result: number[] = [];
  for (const piece of part.split(':')) {
    if (piece.includes('.')) {
      const [a, b, c, d] = piece.split('.').map(Number) as [number, number, number, number];
      result.push((a << 8) | b, (c << 8) | d);
    } else {
      result.push(parseInt(piece, 16));
    }
  }
  return result;
}

/** The eight 16-bit groups of a valid IPv6 literal (its zone ignored). */
function groups(address: string): number[] {
  const zone = address.indexOf('%');
  const text = zone < 0 ? address : address.slice(0, zone);
  const gap = text.indexOf('::');
  if (gap < 0) return parseGroups(text);
  const head = parseGroups(text.slice(0, gap));
  const tail = parseGroups(text.slice(gap + 2));
  return [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
}

/**
 * `ip` as an IPv6 address (.NET `IPAddress.MapToIPv6`): an IPv4 address
 * becomes its IPv4-mapped form `::ffff:a.b.c.d`; an IPv6 address comes back
 * unchanged.
 *
 * @throws TypeError `ERR_INVALID_IP_ADDRESS` when `ip` is not an IP literal.
 * @example
 * mapToIPv6('192.0.2.1') // '::ffff:192.0.2.1'
 */
export function mapToIPv6(ip: string): string {
  return ipFamily(ip, 'ip') === 6 ? ip : `::ffff:${ip}`;
}

/**
 * `ip` as an IPv4 address (.NET `IPAddress.MapToIPv4`): an IPv6 address
 * becomes its last 32 bits as a dotted quad, whatever its prefix (as .NET
 * does: `::1` gives `0.0.0.1`); an IPv4 address comes back unchanged.
 *
 * @throws TypeError `ERR_INVALID_IP_ADDRESS` when `ip` is not an IP literal.
 * @example
 * mapToIPv4('::ffff:192.0.2.1') // '192.0.2.1'
 */
export function mapToIPv4(ip: string): string {
  if (ipFamily(ip, 'ip') === 4) return ip;
  const [, , , , , , high, low] = groups(ip) as [number, number, number, number, number, number, number, number];
  return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
}

/**
 * Whether `ip` is an IPv4-mapped IPv6 address, `::ffff:0:0/96` in any
 * spelling (.NET `IPAddress.IsIPv4MappedToIPv6`). IPv4 addresses and the
 * IPv4-compatible form `::a.b.c.d` are not.
 *
 * @throws TypeError `ERR_INVALID_IP_ADDRESS` when `ip` is not an IP literal.
 * @example
 * isIPv4MappedToIPv6('::FFFF:7f00:1') // true
 */
export function isIPv4MappedToIPv6(ip: string): boolean {
  if (ipFamily(ip, 'ip') === 4) return false;
  const words = groups(ip);
  return words[5] === 0xffff && words.slice(0, 5).every((word) => word === 0);
}

/**
 * The address a call of a socket of family `ipv6` sends to the kernel (.NET
 * Socket.cs Serialize): an IPv4 address on a dual-mode socket is mapped to
 * ::ffff:a.b.c.d; any other family mismatch is refused before the kernel
 * with EAFNOSUPPORT. `dual` reads the socket's dual mode, only when needed.
 * @internal
 */
export function targetAddress(
  ipv6: boolean,
  dual: () => boolean,
  address: unknown,
  name: string,
  syscall: string,
  port: number,
): string {
  if (typeof address !== 'string') throw invalidArgType(name, 'of type string', address);
  // Only an IPv6 literal has a colon. When the family fits, the literal goes
  // on as it is (the addon checks its spelling); otherwise it is checked in
  // full before it is mapped or refused.
  if (address.includes(':') === ipv6) return address;
  const family = ipFamily(address, name);
  if (ipv6) {
    if (family === 6) return address;
    if (dual()) return `::ffff:${address}`;
    throw refused('EAFNOSUPPORT', syscall, {
      address,
      port,
      hint: 'an IPv4 address needs dualMode = true on an IPv6 socket',
    });
  }
  if (family === 4) return address;
  throw refused('EAFNOSUPPORT', syscall, { address, port, hint: 'an IPv4 socket cannot use an IPv6 address' });
}
