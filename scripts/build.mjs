// Bundles the Lambda handler with the SDK clients it uses (the runtime's copy is not relied on),
// and, separately, the ecs-pidmode CLI: the Lambda bundle never contains CLI code.
// The handler's options live in build-options.json so that the benchmark's comparison bundles share
// them; `sam build` runs this script too (Makefile, checked by test/templates/build-metadata.test.ts).
//
// `node scripts/build.mjs --prepare` (npm's prepare script, run after `npm ci` / `npm install`)
// builds only the CLI, so that `npx ecs-pidmode` works in a fresh clone. A production-only install
// (`npm install --omit=dev`, no esbuild) runs prepare too: there it does nothing rather than fail.
import { chmodSync, readFileSync } from 'node:fs';

const prepare = process.argv.includes('--prepare');
let esbuild;
try {
  esbuild = await import('esbuild');
} catch (error) {
  if (!prepare || error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
  console.log('prepare: esbuild is not installed (production-only install): the ecs-pidmode CLI is not built');
  process.exit(0);
}

const handlerOptions = JSON.parse(readFileSync(new URL('./build-options.json', import.meta.url), 'utf8'));
// The CLI runs on the user's Node (package.json engines: >= 20), not on the Lambda runtime.
const cliOptions = {
  entryPoints: ['src/cli/bin.ts'],
  outfile: 'dist/cli.js',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  banner: { js: '#!/usr/bin/env node' },
  // Loaded on demand by `exceptions publish --execute` only (a dependency, so installed with the CLI).
  external: ['@aws-sdk/client-s3'],
  logLevel: 'warning',
};

if (!prepare) await esbuild.build(handlerOptions);
await esbuild.build(cliOptions);
chmodSync(cliOptions.outfile, 0o755);
