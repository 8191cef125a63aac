// `sam build` (template.yaml Metadata) and `npm run build` (scripts/build.mjs) must bundle alike.
// build.mjs runs esbuild when imported, so its options are read from its syntax tree instead.
import { basename } from 'node:path';
import ts from 'typescript';
import { asRecord, at, loadTemplate, properties, readRepoFile, resource } from './helpers/cfn';

type Literal = string | number | boolean | Literal[];

function literal(node: ts.Expression, where: string): Literal {
  if (ts.isStringLiteralLike(node)) return node.text;
  if (ts.isNumericLiteral(node)) return Number(node.text);
  if (node.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (node.kind === ts.SyntaxKind.FalseKeyword) return false;
  if (ts.isArrayLiteralExpression(node)) return node.elements.map((element, i) => literal(element, `${where}[${i}]`));
  if (ts.isIdentifier(node)) return { identifier: node.text } as unknown as Literal; // resolved by the caller
  throw new Error(`${where}: not a literal (${ts.SyntaxKind[node.kind]})`);
}

interface BuildScript {
  readonly options: Record<string, Literal>;
  readonly constants: Record<string, Literal>;
}

/** The object passed to esbuild's build() in a script, and the script's top-level const literals. */
function readBuildScript(source: string): BuildScript {
  const file = ts.createSourceFile('build.mjs', source, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const constants: Record<string, Literal> = {};
  let options: Record<string, Literal> | undefined;
  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer !== undefined) {
      try {
        constants[node.name.text] = literal(node.initializer, node.name.text);
      } catch {
        // not a literal constant: irrelevant here
      }
    }
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'build') {
      const arg = node.arguments[0];
      if (arg === undefined || !ts.isObjectLiteralExpression(arg)) throw new Error('build() is not called with an object literal');
      options = {};
      for (const prop of arg.properties) {
        if (ts.isPropertyAssignment(prop) && (ts.isIdentifier(prop.name) || ts.isStringLiteral(prop.name))) {
          options[prop.name.text] = literal(prop.initializer, prop.name.text);
        } else if (ts.isShorthandPropertyAssignment(prop)) {
          options[prop.name.text] = { identifier: prop.name.text } as unknown as Literal;
        } else {
          throw new Error(`build(): unsupported property ${prop.getText(file)}`);
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  if (options === undefined) throw new Error('no build({...}) call found');
  // Replace identifiers (e.g. outfile: BUNDLE_PATH) with the constant they name.
  for (const [key, value] of Object.entries(options)) {
    const name = (value as unknown as { identifier?: string }).identifier;
    if (name !== undefined) {
      const resolved = constants[name];
      if (resolved === undefined) throw new Error(`build(): ${key} refers to ${name}, which is not a literal constant`);
      options[key] = resolved;
    }
  }
  return { options, constants };
}

const script = readBuildScript(readRepoFile('scripts/build.mjs'));
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

describe('template.yaml build metadata against scripts/build.mjs', () => {
  it('reads the esbuild options from build.mjs', () => {
    expect(script.options.entryPoints).toEqual(['src/handler.ts']);
    expect(typeof script.constants.BUNDLE_PATH).toBe('string');
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
    const bundle = basename(String(script.constants.BUNDLE_PATH), '.js');
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

describe('readBuildScript', () => {
  it('resolves constants and fails on a non-literal option', () => {
    const parsed = readBuildScript(`const OUT = 'x.js'; await build({ outfile: OUT, minify: false, mainFields: ['main'] });`);
    expect(parsed.options).toEqual({ outfile: 'x.js', minify: false, mainFields: ['main'] });
    expect(() => readBuildScript(`await build({ define: makeDefines() });`)).toThrow(/not a literal/);
    expect(() => readBuildScript(`console.log('no build');`)).toThrow(/no build/);
  });
});
