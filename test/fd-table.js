'use strict';
// The socket descriptors of this process, read from /proc/self/fd. Shared by
// the test helpers and by fixtures that run outside the test runner.
const fs = require('node:fs');

/** The socket descriptors of this process: "fd -> socket:[inode]", sorted. */
function openSockets() {
  const result = [];
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    let target;
    try {
      target = fs.readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      continue; // the directory handle readdirSync used, already closed
    }
    if (target.startsWith('socket:')) result.push(`${fd} -> ${target}`);
  }
  return result.sort();
}

module.exports = { openSockets };
