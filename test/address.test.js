'use strict';
// The address helpers mapToIPv6, mapToIPv4 and isIPv4MappedToIPv6, with the
// semantics of .NET's IPAddress.MapToIPv6 / MapToIPv4 / IsIPv4MappedToIPv6
// (API.md §6, dotnet-semantics.md D2).
const { describe, test } = require('node:test');
const assert = require('node:assert/strict');
const { mapToIPv6, mapToIPv4, isIPv4MappedToIPv6 } = require('dualmode');
const { coded } = require('./helpers');

const helpers = { mapToIPv6, mapToIPv4, isIPv4MappedToIPv6 };

describe('mapToIPv6 (.NET IPAddress.MapToIPv6)', () => {
  test('maps 127.0.0.1 to "::ffff:127.0.0.1", as the .NET test MapToIPv6(127.0.0.1).ToString() expects', () => {
    assert.equal(mapToIPv6('127.0.0.1'), '::ffff:127.0.0.1');
  });

  const ipv4 = [
    ['0.0.0.0', '::ffff:0.0.0.0'],
    ['255.255.255.255', '::ffff:255.255.255.255'],
    ['10.57.74.64', '::ffff:10.57.74.64'],
    ['1.2.3.4', '::ffff:1.2.3.4'],
  ];
  for (const [input, expected] of ipv4) {
    test(`maps the IPv4 address ${input} to its IPv4-mapped form ${expected}`, () => {
      assert.equal(mapToIPv6(input), expected);
    });
  }

  const ipv6 = [
    '::1',
    '::',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::127.0.0.1',
    '2001:4898:0:fff:0:5efe:10.57.74.64',
    'FE80::ABCD',
    '0000:0000:0000:0000:0000:FFFF:0102:0304',
    'fe80::1%lo',
    '::1%1',
  ];
  for (const input of ipv6) {
    test(`returns the IPv6 address ${input} as the very same string, spelling and zone untouched (.NET returns the same instance)`, () => {
      assert.equal(mapToIPv6(input), input);
    });
  }
});

describe('mapToIPv4 (.NET IPAddress.MapToIPv4)', () => {
  const cases = [
    // The .NET test MapToIPv4 of an ISATAP address: the last 32 bits, whatever the prefix.
    ['2001:4898:0:fff:0:5efe:10.57.74.64', '10.57.74.64', 'an ISATAP address (the .NET IPAddress.MapToIPv4 test case)'],
    ['::ffff:127.0.0.1', '127.0.0.1', 'an IPv4-mapped address in dotted form'],
    ['::ffff:7f00:1', '127.0.0.1', 'an IPv4-mapped address in hex form'],
    ['::FFFF:7F00:0001', '127.0.0.1', 'an uppercase IPv4-mapped address'],
    ['0000:0000:0000:0000:0000:ffff:0102:0304', '1.2.3.4', 'a full-length IPv4-mapped address'],
    ['0:0:0:0:0:FFFF:1.2.3.4', '1.2.3.4', 'an uncompressed IPv4-mapped address with a dotted tail'],
    ['::1', '0.0.0.1', 'the loopback ::1, which is not IPv4-mapped'],
    ['::', '0.0.0.0', 'the unspecified address ::'],
    ['::127.0.0.1', '127.0.0.1', 'an IPv4-compatible address'],
    ['FFFF::ABCD:1234', '171.205.18.52', 'an uppercase address with a non-zero prefix'],
    ['2001:db8::ff00:42:8329', '0.66.131.41', 'a documentation address, whose last two groups are 0042:8329'],
    ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', '255.255.255.255', 'the all-ones address'],
    ['1:2:3:4:5:6:7::', '0.7.0.0', 'an address whose :: compresses the last group'],
    ['fe80::1%lo', '0.0.0.1', 'a link-local address with a zone id, which is ignored'],
    ['::ffff:10.0.0.1%2', '10.0.0.1', 'an IPv4-mapped address with a numeric zone id, which is ignored'],
  ];
  for (const [input, expected, what] of cases) {
    test(`takes the last 32 bits of ${what}: ${input} -> ${expected}`, () => {
      assert.equal(mapToIPv4(input), expected);
    });
  }

  for (const input of ['127.0.0.1', '0.0.0.0', '255.255.255.255', '10.57.74.64']) {
    test(`returns the IPv4 address ${input} unchanged (.NET returns the same instance)`, () => {
      assert.equal(mapToIPv4(input), input);
    });
  }
});

