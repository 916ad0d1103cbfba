#!/usr/bin/env node
'use strict';
// Thin launcher: the CLI is compiled to dist/ by `npm install` (the `prepare` script).
require('../dist/src/cli/main.js')
  .main(process.argv)
  .then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`driftguard: internal error: ${err && err.stack ? err.stack : err}\n`);
      process.exitCode = 2;
    },
  );
