// Argument checks with Node's codes and messages. Each reads a user value
// once and throws before any descriptor is touched.
import { types } from 'node:util';
import { badPort, invalidArgType, outOfRange } from './errors';

// %TypedArray%.prototype.byteLength, read from the intrinsic getter so that an
// own `byteLength` property on the argument cannot misreport the length.
const byteLengthOf = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), 'byteLength')!
  .get as (this: Uint8Array) => number;

/** @internal */
export function validateInteger(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (!Number.isInteger(value)) throw outOfRange(name, 'an integer', value);
  if (value < min || value > max) throw outOfRange(name, `>= ${min} && <= ${max}`, value);
  return value;
}

/** @internal */
export function validateInt32(value: unknown, name: string, min = -2147483648): number {
  return validateInteger(value, name, min, 2147483647);
}

const memberSets = new Map<object, ReadonlySet<number>>();

/** Checks that `value` is one of the values of the frozen enum `members`. @internal */
export function validateMember<T extends number>(
  value: unknown,
  name: string,
  members: Readonly<Record<string, T>>,
): T {
  let set = memberSets.get(members);
  if (set === undefined) memberSets.set(members, (set = new Set(Object.values(members))));
  if (set.has(value as number)) return value as T;
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  const list = Object.entries(members)
    .map(([key, member]) => `${member} (${key})`)
    .join(', ');
  throw outOfRange(name, `one of ${list}`, value);
}

/** @internal */
export function validateBoolean(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean') throw invalidArgType(name, 'of type boolean', value);
  return value;
}

/** @internal */
export function validateObject(value: unknown, name: string): object {
  if (typeof value !== 'object' || value === null) throw invalidArgType(name, 'of type object', value);
  return value;
}

/** @internal */
export function validatePort(value: unknown, name: string): number {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (!Number.isInteger(value) || value < 0 || value > 65535) throw badPort(name, value);
  return value;
}

/** @internal */
export function validateBytes(value: unknown, name: string, min: number, max: number): Uint8Array {
  // A real Uint8Array from any realm (vm contexts, test sandboxes); not an
  // object that merely inherits Uint8Array.prototype, nor a Proxy of one.
  if (!types.isUint8Array(value)) throw invalidArgType(name, 'an instance of Uint8Array', value);
  const length = byteLengthOf.call(value);
  if (length < min || length > max) throw outOfRange(`${name}.byteLength`, `>= ${min} && <= ${max}`, length);
  return value;
}

/** `endPoint.address` (checked by the caller) and `endPoint.port`, each read once. @internal */
export function readEndPoint(endPoint: unknown): { address: unknown; port: number } {
  const object = validateObject(endPoint, 'endPoint') as { address?: unknown; port?: unknown };
  const address = object.address;
  const port = validatePort(object.port, 'endPoint.port');
  return { address, port };
}
