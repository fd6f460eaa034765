// .NET's option layer over a descriptor: the int table of options.ts plus the
// pairs .NET's native layer treats specially (pal_networking.c
// TryGetPlatformSocketOption, GetSockOpt, SetSockOpt, and the object values
// of Socket.cs SetSocketOption(level, name, object)). Socket's
// get/setSocketOption and its typed properties call these; nothing here
// knows the Socket class.
import { ipFamily } from './address';
import { SocketOptionLevel as Level, SocketOptionName as Name, SocketType } from './enums';
import { invalidArgType, NotSupportedError, outOfRange, refused, type SocketErrorDetails } from './errors';
import * as sys from './native';
import { platform, platformOption } from './options';
import { validateBoolean, validateInt32, validateInteger, validateObject } from './validate';

const P = platform as Record<string, number | undefined>;
const SOL_SOCKET = P.SOL_SOCKET!;
const IPPROTO_IP = P.IPPROTO_IP!;
const IPPROTO_IPV6 = P.IPPROTO_IPV6!;

/** `SO_LINGER` as .NET's `LingerOption`. */
export interface LingerOption {
  /** Whether `close()` lingers while unsent data remains (`l_onoff`). */
  enabled: boolean;
  /** How long it lingers, in seconds, 0–65535 (`l_linger`). */
  lingerTime: number;
}

/** An IPv4 multicast membership, as .NET's `MulticastOption`. */
export interface MulticastOption {
  /** The IPv4 group address, such as `'239.1.2.3'`. */
  group: string;
  /** The IPv4 address of the local interface to join on; absent: the kernel chooses. */
  localAddress?: string;
  /** The index of the interface to join on (0–0xFFFFFF), which takes precedence over `localAddress`; 0 or absent: the kernel chooses. */
  interfaceIndex?: number;
}

/** An IPv6 multicast membership, as .NET's `IPv6MulticastOption`. */
export interface IPv6MulticastOption {
  /** The IPv6 group address, such as `'ff02::1:3'`. */
  group: string;
  /** The index of the interface to join on (0–0xFFFFFFFF); 0 or absent: the kernel chooses. */
  interfaceIndex?: number;
}

/** What getSocketOption returns: an int, or a {@link LingerOption} for `(Socket, Linger)`. */
export type OptionValue = number | LingerOption;

const getInt = sys.getsockoptInt;
const setInt = sys.setsockoptInt;

function unmapped(level: unknown, name: unknown, syscall: string): never {
  throw refused('ENOPROTOOPT', syscall, {
    hint: `SocketOptionLevel ${String(level)} / SocketOptionName ${String(name)} has no integer mapping on ${process.platform}; use the raw variants`,
  });
}

/** An int option's value: a boolean as 1/0, or an int32. */
function intValue(value: unknown): number {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value !== 'number') throw invalidArgType('value', 'of type number or boolean', value);
  return validateInt32(value, 'value');
}

// ReuseAddress on Unix sets SO_REUSEPORT and SO_REUSEADDR, and reads
// SO_REUSEPORT (pal_networking.c, the SO_REUSEADDR special case); where the
// OS has no SO_REUSEPORT (Windows) it is SO_REUSEADDR alone.
const REUSE_READ = P.SO_REUSEPORT ?? P.SO_REUSEADDR!;

function getReuse(fd: number): number {
  return getInt(fd, SOL_SOCKET, REUSE_READ) !== 0 ? 1 : 0;
}

function setReuse(fd: number, value: number): void {
  if (P.SO_REUSEPORT !== undefined) setInt(fd, SOL_SOCKET, P.SO_REUSEPORT, value);
  setInt(fd, SOL_SOCKET, P.SO_REUSEADDR!, value);
}

// DontFragment: Linux's IP_MTU_DISCOVER with 1 ↔ IP_PMTUDISC_DO and 0 ↔
// IP_PMTUDISC_DONT; macOS, the BSDs and Windows have a boolean IP_DONTFRAG.
// The IPv6 twin, for the dual-mode setter: IPV6_MTU_DISCOVER / IPV6_DONTFRAG.
interface DontFragmentOption {
  level: number;
  name: number;
  on: number;
  off: number;
}

function dontFragmentOption(ipv6: boolean): DontFragmentOption | undefined {
  if (!ipv6 && P.IP_MTU_DISCOVER !== undefined) {
    return { level: IPPROTO_IP, name: P.IP_MTU_DISCOVER, on: P.IP_PMTUDISC_DO!, off: P.IP_PMTUDISC_DONT! };
  }
  if (ipv6 && P.IPV6_MTU_DISCOVER !== undefined) {
    return { level: IPPROTO_IPV6, name: P.IPV6_MTU_DISCOVER, on: P.IPV6_PMTUDISC_DO!, off: P.IPV6_PMTUDISC_DONT! };
  }
  const name = ipv6 ? P.IPV6_DONTFRAG : P.IP_DONTFRAG;
  return name === undefined ? undefined : { level: ipv6 ? IPPROTO_IPV6 : IPPROTO_IP, name, on: 1, off: 0 };
}