describe('isIPv4MappedToIPv6 (.NET IPAddress.IsIPv4MappedToIPv6)', () => {
  const mapped = [
    '::ffff:1.2.3.4',
    '::ffff:127.0.0.1',
    '::FFFF:0102:0304',
    '::ffff:7f00:1',
    '::ffff:0:0',
    '::ffff:0.0.0.0',
    '::ffff:ffff:ffff',
    '0:0:0:0:0:ffff:1.2.3.4',
    '0000:0000:0000:0000:0000:FFFF:0102:0304',
    '0::FfFf:1.2.3.4',
    '::ffff:1.2.3.4%eth0',
  ];
  for (const input of mapped) {
    test(`is true for ${input}, in ::ffff:0:0/96 (any spelling, zone ignored)`, () => {
      assert.equal(isIPv4MappedToIPv6(input), true);
    });
  }

  const notMapped = [
    ['1.2.3.4', 'an IPv4 address'],
    ['127.0.0.1', 'an IPv4 address'],
    ['0.0.0.0', 'an IPv4 address'],
    ['::127.0.0.1', 'an IPv4-compatible address'],
    ['::1', 'the IPv6 loopback'],
    ['::', 'the IPv6 unspecified address'],
    ['ffff::1.2.3.4', 'an address with 0xffff in the first group'],
    ['::fffe:1.2.3.4', 'an address with 0xfffe in the sixth group'],
    ['1::ffff:1.2.3.4', 'an address with a non-zero first group'],
    ['::1:ffff:1.2.3.4', 'an address with a non-zero fifth group'],
    ['::ffff', 'an address ending in 0xffff'],
    ['::ffff:0', 'an address ending in ffff:0 (the seventh group, not the sixth, is 0xffff)'],
    ['64:ff9b::1.2.3.4', 'a NAT64 address'],
    ['2001:4898:0:fff:0:5efe:10.57.74.64', 'an ISATAP address'],
  ];
  for (const [input, what] of notMapped) {
    test(`is false for ${input}, ${what}`, () => {
      assert.equal(isIPv4MappedToIPv6(input), false);
    });
  }
});

describe('round trips between the helpers', () => {
  for (const ip of ['127.0.0.1', '0.0.0.0', '255.255.255.255', '10.57.74.64', '192.0.2.1']) {
    test(`mapToIPv4(mapToIPv6(${ip})) gives back ${ip}, and the mapped form is IPv4-mapped`, () => {
      const mapped = mapToIPv6(ip);
      assert.equal(isIPv4MappedToIPv6(mapped), true);
      assert.equal(mapToIPv4(mapped), ip);
    });
  }

  for (const ip of ['::ffff:127.0.0.1', '::ffff:0.0.0.0', '::ffff:255.255.255.255']) {
    test(`mapToIPv6(mapToIPv4(${ip})) gives back ${ip}`, () => {
      assert.equal(mapToIPv6(mapToIPv4(ip)), ip);
    });
  }
});

describe('invalid input to the address helpers', () => {
  const invalid = [
    '256.1.1.1',
    'hello',
    '',
    '1.2.3',
    '1.2.3.4.5',
    '01.2.3.4',
    '::g',
    ':::',
    '1::2::3',
    '1:2:3:4:5:6:7:8:9',
    '::ffff:1.2.3.256',
    '1.2.3.4%eth0',
    '::1%',
    '[::1]',
    ' ::1',
    '127.0.0.1 ',
    'localhost',
  ];
  const wrongTypes = [
    ['a number', 0x7f000001],
    ['undefined', undefined],
    ['null', null],
    ['an object', {}],
    ['an object whose toString gives an address', { toString: () => '127.0.0.1' }],
    ['a symbol', Symbol('ip')],
    ['a BigInt', 1n],
    ['a String object', Object('127.0.0.1')],
  ];

  for (const [name, fn] of Object.entries(helpers)) {
    for (const input of invalid) {
      test(`${name}(${JSON.stringify(input)}) throws TypeError ERR_INVALID_IP_ADDRESS "Invalid IP address: ${input}"`, () => {
        assert.throws(() => fn(input), coded(TypeError, 'ERR_INVALID_IP_ADDRESS', `Invalid IP address: ${input}`));
      });
    }
    for (const [what, input] of wrongTypes) {
      test(`${name} of ${what} throws TypeError ERR_INVALID_ARG_TYPE naming the "ip" argument`, () => {
        assert.throws(
          () => fn(input),
          coded(TypeError, 'ERR_INVALID_ARG_TYPE', /"ip" argument must be of type string/),
        );
      });
    }
    test(`${name}() with no argument throws TypeError ERR_INVALID_ARG_TYPE`, () => {
      assert.throws(() => fn(), coded(TypeError, 'ERR_INVALID_ARG_TYPE', /"ip" argument/));
    });
  }
});
