// POSIX (Linux, macOS, FreeBSD, OpenBSD) implementation of platform.h.
#define __APPLE_USE_RFC_3542  // IPV6_RECVPKTINFO and in6_pktinfo on macOS
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>

#include "platform.h"
#if !defined(IP_PKTINFO) && defined(IP_RECVIF)
#include <net/if_dl.h>
#endif
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace dualmode {
namespace platform {

#define C(name) {#name, name},
const Constant kConstants[] = {
    C(AF_UNSPEC) C(AF_INET) C(AF_INET6) C(SOCK_STREAM) C(SOCK_DGRAM) C(SOCK_RAW) C(SOL_SOCKET)
        C(IPPROTO_IP) C(IPPROTO_IPV6) C(IPPROTO_TCP) C(IPPROTO_UDP) C(IPPROTO_ICMP)
            C(IPPROTO_ICMPV6)
    // Linux numbers IPV6_V6ONLY 26; macOS and the BSDs 27 (.NET's value).
    C(IPV6_V6ONLY) C(SO_DEBUG) C(SO_ACCEPTCONN) C(SO_REUSEADDR) C(SO_KEEPALIVE) C(SO_DONTROUTE)
        C(SO_BROADCAST) C(SO_OOBINLINE) C(SO_SNDBUF) C(SO_RCVBUF) C(SO_SNDLOWAT) C(SO_RCVLOWAT)
            C(SO_ERROR) C(SO_TYPE)
#ifdef SO_REUSEPORT
                C(SO_REUSEPORT)
#endif
// The option libuv's uv_udp_open turns on for an adopted UDP socket
// (uv__sock_reuseaddr): SO_REUSEPORT on the BSDs and macOS, else SO_REUSEADDR.
#if defined(SO_REUSEPORT) && !defined(__linux__) && !defined(__GNU__) && !defined(__illumos__) && \
    !defined(__DragonFly__)
                    {"UV_UDP_REUSE", SO_REUSEPORT},
#else
                {"UV_UDP_REUSE", SO_REUSEADDR},
#endif
    C(IP_TOS) C(IP_TTL) C(IP_HDRINCL) C(IP_OPTIONS) C(IP_MULTICAST_IF) C(IP_MULTICAST_TTL)
        C(IP_MULTICAST_LOOP) C(IP_ADD_MEMBERSHIP) C(IP_DROP_MEMBERSHIP) C(IPV6_JOIN_GROUP)
            C(IPV6_LEAVE_GROUP) C(SO_LINGER)
#ifdef IP_MTU_DISCOVER
    // Linux: don't-fragment is a path-MTU discovery mode (.NET's DontFragment).
    C(IP_MTU_DISCOVER) C(IP_PMTUDISC_DO) C(IP_PMTUDISC_DONT) C(IPV6_MTU_DISCOVER)
        C(IPV6_PMTUDISC_DO) C(IPV6_PMTUDISC_DONT)
#endif
#ifdef IP_DONTFRAG
    // macOS and the BSDs: a plain boolean.
    C(IP_DONTFRAG)
#endif
#ifdef IPV6_DONTFRAG
        C(IPV6_DONTFRAG)
#endif
#ifdef IP_RECVTTL
            C(IP_RECVTTL)
#endif
#ifdef IPV6_RECVHOPLIMIT
                C(IPV6_RECVHOPLIMIT)
#endif
#ifdef IP_PKTINFO
                    C(IP_PKTINFO)
#endif
                        C(IPV6_UNICAST_HOPS) C(IPV6_MULTICAST_IF) C(IPV6_MULTICAST_HOPS)
                            C(IPV6_MULTICAST_LOOP)
#ifdef IPV6_RECVPKTINFO
                                C(IPV6_RECVPKTINFO)
#endif
                                    C(TCP_NODELAY)
#ifdef TCP_KEEPIDLE
                                        C(TCP_KEEPIDLE)
#elif defined(TCP_KEEPALIVE)
    // macOS names the idle time before keep-alive probes TCP_KEEPALIVE.
    {"TCP_KEEPIDLE", TCP_KEEPALIVE},
#endif
#ifdef TCP_KEEPINTVL
                                            C(TCP_KEEPINTVL)
#endif
#ifdef TCP_KEEPCNT
                                                C(TCP_KEEPCNT)
#endif
#ifdef TCP_FASTOPEN
                                                    C(TCP_FASTOPEN)
#endif
};
#undef C
const size_t kConstantCount = sizeof(kConstants) / sizeof(kConstants[0]);

// Node's error numbers on Unix are negated errno values.
static int Fail() { return -errno; }
const int kAddressFamilyNotSupported = -EAFNOSUPPORT;

int OpenSocket(int family, int type, int protocol, int* fd) {
#ifdef SOCK_CLOEXEC
  int s = socket(family, type | SOCK_CLOEXEC, protocol);
  if (s < 0) return Fail();
#else
  // macOS has no SOCK_CLOEXEC: set FD_CLOEXEC straight after creation.
  int s = socket(family, type, protocol);
  if (s < 0) return Fail();
  if (fcntl(s, F_SETFD, FD_CLOEXEC) < 0) {
    int err = Fail();
    close(s);
    return err;
  }
#endif
  *fd = s;
  return 0;
}

int CloseSocket(int fd) {
  // Linux and the BSDs release the descriptor even when close() reports
  // EINTR, so it is never retried: a retry could close a reused number.
  if (close(fd) < 0 && errno != EINTR) return Fail();
  return 0;
}

int GetOption(int fd, int level, int name, void* value, int* length) {
  socklen_t len = static_cast<socklen_t>(*length);
  if (getsockopt(fd, level, name, value, &len) < 0) return Fail();
  *length = static_cast<int>(len);
  return 0;
}

int SetOption(int fd, int level, int name, const void* value, int length) {
  if (setsockopt(fd, level, name, value, static_cast<socklen_t>(length)) < 0) return Fail();
  return 0;
}

int Bind(int fd, const sockaddr* address, int length) {
  if (bind(fd, address, static_cast<socklen_t>(length)) < 0) return Fail();
  return 0;
}

int Listen(int fd, int backlog) {
  if (listen(fd, backlog) < 0) return Fail();
  return 0;
}

int LocalAddress(int fd, sockaddr_storage* address, int* length) {
  socklen_t len = sizeof(*address);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(address), &len) < 0) return Fail();
  *length = static_cast<int>(len);
  return 0;
}