/** Reads don't-fragment (IPv4, or `ipv6` the IPv6 option) as 0/1. @internal */
export function getDontFragment(fd: number, ipv6 = false): number {
  const option = dontFragmentOption(ipv6) ?? unmapped(Level.IP, Name.DontFragment, 'getsockopt');
  return getInt(fd, option.level, option.name) === option.on ? 1 : 0;
}

/** Writes don't-fragment (IPv4, or `ipv6` the IPv6 option). @internal */
export function setDontFragment(fd: number, value: number, ipv6 = false): void {
  const option = dontFragmentOption(ipv6) ?? unmapped(Level.IP, Name.DontFragment, 'setsockopt');
  setInt(fd, option.level, option.name, value !== 0 ? option.on : option.off);
}

const dotnetType: Readonly<Record<number, number>> = {
  [P.SOCK_STREAM!]: SocketType.Stream,
  [P.SOCK_DGRAM!]: SocketType.Dgram,
  [P.SOCK_RAW!]: SocketType.Raw,
};

/** SO_LINGER as a {@link LingerOption}. @internal */
export function getLinger(fd: number): LingerOption {
  const [on, seconds] = sys.getLinger(fd);
  return { enabled: on !== 0, lingerTime: seconds };
}

/** Checks a {@link LingerOption} as .NET's LingerOption and SetLingerOption do; reads each property once. @internal */
export function readLinger(value: unknown, name: string): LingerOption {
  const object = validateObject(value, name) as { enabled?: unknown; lingerTime?: unknown };
  const enabled = validateBoolean(object.enabled, `${name}.enabled`);
  const lingerTime = validateInteger(object.lingerTime, `${name}.lingerTime`, 0, 65535);
  return { enabled, lingerTime };
}

/** Writes SO_LINGER. @internal */
export function setLinger(fd: number, linger: LingerOption): void {
  sys.setLinger(fd, linger.enabled ? 1 : 0, linger.lingerTime);
}

function setMembership(fd: number, ipv6: boolean, join: boolean, value: unknown): void {
  const object = validateObject(value, 'value') as {
    group?: unknown;
    localAddress?: unknown;
    interfaceIndex?: unknown;
  };
  const group = object.group;
  const localAddress = ipv6 ? undefined : object.localAddress;
  const interfaceIndex = object.interfaceIndex;
  // MulticastOption.cs: InterfaceIndex 0..0x00FFFFFF; IPv6MulticastOption: 0..0xFFFFFFFF.
  const index =
    interfaceIndex === undefined
      ? 0
      : validateInteger(interfaceIndex, 'value.interfaceIndex', 0, ipv6 ? 0xffffffff : 0xffffff);
  if (ipFamily(group, 'value.group') !== (ipv6 ? 6 : 4)) {
    throw outOfRange(
      'value.group',
      ipv6 ? 'an IPv6 address for SocketOptionLevel.IPv6' : 'an IPv4 address for SocketOptionLevel.IP',
      group,
    );
  }
  let local = '';
  if (localAddress !== undefined) {
    if (ipFamily(localAddress, 'value.localAddress') !== 4)
      throw outOfRange('value.localAddress', 'an IPv4 address', localAddress);
    local = localAddress as string;
  }
  sys.membership(fd, join ? 1 : 0, group as string, local, index);
}

/**
 * Reads an option by .NET level and name (`getSocketOption`). The caller has
 * checked that both are int32. @internal
 */
export function getOption(fd: number, level: number, name: number): OptionValue {
  if (level === Level.Socket) {
    if (name === Name.ReuseAddress) return getReuse(fd);
    if (name === Name.ExclusiveAddressUse) return 1 - getReuse(fd);
    if (name === Name.Linger) return getLinger(fd);
    if (name === Name.Type) {
      const type = getInt(fd, SOL_SOCKET, P.SO_TYPE!);
      return dotnetType[type] ?? type;
    }
  } else if (level === Level.IP && name === Name.DontFragment) {
    return getDontFragment(fd);
  }
  const option = platformOption(level, name) ?? unmapped(level, name, 'getsockopt');
  return getInt(fd, option[0], option[1]);
}

/**
 * Writes an option by .NET level and name (`setSocketOption`): an int or
 * boolean, or the object .NET takes for `Linger` and the memberships.
 * `bound`: whether the socket has a local address (ExclusiveAddressUse is
 * refused then). The caller has checked that level and name are int32. @internal
 */
