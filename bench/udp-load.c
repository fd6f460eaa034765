// The client load of the UDP echo benchmark, in C so that the server under
// test, not the load, is the bottleneck: `clients` connected UDP sockets to
// [address]:port each keep one datagram of `size` bytes in flight for `ms`
// milliseconds. Prints JSON: round trips, nanoseconds taken, and every 8th
// round-trip latency in nanoseconds.
//   udp-load <address> <port> <clients> <size> <ms>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static uint64_t now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int main(int argc, char** argv) {
  if (argc != 6) {
    fprintf(stderr, "usage: udp-load <address> <port> <clients> <size> <ms>\n");
    return 2;
  }
  const char* address = argv[1];
  int port = atoi(argv[2]), clients = atoi(argv[3]), size = atoi(argv[4]), ms = atoi(argv[5]);
  struct sockaddr_storage to;
  socklen_t to_length;
  memset(&to, 0, sizeof(to));
  int family = strchr(address, ':') ? AF_INET6 : AF_INET;
  if (family == AF_INET6) {
    struct sockaddr_in6* in6 = (struct sockaddr_in6*)&to;
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(port);
    if (inet_pton(AF_INET6, address, &in6->sin6_addr) != 1) return 2;
    to_length = sizeof(*in6);
  } else {
    struct sockaddr_in* in = (struct sockaddr_in*)&to;
    in->sin_family = AF_INET;
    in->sin_port = htons(port);
    if (inet_pton(AF_INET, address, &in->sin_addr) != 1) return 2;
    to_length = sizeof(*in);
  }
  struct pollfd* fds = calloc(clients, sizeof(*fds));
  uint64_t* sent_at = calloc(clients, sizeof(*sent_at));
  size_t capacity = 1 << 16, kept = 0;
  uint64_t* latencies = malloc(capacity * sizeof(*latencies));
  char* message = calloc(1, size > 0 ? size : 1);
  char buffer[65536];
  memset(message, 'a', size);
  for (int i = 0; i < clients; i++) {
    fds[i].fd = socket(family, SOCK_DGRAM, 0);
    fds[i].events = POLLIN;
    if (fds[i].fd < 0 || connect(fds[i].fd, (struct sockaddr*)&to, to_length) < 0) {
      perror("udp-load");
      return 1;
    }
  }
  uint64_t t0 = now(), end = t0 + (uint64_t)ms * 1000000u, count = 0;
  for (int i = 0; i < clients; i++) {
    sent_at[i] = now();
    send(fds[i].fd, message, size, 0);
  }
  int in_flight = clients, running = 1;
  uint64_t elapsed = 0;
  while (in_flight > 0) {
    int ready = poll(fds, clients, 1000);
    if (ready <= 0) break;  // a lost datagram: stop rather than hang
    uint64_t t = now();
    if (running && t >= end) {
      running = 0;
      elapsed = t - t0;
    }
    for (int i = 0; i < clients; i++) {
      if (!(fds[i].revents & POLLIN)) continue;
      if (recv(fds[i].fd, buffer, sizeof(buffer), 0) < 0) continue;
      count++;
      if ((count & 7) == 0 && kept < capacity) latencies[kept++] = t - sent_at[i];
      if (running) {
        sent_at[i] = t;
        send(fds[i].fd, message, size, 0);
      } else {
        fds[i].events = 0;
        in_flight--;
      }
    }
  }
  if (elapsed == 0) elapsed = now() - t0;
  printf("{\"count\":%llu,\"elapsed\":%llu,\"latencies\":[", (unsigned long long)count,
         (unsigned long long)elapsed);
  for (size_t i = 0; i < kept; i++) printf(i ? ",%llu" : "%llu", (unsigned long long)latencies[i]);
  printf("]}\n");
  for (int i = 0; i < clients; i++) close(fds[i].fd);
  return 0;
}
