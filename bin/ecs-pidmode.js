#!/usr/bin/env node
// The `ecs-pidmode` command npm links (package.json "bin"). The CLI itself is the bundle
// dist/cli.js, which `npm run build` writes and `npm ci` / `npm install` build through the
// `prepare` script. Installs with --ignore-scripts skip that: say so instead of a stack trace.
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const bundle = join(root, 'dist', 'cli.js');
if (existsSync(bundle)) {
  require(bundle);
} else {
  process.stderr.write(`ecs-pidmode: ${bundle} is missing: run \`npm run build\` in ${root}\n`);
  process.exitCode = 2;
}