export function setOption(fd: number, level: number, name: number, value: unknown, bound: () => boolean): void {
  if (level === Level.Socket) {
    if (name === Name.Linger) return setLinger(fd, readLinger(value, 'value'));
    if (name === Name.ReuseAddress) return setReuse(fd, intValue(value));
    if (name === Name.ExclusiveAddressUse) {
      const int = intValue(value);
      // Socket.cs ExclusiveAddressUse: InvalidOperationException once bound.
      if (bound()) throw alreadyBound();
      // pal_networking.c: only 0 and 1.
      if (int !== 0 && int !== 1) throw refused('EINVAL', 'setsockopt', { hint: 'ExclusiveAddressUse takes 0 or 1' });
      return setReuse(fd, 1 - int);
    }
  } else if (level === Level.IP || level === Level.IPv6) {
    if (name === Name.AddMembership || name === Name.DropMembership) {
      return setMembership(fd, level === Level.IPv6, name === Name.AddMembership, value);
    }
    if (level === Level.IP && name === Name.DontFragment) return setDontFragment(fd, intValue(value));
  }
  // The (level, name) mapping is checked before the value, as before.
  const option = platformOption(level, name) ?? unmapped(level, name, 'setsockopt');
  setInt(fd, option[0], option[1], intValue(value));
}

/** Whether an IPv6 socket carries IPv4 too: `IPV6_V6ONLY` == 0 (.NET `DualMode`), read from the kernel. @internal */
export function readDualMode(fd: number): boolean {
  return getInt(fd, IPPROTO_IPV6, P.IPV6_V6ONLY!) === 0;
}

/**
 * Writes `IPV6_V6ONLY = on ? 0 : 1` (.NET `DualMode = on`). `details`: what
 * the error adds (a shared constant, not made per call). @internal
 */
export function writeDualMode(fd: number, on: boolean, details?: SocketErrorDetails): void {
  setInt(fd, IPPROTO_IPV6, P.IPV6_V6ONLY!, on ? 0 : 1, details);
}

const never = (): boolean => false;

/**
 * Sets an int option .NET sets at the socket's own level (IPv6 for an IPv6
 * socket) and, on a socket in dual mode, its IPv4 twin too, so that the
 * socket's IPv4 traffic obeys it (beyond .NET, API.md §9). @internal
 */
export function setBothHalves(fd: number, ipv6: boolean, name: number, value: number | boolean): void {
  if (!ipv6 || !readDualMode(fd)) return setOption(fd, ipv6 ? Level.IPv6 : Level.IP, name, value, never);
  // Both or neither: the IPv4 twin is the stricter (IP_TTL refuses 0), so it
  // goes first, and is put back if the IPv6 option then fails.
  const before = getOption(fd, Level.IP, name);
  setOption(fd, Level.IP, name, value, never);
  try {
    setOption(fd, Level.IPv6, name, value, never);
  } catch (err) {
    setOption(fd, Level.IP, name, before, never);
    throw err;
  }
}

// The typed properties of Socket (Socket.cs) with .NET's rules by family.
// Beyond .NET: on a socket in dual mode the ttl, dontFragment and
// multicastLoopback setters set the IPv4 twin as well (setBothHalves), so
// that the socket's IPv4 traffic obeys them too.

/** The level .NET uses for an IP option on a socket of this family. */
const ipLevel = (ipv6: boolean): number => (ipv6 ? Level.IPv6 : Level.IP);

/** A boolean option by .NET level and name: the kernel's value is not 0. @internal */
export function getFlag(fd: number, level: number, name: number): boolean {
  return getOption(fd, level, name) !== 0;
}

/** Socket.Ttl: `IP_TTL` or `IPV6_UNICAST_HOPS`, by family. @internal */
export function getTtl(fd: number, ipv6: boolean): number {
  return getOption(fd, ipLevel(ipv6), Name.IpTimeToLive) as number;
}

/** Socket.MulticastLoopback: `IP_MULTICAST_LOOP` or `IPV6_MULTICAST_LOOP`, by family. @internal */
export function getMulticastLoopback(fd: number, ipv6: boolean): boolean {
  return getFlag(fd, ipLevel(ipv6), Name.MulticastLoopback);
}

// Socket.cs DontFragment (.NET 9): IPv4, or IPv6 in dual mode.
function ipv4Reachable(fd: number, ipv6: boolean): void {
  if (ipv6 && !readDualMode(fd)) throw new NotSupportedError();
}

/** Socket.DontFragment: the IPv4 option, on a socket that carries IPv4. @internal */
export function readDontFragment(fd: number, ipv6: boolean): boolean {
  ipv4Reachable(fd, ipv6);
  return getDontFragment(fd) !== 0;
}

/** Sets Socket.DontFragment; on an IPv6 socket (in dual mode) the IPv6 twin too. @internal */
export function writeDontFragment(fd: number, ipv6: boolean, value: boolean): void {
  ipv4Reachable(fd, ipv6);
  setDontFragment(fd, value ? 1 : 0);
  if (ipv6) setDontFragment(fd, value ? 1 : 0, true);
}

/** Sets an int option by .NET level and name where bind state does not matter. @internal */
export function setPlainOption(fd: number, level: number, name: number, value: number | boolean): void {
  setOption(fd, level, name, value, never);
}

/** The error of a change refused once the socket is bound (.NET `net_sockets_mustnotbebound`). @internal */
export function alreadyBound(): Error & { code: string } {
  return Object.assign(new Error('The socket must not be bound or connected.'), { code: 'ERR_SOCKET_ALREADY_BOUND' });
}
