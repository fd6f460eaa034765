'use strict';
// One IPv6 socket that also carries IPv4: what dual mode is, in a few lines.
// Run it with `node examples/dual-mode.js`.
const { Socket, AddressFamily, SocketType, ProtocolType } = require('dualmode');

function show(endPoint) {
  return `[${endPoint.address}]:${endPoint.port}`;
}

function main() {
  console.log(`osSupportsIPv6: ${Socket.osSupportsIPv6}`);
  if (!Socket.osSupportsIPv6) {
    console.log('IPv6 is not available here (or DUALMODE_DISABLE_IPV6 is set): there is no dual mode to show.');
    return;
  }

  // As .NET's `new Socket(SocketType.Stream, ProtocolType.Tcp)`: an IPv6
  // socket (AddressFamily.InterNetworkV6 = 23) with dual mode on.
  const dual = new Socket(SocketType.Stream, ProtocolType.Tcp);
  try {
    console.log(`addressFamily: ${dual.addressFamily}`);
    console.log(`dualMode: ${dual.dualMode}`);
    dual.bind({ address: '::', port: 0 }); // `::` in dual mode: IPv6 and IPv4
    console.log(`localEndPoint: ${show(dual.localEndPoint)}`);
  } finally {
    dual.close();
  }

  // An explicit IPv6 socket starts IPv6-only on every OS, whatever the system
  // default. Turn dual mode on before bind; then an IPv4 address is accepted
  // and mapped to ::ffff:a.b.c.d.
  const v6 = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
  try {
    console.log(`explicit IPv6 dualMode: ${v6.dualMode}`);
    v6.dualMode = true;
    console.log(`explicit IPv6 dualMode: ${v6.dualMode}`);
    v6.bind({ address: '127.0.0.1', port: 0 });
    console.log(`localEndPoint: ${show(v6.localEndPoint)}`);
  } finally {
    v6.close();
  }
}

main();
