// The operating-system boundary of the addon.
//
// platform_unix.cc and platform_win.cc each implement these functions and the
// constant table; dualmode.cc (the N-API glue) calls only what is declared
// here and holds no #ifdef. Every function returns 0 on success or, on
// failure, the negative error number Node reports for it (libuv's numbering:
// -errno on Unix, libuv's fixed numbers on Windows). The addon uses N-API and
// the C library only, no libuv, so that it loads in every runtime with N-API.
#pragma once

#ifdef _WIN32
#ifndef _WIN32_WINNT
#define _WIN32_WINNT 0x0600  // as uv.h defined it: inet_pton, inet_ntop
#endif
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>  // ERROR_* codes
#else
#include <arpa/inet.h>   // inet_pton, inet_ntop
#include <netinet/in.h>  // sockaddr_in, sockaddr_in6, htons
#include <sys/socket.h>  // sockaddr_storage, AF_INET, AF_INET6
#endif

#include <cstddef>

namespace dualmode {
namespace platform {

struct Constant {
  const char* name;
  int value;
};

// Platform numbers exported to JavaScript as `platform` (AF_INET6,
// IPPROTO_IPV6, IPV6_V6ONLY, ...). Options a platform lacks are left out.
extern const Constant kConstants[];
extern const size_t kConstantCount;

// socket(2) with close-on-exec set atomically where the OS allows it.
int OpenSocket(int family, int type, int protocol, int* fd);
int CloseSocket(int fd);
int GetOption(int fd, int level, int name, void* value, int* length);
int SetOption(int fd, int level, int name, const void* value, int length);
int Bind(int fd, const sockaddr* address, int length);
int Listen(int fd, int backlog);
int LocalAddress(int fd, sockaddr_storage* address, int* length);
int PeerAddress(int fd, sockaddr_storage* address, int* length);
// The family, type and protocol of an open socket (for adopting an fd).
int Describe(int fd, int* family, int* type, int* protocol);
// A close-on-exec duplicate of `fd` numbered `minimum` or above.
int Duplicate(int fd, int minimum, int* copy);
// The scope id an IPv6 zone ("eth0", "2") names, 0 when it names none.
unsigned int ScopeId(const char* zone);
// Writes the zone Node shows for scope id `id` ("eth0" on Unix, "2" on
// Windows) into `zone`; false when there is none to show.
bool ZoneName(unsigned int id, char* zone, size_t size);
// The error number of EAFNOSUPPORT as Node reports it.
extern const int kAddressFamilyNotSupported;

}  // namespace platform
}  // namespace dualmode
