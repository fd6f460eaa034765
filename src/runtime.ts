// Which JavaScript runtime loaded the package, and what it cannot do with a
// descriptor made here. Node adopts descriptors in net and dgram (except on
// Windows); Bun and Deno load the addon (N-API, no libuv) but their Node
// compatibility layers treat an fd differently, so some hand-offs are
// refused here, before the descriptor is touched, rather than lost silently.

/** The runtimes the package knows. */
export type RuntimeName = 'node' | 'bun' | 'deno';

/** A hand-off, or a method that needs the runtime's event loop. */
export type Feature = 'toServer' | 'connect' | 'toDgram' | 'getDualMode' | 'eventLoop';

const versions = process.versions as NodeJS.ProcessVersions & { bun?: string; deno?: string };

/** The runtime this process runs on: Bun and Deno set `process.versions.bun` / `.deno`. */
export function runtimeName(): RuntimeName {
  if (typeof versions.bun === 'string') return 'bun';
  if (typeof versions.deno === 'string') return 'deno';
  return 'node';
}

/** The runtime and its version, as error messages name it: `'Bun 1.4.5'`. */
export function runtimeLabel(): string {
  const name = runtimeName();
  if (name === 'bun') return `Bun ${versions.bun}`;
  if (name === 'deno') return `Deno ${versions.deno}`;
  return `Node.js ${process.version}`;
}

/** Whether the runtime exports libuv to addons (Node does; Bun and Deno abort on a uv_* call). */
export function hasLibuv(): boolean {
  return runtimeName() === 'node';
}

// Why a runtime cannot do a feature (seen with Bun 1.4 and Deno 2.9).
const missing: Readonly<Record<Exclude<RuntimeName, 'node'>, Partial<Record<Feature, string>>>> = {
  bun: {
    connect: 'new net.Socket({ fd }).connect() ignores the descriptor and connects a socket of its own',
    toDgram: 'dgram.Socket#bind({ fd }) binds asynchronously, so the socket could not come back bound',
    eventLoop: 'it exports no libuv to addons',
  },
  deno: {
    connect: 'new net.Socket({ fd }).connect() ignores the descriptor and connects a socket of its own',
    toDgram: 'dgram.Socket#bind({ fd }) refuses socket descriptors (ERR_INVALID_FD_TYPE)',
    getDualMode: 'its net and dgram objects expose no descriptor (pass the fd itself)',
    eventLoop: 'it exports no libuv to addons',
  },
};

const what: Readonly<Record<Feature, string>> = {
  toServer: 'toServer()',
  connect: 'connect()',
  toDgram: 'toDgram()',
  getDualMode: 'getDualMode() of a net or dgram object',
  eventLoop: "a Socket's own datagram I/O",
};

/** Why `feature` is unavailable on this runtime and platform, or undefined when it is available. */
export function unavailableReason(feature: Feature): string | undefined {
  if (process.platform === 'win32' && feature !== 'eventLoop') {
    return 'Node cannot adopt a socket handle on Windows: hand-offs are unavailable';
  }
  const name = runtimeName();
  if (name === 'node') return undefined;
  const why = missing[name][feature];
  return why === undefined ? undefined : `${what[feature]} is unavailable on ${runtimeLabel()}: ${why}`;
}

/** The error a refused feature throws. @internal */
export function featureUnavailable(message: string): Error & { code: string } {
  return Object.assign(new Error(message), { code: 'ERR_FEATURE_UNAVAILABLE_ON_PLATFORM' });
}

/** Throws `ERR_FEATURE_UNAVAILABLE_ON_PLATFORM` when this runtime cannot do `feature`. @internal */
export function checkRuntime(feature: Feature): void {
  const why = unavailableReason(feature);
  if (why !== undefined) throw featureUnavailable(why);
}
