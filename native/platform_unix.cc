// POSIX (Linux, macOS, FreeBSD, OpenBSD) implementation of platform.h.
#include "platform.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace dualmode {
namespace platform {

#define C(name) {#name, name},
const Constant kConstants[] = {
    C(AF_UNSPEC) C(AF_INET) C(AF_INET6)
    C(SOCK_STREAM) C(SOCK_DGRAM) C(SOCK_RAW)
    C(SOL_SOCKET) C(IPPROTO_IP) C(IPPROTO_IPV6) C(IPPROTO_TCP) C(IPPROTO_UDP)
    C(IPPROTO_ICMP) C(IPPROTO_ICMPV6)
    // Linux numbers IPV6_V6ONLY 26; macOS and the BSDs 27 (.NET's value).
    C(IPV6_V6ONLY)
    C(SO_DEBUG) C(SO_ACCEPTCONN) C(SO_REUSEADDR) C(SO_KEEPALIVE)
    C(SO_DONTROUTE) C(SO_BROADCAST) C(SO_OOBINLINE) C(SO_SNDBUF) C(SO_RCVBUF)
    C(SO_SNDLOWAT) C(SO_RCVLOWAT) C(SO_ERROR) C(SO_TYPE)
#ifdef SO_REUSEPORT
    C(SO_REUSEPORT)
#endif
    // The option libuv's uv_udp_open turns on for an adopted UDP socket
    // (uv__sock_reuseaddr): SO_REUSEPORT on the BSDs and macOS, else SO_REUSEADDR.
#if defined(SO_REUSEPORT) && !defined(__linux__) && !defined(__GNU__) && \
    !defined(__illumos__) && !defined(__DragonFly__)
    {"UV_UDP_REUSE", SO_REUSEPORT},
#else
    {"UV_UDP_REUSE", SO_REUSEADDR},
#endif
    C(IP_TOS) C(IP_TTL) C(IP_HDRINCL) C(IP_OPTIONS) C(IP_MULTICAST_IF)
    C(IP_MULTICAST_TTL) C(IP_MULTICAST_LOOP)
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
  if (setsockopt(fd, level, name, value, static_cast<socklen_t>(length)) < 0)
    return Fail();
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
  if (getsockname(fd, reinterpret_cast<sockaddr*>(address), &len) < 0)
    return Fail();
  *length = static_cast<int>(len);
  return 0;
}

int PeerAddress(int fd, sockaddr_storage* address, int* length) {
  socklen_t len = sizeof(*address);
  if (getpeername(fd, reinterpret_cast<sockaddr*>(address), &len) < 0)
    return Fail();
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
  *protocol = *type == SOCK_STREAM ? IPPROTO_TCP
              : *type == SOCK_DGRAM ? IPPROTO_UDP
                                    : 0;
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

}  // namespace platform
}  // namespace dualmode
