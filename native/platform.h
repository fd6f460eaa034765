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
#include <windows.h>  // ERROR_* codes
#include <winsock2.h>
#include <ws2tcpip.h>
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

// Multicast membership (.NET MulticastOption / IPv6MulticastOption): joins
// (or leaves) `group` on the interface `interface_index`, or for an IPv4
// group the one with address `local` (ss_family 0 and index 0: the kernel
// chooses). The group's family picks the level: IP_ADD_MEMBERSHIP at
// IPPROTO_IP for IPv4 (an IPv6 socket in dual mode too), IPV6_JOIN_GROUP at
// IPPROTO_IPV6 for IPv6.
int SetMembership(int fd, bool join, const sockaddr_storage& group, const sockaddr_storage& local,
                  unsigned int interface_index);

// Datagram I/O with packet information (API.md §8). Each call is one
// non-blocking recvmsg/sendmsg; EAGAIN comes back as an error code like any
// other, for the caller to wait for the event-loop watcher.

// Where a datagram arrived: the header's destination address (ss_family 0
// when the datagram carried none) and the index of the arriving interface.
struct PacketInfo {
  sockaddr_storage address;
  unsigned int interface_index;
};

// .NET's SocketFlags bits that recvmsg's msg_flags can carry.
constexpr int kFlagOutOfBand = 0x1;
constexpr int kFlagTruncated = 0x100;
constexpr int kFlagControlDataTruncated = 0x200;

// Turns on the options that make the kernel report packet information: for
// IPv4 datagrams (`ipv4`) and for IPv6 ones (`ipv6`).
int EnablePacketInfo(int fd, bool ipv4, bool ipv6);
// O_NONBLOCK, which the event-loop path needs.
int SetNonBlocking(int fd);
// Receives one datagram into data[0..size). `family` is the socket's: on an
// IPv6 socket IPv4 addresses are reported v4-mapped. `info` null: no packet
// information is asked for. *flags gets .NET SocketFlags bits.
int ReceiveMessage(int fd, int family, void* data, size_t size, sockaddr_storage* from,
                   PacketInfo* info, int* flags, size_t* received);
// Sends one datagram to `to`, from `source` and `interface_index` when
// either is set (source ss_family 0 and index 0: the kernel chooses).
int SendMessage(int fd, const void* data, size_t size, const sockaddr* to, int to_length,
                const PacketInfo& source, size_t* sent);

}  // namespace platform
}  // namespace dualmode
