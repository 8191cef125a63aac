// `sam build` (template.yaml Metadata) and `npm run build` (scripts/build.mjs, which passes
// scripts/build-options.json to esbuild) must bundle alike.
import { basename } from 'node:path';
import { asRecord, at, loadTemplate, properties, readRepoFile, resource } from './helpers/cfn';

type Literal = string | number | boolean | Literal[];

const script = { options: JSON.parse(readRepoFile('scripts/build-options.json')) as Record<string, Literal> };
const template = loadTemplate('template.yaml');
const fnResource = resource(template, 'RuleFunction', 'AWS::Serverless::Function');
const fn = properties(fnResource, 'RuleFunction');
const buildProperties = asRecord(at(fnResource, 'Metadata', 'BuildProperties'), 'Metadata.BuildProperties');

// esbuild options with a SAM BuildProperties twin, as SAM names them.
// https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/serverless-sam-cli-using-build-typescript.html
const TWINS: ReadonlyArray<readonly [esbuildName: string, samName: string, toSam: (value: Literal) => unknown]> = [
  ['entryPoints', 'EntryPoints', (value) => value],
  ['format', 'Format', (value) => value],
  ['target', 'Target', (value) => value],
  ['minify', 'Minify', (value) => value],
  ['sourcemap', 'Sourcemap', (value) => value],
  ['mainFields', 'MainFields', (value) => (Array.isArray(value) ? value.join(',') : value)],
];
// Options SAM's esbuild builder fixes itself (bundle, node platform), or that do not change the
// code that runs (where the file goes, build log noise, where license comments go).
const NO_TWIN_NEEDED: Record<string, Literal> = { bundle: true, platform: 'node' };
const OUTPUT_ONLY = new Set(['outfile', 'outdir', 'logLevel', 'legalComments']);

describe('template.yaml build metadata against scripts/build-options.json', () => {
  it('reads the esbuild options', () => {
    expect(script.options.entryPoints).toEqual(['src/handler.ts']);
    expect(typeof script.options.outfile).toBe('string');
  });

  it('builds with SAM esbuild', () => {
    expect(at(fnResource, 'Metadata', 'BuildMethod')).toBe('esbuild');
  });

  it.each(TWINS)('passes the same %s to SAM as %s', (option, samName, toSam) => {
    const value = script.options[option];
    if (value === undefined) throw new Error(`scripts/build.mjs no longer sets ${option}`);
    expect(buildProperties[samName]).toEqual(toSam(value));
  });

  it('uses no esbuild option that SAM would not reproduce, and no SAM flag build.mjs lacks', () => {
    const mirrored = new Set(TWINS.map(([option]) => option));
    const unmirrored = Object.entries(script.options)
      .filter(([key]) => !mirrored.has(key) && !OUTPUT_ONLY.has(key))
      .filter(([key, value]) => JSON.stringify(NO_TWIN_NEEDED[key]) !== JSON.stringify(value))
      .map(([key]) => key);
    expect(unmirrored).toEqual([]);
    const samNames = new Set(TWINS.map(([, samName]) => samName));
    expect(Object.keys(buildProperties).filter((samName) => !samNames.has(samName))).toEqual([]);
  });

  it('points the handler at the bundle file and its exported handler', () => {
    const bundle = basename(String(script.options.outfile), '.js');
    const entry = basename(String((script.options.entryPoints as string[])[0]), '.ts');
    expect(fn.Handler).toBe(`${bundle}.handler`);
    expect(entry).toBe(bundle); // SAM names the bundle after the entry point
  });

  it('runs on the Node.js version the bundle targets', () => {
    const target = /^node(\d+)$/.exec(String(script.options.target));
    expect(target).not.toBeNull();
    expect(fn.Runtime).toBe(`nodejs${target?.[1]}.x`);
  });
});