int PeerAddress(int fd, sockaddr_storage* address, int* length) {
  socklen_t len = sizeof(*address);
  if (getpeername(fd, reinterpret_cast<sockaddr*>(address), &len) < 0) return Fail();
  *length = static_cast<int>(len);
  return 0;
}

static int IntOption(int fd, int level, int name, int* value) {
  int length = sizeof(*value);
  return GetOption(fd, level, name, value, &length);
}

int Describe(int fd, int* family, int* type, int* protocol) {
  int err = IntOption(fd, SOL_SOCKET, SO_TYPE, type);  // ENOTSOCK, EBADF
  if (err != 0) return err;
#ifdef SO_DOMAIN
  err = IntOption(fd, SOL_SOCKET, SO_DOMAIN, family);
#else
  // macOS has no SO_DOMAIN: getsockname reports the family even unbound.
  sockaddr_storage address;
  int length;
  err = LocalAddress(fd, &address, &length);
  if (err == 0) *family = address.ss_family;
#endif
  if (err != 0) return err;
#ifdef SO_PROTOCOL
  return IntOption(fd, SOL_SOCKET, SO_PROTOCOL, protocol);
#else
  // macOS cannot report the protocol; an IP stream socket is TCP and an IP
  // datagram socket UDP, a raw socket stays unknown (0).
  *protocol = *type == SOCK_STREAM ? IPPROTO_TCP : *type == SOCK_DGRAM ? IPPROTO_UDP : 0;
  return 0;
#endif
}

int Duplicate(int fd, int minimum, int* copy) {
  int result = fcntl(fd, F_DUPFD_CLOEXEC, minimum);
  if (result < 0) return Fail();
  *copy = result;
  return 0;
}

unsigned int ScopeId(const char* zone) {
  unsigned int id = if_nametoindex(zone);
  if (id != 0) return id;
  char* end;
  unsigned long number = strtoul(zone, &end, 10);
  return *zone != '\0' && *end == '\0' ? static_cast<unsigned int>(number) : 0;
}

bool ZoneName(unsigned int id, char* zone, size_t size) {
  char name[IF_NAMESIZE];
  if (if_indextoname(id, name) == nullptr) return false;
  return static_cast<size_t>(snprintf(zone, size, "%s", name)) < size;
}

