// Windows (Winsock) implementation of platform.h. uv.h has already included
// winsock2.h and ws2tcpip.h. Node cannot adopt a socket handle on Windows,
// so the hand-offs are refused in TypeScript; everything here still works.
#include "platform.h"

#include <mstcpip.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace dualmode {
namespace platform {

#define C(name) {#name, name},
const Constant kConstants[] = {
    C(AF_UNSPEC) C(AF_INET) C(AF_INET6)
    C(SOCK_STREAM) C(SOCK_DGRAM) C(SOCK_RAW)
    C(SOL_SOCKET) C(IPPROTO_IP) C(IPPROTO_IPV6) C(IPPROTO_TCP) C(IPPROTO_UDP)
    C(IPPROTO_ICMP) C(IPPROTO_ICMPV6)
    C(IPV6_V6ONLY)  // 27, and 1 by default on Windows
    C(SO_DEBUG) C(SO_ACCEPTCONN) C(SO_REUSEADDR) C(SO_KEEPALIVE)
    C(SO_DONTROUTE) C(SO_BROADCAST) C(SO_OOBINLINE) C(SO_SNDBUF) C(SO_RCVBUF)
    C(SO_SNDLOWAT) C(SO_RCVLOWAT) C(SO_ERROR) C(SO_TYPE)
    {"UV_UDP_REUSE", SO_REUSEADDR},
    C(IP_TOS) C(IP_TTL) C(IP_HDRINCL) C(IP_OPTIONS) C(IP_MULTICAST_IF)
    C(IP_MULTICAST_TTL) C(IP_MULTICAST_LOOP) C(IP_PKTINFO)
    C(IPV6_UNICAST_HOPS) C(IPV6_MULTICAST_IF) C(IPV6_MULTICAST_HOPS)
    C(IPV6_MULTICAST_LOOP) {"IPV6_RECVPKTINFO", IPV6_PKTINFO},
    C(TCP_NODELAY) C(TCP_KEEPIDLE) C(TCP_KEEPINTVL) C(TCP_KEEPCNT)
    C(TCP_FASTOPEN)
};
#undef C
const size_t kConstantCount = sizeof(kConstants) / sizeof(kConstants[0]);

static int Fail() { return uv_translate_sys_error(WSAGetLastError()); }
// Socket handles are small kernel handle values; JavaScript carries them as
// the same int32 it uses for POSIX descriptors.
static SOCKET Handle(int fd) { return static_cast<SOCKET>(fd); }

int OpenSocket(int family, int type, int protocol, int* fd) {
  // WSA_FLAG_NO_HANDLE_INHERIT is Windows' close-on-exec.
  SOCKET s = WSASocketW(family, type, protocol, nullptr, 0,
                        WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
  if (s == INVALID_SOCKET) return Fail();
  *fd = static_cast<int>(s);
  return 0;
}

int CloseSocket(int fd) {
  return closesocket(Handle(fd)) == SOCKET_ERROR ? Fail() : 0;
}

int GetOption(int fd, int level, int name, void* value, int* length) {
  if (getsockopt(Handle(fd), level, name, static_cast<char*>(value), length) ==
      SOCKET_ERROR)
    return Fail();
  return 0;
}

int SetOption(int fd, int level, int name, const void* value, int length) {
  if (setsockopt(Handle(fd), level, name, static_cast<const char*>(value),
                 length) == SOCKET_ERROR)
    return Fail();
  return 0;
}

int Bind(int fd, const sockaddr* address, int length) {
  return bind(Handle(fd), address, length) == SOCKET_ERROR ? Fail() : 0;
}

int Listen(int fd, int backlog) {
  return listen(Handle(fd), backlog) == SOCKET_ERROR ? Fail() : 0;
}

int LocalAddress(int fd, sockaddr_storage* address, int* length) {
  *length = sizeof(*address);
  if (getsockname(Handle(fd), reinterpret_cast<sockaddr*>(address), length) !=
      SOCKET_ERROR)
    return 0;
  // Winsock fails getsockname on an unbound socket, where POSIX reports the
  // wildcard address with port 0: answer as POSIX does.
  if (WSAGetLastError() != WSAEINVAL) return Fail();
  int family, type, protocol;
  int err = Describe(fd, &family, &type, &protocol);
  if (err != 0) return err;
  memset(address, 0, sizeof(*address));
  address->ss_family = static_cast<ADDRESS_FAMILY>(family);
  *length = family == AF_INET6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in);
  return 0;
}

int PeerAddress(int fd, sockaddr_storage* address, int* length) {
  *length = sizeof(*address);
  if (getpeername(Handle(fd), reinterpret_cast<sockaddr*>(address), length) ==
      SOCKET_ERROR)
    return Fail();
  return 0;
}

int Describe(int fd, int* family, int* type, int* protocol) {
  WSAPROTOCOL_INFOW info;
  int length = sizeof(info);
  if (getsockopt(Handle(fd), SOL_SOCKET, SO_PROTOCOL_INFOW,
                 reinterpret_cast<char*>(&info), &length) == SOCKET_ERROR)
    return Fail();
  *family = info.iAddressFamily;
  *type = info.iSocketType;
  *protocol = info.iProtocol;
  return 0;
}

int Duplicate(int, int, int*) {
  return UV_ENOTSUP;  // only the hand-offs need it, and they are Unix-only
}

unsigned int ScopeId(const char* zone) {
  // Windows zones are interface indexes.
  char* end;
  unsigned long number = strtoul(zone, &end, 10);
  return *zone != '\0' && *end == '\0' ? static_cast<unsigned int>(number) : 0;
}

void AddressText(const sockaddr_storage& address, char* text, size_t size) {
  text[0] = '\0';
  if (address.ss_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in&>(address).sin_addr, text, size);
  } else if (address.ss_family == AF_INET6) {
    const sockaddr_in6& in6 = reinterpret_cast<const sockaddr_in6&>(address);
    if (inet_ntop(AF_INET6, &in6.sin6_addr, text, size) != nullptr && in6.sin6_scope_id != 0) {
      size_t used = strlen(text);  // Windows writes zones as numbers
      snprintf(text + used, size - used, "%%%lu", static_cast<unsigned long>(in6.sin6_scope_id));
    }
  }
}

// Datagram I/O with packet information needs WSARecvMsg/WSASendMsg and an
// overlapped or IOCP-driven watcher; TypeScript refuses it on Windows with
// ERR_FEATURE_UNAVAILABLE_ON_PLATFORM before it gets here.
int EnablePacketInfo(int, bool, bool) { return UV_ENOTSUP; }
int SetNonBlocking(int) { return UV_ENOTSUP; }
int ReceiveMessage(int, int, void*, size_t, sockaddr_storage*, PacketInfo*, int*, size_t*) {
  return UV_ENOTSUP;
}
int SendMessage(int, const void*, size_t, const sockaddr*, int, const PacketInfo&, size_t*) {
  return UV_ENOTSUP;
}

}  // namespace platform
}  // namespace dualmode
