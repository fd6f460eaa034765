// The C floor of `npm run bench`: the system calls alone, no JavaScript.
// Prints one JSON object: for each operation the median, min and max ns/op
// over `rounds` batches of about `batch_ms` each.
//   cc -O2 -o build/floor floor.c && build/floor [rounds] [batch_ms]
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static volatile int sink;
static int fd;

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void die(const char* what) {
  perror(what);
  exit(1);
}

static void get_v6only(long n) {
  for (long i = 0; i < n; i++) {
    int value = 0;
    socklen_t length = sizeof(value);
    if (getsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &value, &length) < 0) die("getsockopt");
    sink += value;
  }
}

static void set_v6only(long n) {
  for (long i = 0; i < n; i++) {
    int value = 0;
    if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &value, sizeof(value)) < 0) die("setsockopt");
  }
}

// socket + IPV6_V6ONLY=1 (as at creation) + IPV6_V6ONLY=0 + bind [::]:0 + close
static void cycle(long n) {
  struct sockaddr_in6 any;
  memset(&any, 0, sizeof(any));
  any.sin6_family = AF_INET6;
  any.sin6_addr = in6addr_any;
  for (long i = 0; i < n; i++) {
    int s = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP);
    if (s < 0) die("socket");
    int on = 1, off = 0;
    if (setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on)) < 0) die("setsockopt");
    if (setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off)) < 0) die("setsockopt");
    if (bind(s, (struct sockaddr*)&any, sizeof(any)) < 0) die("bind");
    close(s);
  }
}

static int compare(const void* a, const void* b) {
  double x = *(const double*)a, y = *(const double*)b;
  return x < y ? -1 : x > y;
}

static void run(const char* name, void (*op)(long), int rounds, double batch_ms, int last) {
  long n = 64;
  for (int i = 0; i < 20; i++) {  // calibrate (and warm up)
    double t0 = now_ns();
    op(n);
    double dt = now_ns() - t0;
    if (dt >= batch_ms * 1e6 * 0.8) break;
    long next = dt > 0 ? (long)(n * batch_ms * 1e6 / dt) : n * 8;
    n = next > n * 8 ? n * 8 : next < n + 1 ? n + 1 : next;
  }
  double ns[64];
  if (rounds > 64) rounds = 64;
  for (int r = 0; r < rounds; r++) {
    double t0 = now_ns();
    op(n);
    ns[r] = (now_ns() - t0) / n;
  }
  qsort(ns, rounds, sizeof(ns[0]), compare);
  printf("\"%s\":{\"median\":%.1f,\"min\":%.1f,\"max\":%.1f,\"ops\":%ld}%s", name, ns[rounds / 2],
         ns[0], ns[rounds - 1], n, last ? "" : ",");
}

int main(int argc, char** argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 9;
  double batch_ms = argc > 2 ? atof(argv[2]) : 20;
  if (rounds < 1) rounds = 1;
  fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP);
  if (fd < 0) die("socket");
  printf("{");
  run("getsockopt", get_v6only, rounds, batch_ms, 0);
  run("setsockopt", set_v6only, rounds, batch_ms, 0);
  run("cycle", cycle, rounds, batch_ms, 1);
  printf("}\n");
  close(fd);
  return 0;
}