int SetMembership(int fd, bool join, const sockaddr_storage& group, const sockaddr_storage& local,
                  unsigned int interface_index) {
  if (group.ss_family == AF_INET6) {
    ipv6_mreq request;
    memset(&request, 0, sizeof(request));
    request.ipv6mr_multiaddr = reinterpret_cast<const sockaddr_in6&>(group).sin6_addr;
    request.ipv6mr_interface = interface_index;
    return SetOption(fd, IPPROTO_IPV6, join ? IPV6_JOIN_GROUP : IPV6_LEAVE_GROUP, &request,
                     sizeof(request));
  }
  const in_addr any = {};
  const in_addr& address =
      local.ss_family == AF_INET ? reinterpret_cast<const sockaddr_in&>(local).sin_addr : any;
  const int name = join ? IP_ADD_MEMBERSHIP : IP_DROP_MEMBERSHIP;
#if defined(__linux__) || defined(__FreeBSD__)
  ip_mreqn request;
  memset(&request, 0, sizeof(request));
  request.imr_multiaddr = reinterpret_cast<const sockaddr_in&>(group).sin_addr;
  request.imr_address = address;
  request.imr_ifindex = static_cast<int>(interface_index);
#else
  // macOS's ip_mreq names the interface by address only.
  if (interface_index != 0) return -EOPNOTSUPP;
  ip_mreq request;
  memset(&request, 0, sizeof(request));
  request.imr_multiaddr = reinterpret_cast<const sockaddr_in&>(group).sin_addr;
  request.imr_interface = address;
#endif
  return SetOption(fd, IPPROTO_IP, name, &request, sizeof(request));
}

// Packet information. Linux and macOS report the destination of an IPv4
// datagram with IP_PKTINFO and take a source through it; FreeBSD and the
// other BSDs use IP_RECVDSTADDR + IP_RECVIF to receive and IP_SENDSRCADDR to
// send. Every platform reports IPv6 with IPV6_PKTINFO (RFC 3542).

int EnablePacketInfo(int fd, bool ipv4, bool ipv6) {
  const int on = 1;
  if (ipv4) {
#ifdef IP_PKTINFO
    if (setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on)) < 0) return Fail();
#else
    if (setsockopt(fd, IPPROTO_IP, IP_RECVDSTADDR, &on, sizeof(on)) < 0 ||
        setsockopt(fd, IPPROTO_IP, IP_RECVIF, &on, sizeof(on)) < 0)
      return Fail();
#endif
  }
  if (ipv6 && setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof(on)) < 0) return Fail();
  return 0;
}

int SetNonBlocking(int fd) {
  int flags = fcntl(fd, F_GETFL);
  if (flags < 0) return Fail();
  if ((flags & O_NONBLOCK) == 0 && fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) return Fail();
  return 0;
}

// ::ffff:a.b.c.d for an IPv4 address (port and all), in place.
static void MapToIPv6(sockaddr_storage* address) {
  if (address->ss_family != AF_INET) return;
  sockaddr_in in = *reinterpret_cast<const sockaddr_in*>(address);
  sockaddr_in6* in6 = reinterpret_cast<sockaddr_in6*>(address);
  memset(in6, 0, sizeof(*in6));
  in6->sin6_family = AF_INET6;
  in6->sin6_port = in.sin_port;
  in6->sin6_addr.s6_addr[10] = 0xff;
  in6->sin6_addr.s6_addr[11] = 0xff;
  memcpy(&in6->sin6_addr.s6_addr[12], &in.sin_addr, 4);
}

static void SetIPv4(sockaddr_storage* address, const in_addr& value) {
  memset(address, 0, sizeof(*address));
  sockaddr_in* in = reinterpret_cast<sockaddr_in*>(address);
  in->sin_family = AF_INET;
  in->sin_addr = value;
}

// Room for every control message a datagram can carry here: IPV6_PKTINFO and
// IP_PKTINFO together take 72 bytes on Linux x64; the rest is for options a
// program turns on itself (IP_RECVTTL, IPV6_RECVHOPLIMIT, ...).
constexpr size_t kControlSize = 512;

static void ReadPacketInfo(msghdr* msg, PacketInfo* info) {
  bool have_ipv6 = false;
  for (cmsghdr* c = CMSG_FIRSTHDR(msg); c != nullptr; c = CMSG_NXTHDR(msg, c)) {
    if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
      in6_pktinfo pi;
      memcpy(&pi, CMSG_DATA(c), sizeof(pi));
      memset(&info->address, 0, sizeof(info->address));
      sockaddr_in6* in6 = reinterpret_cast<sockaddr_in6*>(&info->address);
      in6->sin6_family = AF_INET6;
      in6->sin6_addr = pi.ipi6_addr;
      info->interface_index = pi.ipi6_ifindex;
      have_ipv6 = true;
    } else if (have_ipv6 || c->cmsg_level != IPPROTO_IP) {
      continue;  // an IPv4 datagram of a dual-mode socket may carry both
#ifdef IP_PKTINFO
    } else if (c->cmsg_type == IP_PKTINFO) {
      in_pktinfo pi;
      memcpy(&pi, CMSG_DATA(c), sizeof(pi));
      SetIPv4(&info->address, pi.ipi_addr);  // the header's destination
      info->interface_index = pi.ipi_ifindex;
#else
    } else if (c->cmsg_type == IP_RECVDSTADDR) {
      in_addr destination;
      memcpy(&destination, CMSG_DATA(c), sizeof(destination));
      SetIPv4(&info->address, destination);
    } else if (c->cmsg_type == IP_RECVIF) {
      sockaddr_dl link;
      memcpy(&link, CMSG_DATA(c), sizeof(link) < c->cmsg_len ? sizeof(link) : c->cmsg_len);
      info->interface_index = link.sdl_index;
#endif
    }
  }
}

