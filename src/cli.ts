#!/usr/bin/env node
// `dualmode probe [--json]`: what this machine does with IPv6 dual mode.
import dgram = require('node:dgram');
import fs = require('node:fs');
import net = require('node:net');
import { AddressFamily, ProtocolType, Socket, SocketType, getDualMode } from './index';

type Value = boolean | number | null;

interface Line {
  key: string;
  label: string;
  help: string;
  run: () => Value | Promise<Value>;
}

const TIMEOUT_MS = 5000;

function bounded<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out`)), TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function listening(server: net.Server): Promise<net.Server> {
  return bounded(
    new Promise((resolve, reject) => {
      server.once('listening', () => resolve(server));
      server.once('error', reject);
    }),
    'listen',
  );
}

function close(server: net.Server | dgram.Socket): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Whether a TCP client reaches host:port. */
function reaches(host: string, port: number): Promise<boolean> {
  return bounded(
    new Promise((resolve) => {
      const client = net.connect({ host, port });
      client.once('connect', () => {
        client.destroy();
        resolve(true);
      });
      client.once('error', () => resolve(false));
    }),
    `connect to ${host}`,
  );
}

/** getDualMode of a server Node listened the way `listen` says. */
async function nodeListen(options: net.ListenOptions): Promise<boolean> {
  const server = await listening(net.createServer().listen(options));
  try {
    return getDualMode(server);
  } finally {
    await close(server);
  }
}

const ipv6 = (run: () => Value | Promise<Value>) => () => (Socket.osSupportsIPv6 ? run() : null);

const lines: Line[] = [
  {
    key: 'ipv4',
    label: 'IPv4 supported',
    help: 'Socket.osSupportsIPv4: an IPv4 UDP socket can be created.',
    run: () => Socket.osSupportsIPv4,
  },
  {
    key: 'ipv6',
    label: 'IPv6 supported',
    help: 'Socket.osSupportsIPv6: an IPv6 UDP socket can be created and DUALMODE_DISABLE_IPV6 is not set.',
    run: () => Socket.osSupportsIPv6,
  },
  {
    key: 'bindv6only',
    label: 'system default IPV6_V6ONLY',
    help: "The IPV6_V6ONLY a new IPv6 socket gets from the OS (Linux: net.ipv6.bindv6only). 0 means IPv6 sockets carry IPv4 unless told otherwise. dualmode sets it itself, so its sockets do not depend on it; Node's udp6 sockets do.",
    run: ipv6(async () => {
      if (process.platform === 'linux') {
        return Number(fs.readFileSync('/proc/sys/net/ipv6/bindv6only', 'utf8').trim());
      }
      const socket = dgram.createSocket('udp6');
      await bounded(new Promise<void>((resolve) => socket.bind(0, '::', resolve)), 'bind');
      try {
        return getDualMode(socket) ? 0 : 1;
      } finally {
        await close(socket);
      }
    }),
  },
  {
    key: 'newSocketDual',
    label: 'new Socket(Stream, Tcp) is dual',
    help: "Whether dualmode's dual-mode constructor, as .NET's, comes out as an IPv6 socket in dual mode.",
    run: () => {
      const socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
      try {
        return socket.addressFamily === AddressFamily.InterNetworkV6 && socket.dualMode;
      } finally {
        socket.close();
      }
    },
  },
  {
    key: 'ipv4ReachesDual',
    label: 'IPv4 client reaches a dual listener on ::',
    help: 'A dual-mode listener on [::]:0 made with toServer(), and a client connecting to 127.0.0.1 on its port.',
    run: ipv6(async () => {
      const server = new Socket(SocketType.Stream, ProtocolType.Tcp).toServer();
      try {
        return await reaches('127.0.0.1', (server.address() as net.AddressInfo).port);
      } finally {
        await close(server);
      }
    }),
  },
  {
    key: 'wildcardConflict',
    label: ':: and 0.0.0.0 conflict on one port',
    help: 'Whether an IPv4 socket can bind 0.0.0.0 on the port of a dual-mode listener on ::. true: EADDRINUSE, the two cannot share a port (Linux); false: both bind.',
    run: ipv6(() => {
      const dual = new Socket(SocketType.Stream, ProtocolType.Tcp);
      const v4 = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
      try {
        dual.bind({ address: '::', port: 0 });
        dual.listen();
        v4.bind({ address: '0.0.0.0', port: dual.localEndPoint!.port });
        return false;
      } catch (err) {
        if ((err as { code?: string }).code === 'EADDRINUSE') return true;
        throw err;
      } finally {
        dual.close();
        v4.close();
      }
    }),
  },
  {
    key: 'nodeListen',
    label: 'net listen() is dual',
    help: 'getDualMode of net.createServer().listen(0): Node binds :: and clears IPV6_V6ONLY itself.',
    run: ipv6(() => nodeListen({ port: 0 })),
  },
  {
    key: 'nodeListenIpv6Only',
    label: 'net listen({ ipv6Only: true }) is dual',
    help: 'getDualMode of listen({ port: 0, ipv6Only: true }) without a host. true means Node ignored ipv6Only (as Node 20 does when no host is given).',
    run: ipv6(() => nodeListen({ port: 0, ipv6Only: true })),
  },
  {
    key: 'nodeListenHostIpv6Only',
    label: "net listen({ host: '::', ipv6Only: true }) is dual",
    help: "getDualMode of listen({ host: '::', port: 0, ipv6Only: true }): false when Node honoured ipv6Only.",
    run: ipv6(() => nodeListen({ host: '::', port: 0, ipv6Only: true })),
  },
  {
    key: 'nodeUdp6',
    label: 'dgram udp6 is dual',
    help: "getDualMode of dgram.createSocket('udp6').bind(0): Node leaves IPV6_V6ONLY at the system default, so this follows the line above it; toDgram() is dual either way.",
    run: ipv6(async () => {
      const socket = dgram.createSocket('udp6');
      await bounded(new Promise<void>((resolve) => socket.bind(0, resolve)), 'bind');
      try {
        return getDualMode(socket);
      } finally {
        await close(socket);
      }
    }),
  },
  {
    key: 'udpAnswersFromDestination',
    label: 'dual UDP answers from the address asked',
    help: 'A dual-mode UDP Socket on [::]:0 receives a datagram sent to 127.0.0.2 with receiveMessageFrom() (packet information ::ffff:127.0.0.2) and answers with sendTo({ from }): true when the reply comes from 127.0.0.2. n/a where datagram I/O with packet information is unavailable.',
    run: ipv6(async () => {
      const server = new Socket(SocketType.Dgram, ProtocolType.Udp);
      const client = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
      try {
        server.bind({ address: '::', port: 0 });
        client.bind({ address: '127.0.0.1', port: 0 });
        const buffer = new Uint8Array(8);
        let request;
        try {
          request = server.receiveMessageFrom(buffer);
        } catch (err) {
          if ((err as { code?: string }).code === 'ERR_FEATURE_UNAVAILABLE_ON_PLATFORM') return null;
          throw err;
        }
        await client.sendTo(buffer, { address: '127.0.0.2', port: server.localEndPoint!.port });
        const { remoteEndPoint, packetInformation } = await bounded(request, 'receiveMessageFrom');
        if (packetInformation.address !== '::ffff:127.0.0.2') return false;
        const reply = client.receiveFrom(buffer);
        await server.sendTo(buffer, remoteEndPoint, { from: packetInformation });
        return (await bounded(reply, 'receiveFrom')).remoteEndPoint.address === '127.0.0.2';
      } finally {
        server.close();
        client.close();
      }
    }),
  },
];

function usage(): string {
  return [
    'Usage: dualmode probe [--json]',
    '',
    'Reports what this machine does with IPv6 dual mode (IPV6_V6ONLY), using loopback only.',
    'Prints a table, or with --json one JSON object whose keys are given in brackets below',
    '(null, n/a in the table: not applicable, e.g. without IPv6). Exit code 0 unless the probe failed.',
    '',
    ...lines.map((line) => `  ${line.label} [${line.key}]\n      ${line.help}`),
    '',
  ].join('\n');
}

async function probe(json: boolean): Promise<void> {
  const result: Record<string, Value> = {};
  for (const line of lines) result[line.key] = await line.run();
  if (json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  const width = Math.max(...lines.map((line) => line.label.length));
  const show = (value: Value) => (value === null ? 'n/a' : String(value));
  const rows = lines.map((line) => `${line.label.padEnd(width)}  ${show(result[line.key] ?? null)}`);
  process.stdout.write(`dualmode probe (${process.platform}, Node ${process.version})\n${rows.join('\n')}\n`);
}

async function main(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h') || args.length === 0) {
    process.stdout.write(usage());
    return args.length === 0 ? 1 : 0;
  }
  const [command, ...flags] = args;
  const unknown = flags.filter((flag) => flag !== '--json');
  if (command !== 'probe' || unknown.length > 0) {
    process.stderr.write(
      `dualmode: unknown ${command !== 'probe' ? `command '${command}'` : `option '${unknown[0]}'`}\n\n${usage()}`,
    );
    return 2;
  }
  await probe(flags.includes('--json'));
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`dualmode probe failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = 1;
  },
);
