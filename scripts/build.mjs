// Bundles the Lambda handler with the SDK clients it uses (the runtime's copy is not relied on).
// Flags mirror template.yaml's Metadata.BuildProperties so `sam build` and `npm run build` agree.
import { build } from 'esbuild';

export const BUNDLE_PATH = 'dist/handler.js';

await build({
  entryPoints: ['src/handler.ts'],
  outfile: BUNDLE_PATH,
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'cjs',
  minify: true,
  sourcemap: false,
  mainFields: ['module', 'main'],
  legalComments: 'none',
  logLevel: 'warning',
});
