'use strict';
// The floor of require('dualmode') for a package of its shape: resolved
// through an `exports` map, loading the addon with node-gyp-build, and
// nothing else (npm run bench, require rows).
module.exports = require('node-gyp-build')(require('node:path').join(__dirname, '..', '..'));