int ReceiveMessage(int fd, int family, void* data, size_t size, sockaddr_storage* from,
                   PacketInfo* info, int* flags, size_t* received) {
  alignas(cmsghdr) char control[kControlSize];
  iovec iov = {data, size};
  msghdr msg;
  memset(&msg, 0, sizeof(msg));
  msg.msg_name = from;
  msg.msg_namelen = sizeof(*from);
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  if (info != nullptr) {
    msg.msg_control = control;
    msg.msg_controllen = sizeof(control);
    memset(&info->address, 0, sizeof(info->address));
    info->interface_index = 0;
  }
  ssize_t n;
  do n = recvmsg(fd, &msg, 0);
  while (n < 0 && errno == EINTR);
  if (n < 0) return Fail();
  if (info != nullptr) ReadPacketInfo(&msg, info);
  // macOS may report an IPv4 peer of an IPv6 socket as a sockaddr_in.
  if (family == AF_INET6) {
    MapToIPv6(from);
    if (info != nullptr) MapToIPv6(&info->address);
  }
  *flags = ((msg.msg_flags & MSG_OOB) ? kFlagOutOfBand : 0) |
           ((msg.msg_flags & MSG_TRUNC) ? kFlagTruncated : 0) |
           ((msg.msg_flags & MSG_CTRUNC) ? kFlagControlDataTruncated : 0);
  *received = static_cast<size_t>(n);
  return 0;
}

// Writes one control message carrying `value` at the start of msg's control buffer.
template <typename T>
static void PutControl(msghdr* msg, int level, int type, const T& value) {
  cmsghdr* c = CMSG_FIRSTHDR(msg);
  c->cmsg_level = level;
  c->cmsg_type = type;
  c->cmsg_len = CMSG_LEN(sizeof(value));
  memcpy(CMSG_DATA(c), &value, sizeof(value));
  msg->msg_controllen = CMSG_SPACE(sizeof(value));
}

int SendMessage(int fd, const void* data, size_t size, const sockaddr* to, int to_length,
                const PacketInfo& source, size_t* sent) {
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(in6_pktinfo))];
  iovec iov = {const_cast<void*>(data), size};
  msghdr msg;
  memset(&msg, 0, sizeof(msg));
  msg.msg_name = const_cast<sockaddr*>(to);
  msg.msg_namelen = static_cast<socklen_t>(to_length);
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  if (source.address.ss_family != 0 || source.interface_index != 0) {
    memset(control, 0, sizeof(control));
    msg.msg_control = control;
    msg.msg_controllen = sizeof(control);  // for CMSG_FIRSTHDR; PutControl sets the real length
    if (to->sa_family == AF_INET6) {
      // A v4-mapped source on a dual-mode socket sends IPv4 from that address.
      sockaddr_storage address = source.address;
      MapToIPv6(&address);
      in6_pktinfo pi;
      memset(&pi, 0, sizeof(pi));
      if (address.ss_family == AF_INET6)
        pi.ipi6_addr = reinterpret_cast<const sockaddr_in6&>(address).sin6_addr;
      pi.ipi6_ifindex = source.interface_index;
      PutControl(&msg, IPPROTO_IPV6, IPV6_PKTINFO, pi);
    } else {
      in_addr address;
      memset(&address, 0, sizeof(address));
      if (source.address.ss_family == AF_INET)
        address = reinterpret_cast<const sockaddr_in&>(source.address).sin_addr;
#ifdef IP_PKTINFO
      in_pktinfo pi;
      memset(&pi, 0, sizeof(pi));
      pi.ipi_spec_dst = address;  // the source address
      pi.ipi_ifindex = source.interface_index;
      PutControl(&msg, IPPROTO_IP, IP_PKTINFO, pi);
#else
      // The BSDs choose the source address only; the route picks the interface.
      PutControl(&msg, IPPROTO_IP, IP_SENDSRCADDR, address);
#endif
    }
  }
  ssize_t n;
  do n = sendmsg(fd, &msg, 0);
  while (n < 0 && errno == EINTR);
  if (n < 0) return Fail();
  *sent = static_cast<size_t>(n);
  return 0;
}

}  // namespace platform
}  // namespace dualmode
