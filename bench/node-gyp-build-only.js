'use strict';
// The addon loaded the way dualmode loads it, through node-gyp-build, and
// nothing else: the floor of require('dualmode') with its prescribed loader.
module.exports = require('node-gyp-build')(require('node:path').join(__dirname, '..'));
