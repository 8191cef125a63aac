// Bundles the Lambda handler with the SDK clients it uses (the runtime's copy is not relied on).
// The options live in build-options.json so that the benchmark's comparison bundles share them;
// `sam build` runs this script too (Makefile, checked by test/templates/build-metadata.test.ts).
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';

const options = JSON.parse(readFileSync(new URL('./build-options.json', import.meta.url), 'utf8'));
await build(options);
