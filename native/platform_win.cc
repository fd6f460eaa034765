// Windows (Winsock) implementation of platform.h. platform.h has already
// included winsock2.h and ws2tcpip.h. Node cannot adopt a socket handle on Windows,
// so the hand-offs are refused in TypeScript; everything here still works.
#include <mstcpip.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "platform.h"

namespace dualmode {
namespace platform {

#define C(name) {#name, name},
const Constant kConstants[] = {
    C(AF_UNSPEC) C(AF_INET) C(AF_INET6) C(SOCK_STREAM) C(SOCK_DGRAM) C(SOCK_RAW) C(SOL_SOCKET)
        C(IPPROTO_IP) C(IPPROTO_IPV6) C(IPPROTO_TCP) C(IPPROTO_UDP) C(IPPROTO_ICMP)
            C(IPPROTO_ICMPV6) C(IPV6_V6ONLY)  // 27, and 1 by default on Windows
    C(SO_DEBUG) C(SO_ACCEPTCONN) C(SO_REUSEADDR) C(SO_KEEPALIVE) C(SO_DONTROUTE) C(SO_BROADCAST)
        C(SO_OOBINLINE) C(SO_SNDBUF) C(SO_RCVBUF) C(SO_SNDLOWAT) C(SO_RCVLOWAT) C(SO_ERROR)
            C(SO_TYPE){"UV_UDP_REUSE", SO_REUSEADDR},
    C(IP_TOS) C(IP_TTL) C(IP_HDRINCL) C(IP_OPTIONS) C(IP_MULTICAST_IF) C(IP_MULTICAST_TTL)
        C(IP_MULTICAST_LOOP) C(IP_PKTINFO) C(IP_ADD_MEMBERSHIP) C(IP_DROP_MEMBERSHIP)
            C(IPV6_JOIN_GROUP) C(IPV6_LEAVE_GROUP) C(SO_LINGER){"IP_DONTFRAG", IP_DONTFRAGMENT},
    C(IPV6_DONTFRAG) C(IPV6_UNICAST_HOPS) C(IPV6_MULTICAST_IF) C(IPV6_MULTICAST_HOPS)
        C(IPV6_MULTICAST_LOOP){"IPV6_RECVPKTINFO", IPV6_PKTINFO},
    C(TCP_NODELAY) C(TCP_KEEPIDLE) C(TCP_KEEPINTVL) C(TCP_KEEPCNT) C(TCP_FASTOPEN)};
#undef C
const size_t kConstantCount = sizeof(kConstants) / sizeof(kConstants[0]);

// Node's error numbers on Windows are libuv's fixed ones (uv/errno.h), not
// errno or WSA codes. The Winsock errors these calls can report, mapped as
// libuv's uv_translate_sys_error (src/win/error.c) maps them; the addon does
// not call libuv, so that it also loads in runtimes without it.
enum : int {
  kEACCES = -4092,
  kEADDRINUSE = -4091,
  kEADDRNOTAVAIL = -4090,
  kEAFNOSUPPORT = -4089,
  kEAGAIN = -4088,
  kEALREADY = -4084,
  kEBADF = -4083,
  kECANCELED = -4081,
  kECONNABORTED = -4079,
  kECONNREFUSED = -4078,
  kECONNRESET = -4077,
  kEFAULT = -4074,
  kEHOSTUNREACH = -4073,
  kEINVAL = -4071,
  kEISCONN = -4069,
  kEMFILE = -4066,
  kEMSGSIZE = -4065,
  kENETUNREACH = -4062,
  kENOBUFS = -4060,
  kENOENT = -4058,
  kENOMEM = -4057,
  kENOTCONN = -4053,
  kENOTSOCK = -4050,
  kENOTSUP = -4049,
  kEPIPE = -4047,
  kEPROTONOSUPPORT = -4045,
  kETIMEDOUT = -4039,
  kESOCKTNOSUPPORT = -4025,
  kUNKNOWN = -4094,
};
const int kAddressFamilyNotSupported = kEAFNOSUPPORT;

static int Translate(int error) {
  switch (error) {
    case WSAEACCES:
      return kEACCES;
    case WSAEADDRINUSE:
      return kEADDRINUSE;
    case WSAEADDRNOTAVAIL:
      return kEADDRNOTAVAIL;
    case WSAEAFNOSUPPORT:
      return kEAFNOSUPPORT;
    case WSAEWOULDBLOCK:
      return kEAGAIN;
    case WSAEALREADY:
      return kEALREADY;
    case ERROR_INVALID_HANDLE:
      return kEBADF;
    case WSAEINTR:
      return kECANCELED;
    case WSAECONNABORTED:
      return kECONNABORTED;
    case WSAECONNREFUSED:
      return kECONNREFUSED;
    case WSAECONNRESET:
      return kECONNRESET;
    case WSAEFAULT:
      return kEFAULT;
    case WSAEHOSTUNREACH:
      return kEHOSTUNREACH;
    case WSAEINVAL:
      return kEINVAL;
    case WSAEPFNOSUPPORT:
      return kEINVAL;
    case WSAEISCONN:
      return kEISCONN;
    case WSAEMFILE:
      return kEMFILE;
    case WSAEMSGSIZE:
      return kEMSGSIZE;
    case WSAENETUNREACH:
      return kENETUNREACH;
    case WSAENOBUFS:
      return kENOBUFS;
    case WSAHOST_NOT_FOUND:
      return kENOENT;
    case WSANO_DATA:
      return kENOENT;
    case ERROR_NOT_ENOUGH_MEMORY:
      return kENOMEM;
    case WSAENOTCONN:
      return kENOTCONN;
    case WSAENOTSOCK:
      return kENOTSOCK;
    case ERROR_NOT_SUPPORTED:
      return kENOTSUP;
    case WSAESHUTDOWN:
      return kEPIPE;
    case WSAEPROTONOSUPPORT:
      return kEPROTONOSUPPORT;
    case WSAETIMEDOUT:
      return kETIMEDOUT;
    case WSAESOCKTNOSUPPORT:
      return kESOCKTNOSUPPORT;
    default:
      return kUNKNOWN;
  }
}

static int Fail() { return Translate(WSAGetLastError()); }
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

int CloseSocket(int fd) { return closesocket(Handle(fd)) == SOCKET_ERROR ? Fail() : 0; }

int GetOption(int fd, int level, int name, void* value, int* length) {
  if (getsockopt(Handle(fd), level, name, static_cast<char*>(value), length) == SOCKET_ERROR)
    return Fail();
  return 0;
}

int SetOption(int fd, int level, int name, const void* value, int length) {
  if (setsockopt(Handle(fd), level, name, static_cast<const char*>(value), length) == SOCKET_ERROR)
    return Fail();
  return 0;
}

int Bind(int fd, const sockaddr* address, int length) {
  return bind(Handle(fd), address, length) == SOCKET_ERROR ? Fail() : 0;
}

int Listen(int fd, int backlog) { return listen(Handle(fd), backlog) == SOCKET_ERROR ? Fail() : 0; }

int LocalAddress(int fd, sockaddr_storage* address, int* length) {
  *length = sizeof(*address);
  if (getsockname(Handle(fd), reinterpret_cast<sockaddr*>(address), length) != SOCKET_ERROR)
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
  if (getpeername(Handle(fd), reinterpret_cast<sockaddr*>(address), length) == SOCKET_ERROR)
    return Fail();
  return 0;
}

int Describe(int fd, int* family, int* type, int* protocol) {
  WSAPROTOCOL_INFOW info;
  int length = sizeof(info);
  if (getsockopt(Handle(fd), SOL_SOCKET, SO_PROTOCOL_INFOW, reinterpret_cast<char*>(&info),
                 &length) == SOCKET_ERROR)
    return Fail();
  *family = info.iAddressFamily;
  *type = info.iSocketType;
  *protocol = info.iProtocol;
  return 0;
}

int Duplicate(int, int, int*) {
  return kENOTSUP;  // only the hand-offs need it, and they are Unix-only
}

unsigned int ScopeId(const char* zone) {
  // Windows zones are interface indexes.
  char* end;
  unsigned long number = strtoul(zone, &end, 10);
  return *zone != '\0' && *end == '\0' ? static_cast<unsigned int>(number) : 0;
}

bool ZoneName(unsigned int id, char* zone, size_t size) {
  // Windows shows a zone as its interface index, as Node does there.
  return static_cast<size_t>(snprintf(zone, size, "%u", id)) < size;
}

int SetMembership(int fd, bool join, const sockaddr_storage& group, const sockaddr_storage& local,
                  unsigned int interface_index) {
  if (group.ss_family == AF_INET6) {
    ipv6_mreq request = {};
    request.ipv6mr_multiaddr = reinterpret_cast<const sockaddr_in6&>(group).sin6_addr;
    request.ipv6mr_interface = interface_index;
    return SetOption(fd, IPPROTO_IPV6, join ? IPV6_JOIN_GROUP : IPV6_LEAVE_GROUP, &request,
                     sizeof(request));
  }
  ip_mreq request = {};
  request.imr_multiaddr = reinterpret_cast<const sockaddr_in&>(group).sin_addr;
  if (interface_index != 0) {
    // Winsock reads an address in 0.0.0.0/8 as an interface index (as .NET does).
    request.imr_interface.s_addr = htonl(interface_index);
  } else if (local.ss_family == AF_INET) {
    request.imr_interface = reinterpret_cast<const sockaddr_in&>(local).sin_addr;
  }
  return SetOption(fd, IPPROTO_IP, join ? IP_ADD_MEMBERSHIP : IP_DROP_MEMBERSHIP, &request,
                   sizeof(request));
}

// Datagram I/O with packet information needs WSARecvMsg/WSASendMsg and an
// overlapped or IOCP-driven watcher; TypeScript refuses it on Windows with
// ERR_FEATURE_UNAVAILABLE_ON_PLATFORM before it gets here.
int EnablePacketInfo(int, bool, bool) { return kENOTSUP; }
int SetNonBlocking(int) { return kENOTSUP; }
int ReceiveMessage(int, int, void*, size_t, sockaddr_storage*, PacketInfo*, int*, size_t*) {
  return kENOTSUP;
}
int SendMessage(int, const void*, size_t, const sockaddr*, int, const PacketInfo&, size_t*) {
  return kENOTSUP;
}

}  // namespace platform
}  // namespace dualmode
