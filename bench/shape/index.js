'use strict';
// The addon loaded the way dualmode loads it, through node-gyp-build, and
// nothing else (npm run bench, require rows). Required by its path, it is the
// cost of the loader; required as 'dualmode-shape', through this folder's
// `exports` map, the floor of require('dualmode') for a package of its shape.
module.exports = require('node-gyp-build')(require('node:path').join(__dirname, '..', '..'));
