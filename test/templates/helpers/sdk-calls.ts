// Derives the IAM actions the Lambda needs from the AWS SDK v3 identifiers its source imports:
// `XCommand` -> X and `paginateX` -> X, prefixed with the client package's IAM service prefix.
// Anything the scanner cannot map (an unknown client package, an aggregated client, a waiter,
// `export *`) is an error, so a new kind of call cannot slip past the IAM tests.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/** SDK v3 client packages the rule may use, and their IAM service prefixes. */
export const CLIENT_PACKAGES: Readonly<Record<string, string>> = {
  '@aws-sdk/client-ecs': 'ecs',
  '@aws-sdk/client-config-service': 'config',
  '@aws-sdk/client-sts': 'sts',
  '@aws-sdk/client-s3': 's3',
};

/** Credential helpers that make an AWS call themselves (none is a dependency today). */
const CREDENTIAL_HELPERS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  '@aws-sdk/credential-providers': { fromTemporaryCredentials: 'sts:AssumeRole' },
};

/** Aggregated clients expose every operation as a method: their calls cannot be read from imports. */
const AGGREGATED_CLIENTS = new Set(['ECS', 'ConfigService', 'STS']);

export interface SdkCall {
  readonly action: string;
  readonly identifier: string;
  readonly module: string;
  readonly file: string;
}

export class UnmappedSdkUsageError extends Error {
  override readonly name = 'UnmappedSdkUsageError';
}

function isSdkModule(specifier: string): boolean {
  return specifier.startsWith('@aws-sdk/client-') || specifier in CREDENTIAL_HELPERS;
}

function actionFor(module: string, identifier: string, file: string): string | undefined {
  const helpers = CREDENTIAL_HELPERS[module];
  if (helpers !== undefined) return helpers[identifier];
  const prefix = CLIENT_PACKAGES[module];
  if (prefix === undefined) {
    throw new UnmappedSdkUsageError(`${file}: ${module} has no IAM prefix in CLIENT_PACKAGES; add it and grant its actions`);
  }
  if (AGGREGATED_CLIENTS.has(identifier)) {
    throw new UnmappedSdkUsageError(`${file}: aggregated client ${identifier} from ${module}; use Command classes so calls can be derived`);
  }
  if (/^wait(Until|For)[A-Z]/.test(identifier)) {
    throw new UnmappedSdkUsageError(`${file}: waiter ${identifier} from ${module} calls an operation this scanner cannot name`);
  }
  const command = /^([A-Z][A-Za-z0-9]*)Command$/.exec(identifier);
  if (command?.[1] !== undefined) return `${prefix}:${command[1]}`;
  const paginator = /^paginate([A-Z][A-Za-z0-9]*)$/.exec(identifier);
  if (paginator?.[1] !== undefined) return `${prefix}:${paginator[1]}`;
  return undefined; // clients, types, exceptions, enums: no call of their own
}

function moduleOf(node: ts.Expression | undefined): string | undefined {
  if (node === undefined) return undefined;
  let expr: ts.Expression = node;
  while (ts.isAwaitExpression(expr) || ts.isParenthesizedExpression(expr)) expr = expr.expression;
  if (!ts.isCallExpression(expr)) return undefined;
  const isRequire = ts.isIdentifier(expr.expression) && expr.expression.text === 'require';
  const isDynamicImport = expr.expression.kind === ts.SyntaxKind.ImportKeyword;
  const first = expr.arguments[0];
  if ((isRequire || isDynamicImport) && first !== undefined && ts.isStringLiteralLike(first)) return first.text;
  return undefined;
}

/** The SDK calls one TypeScript source text makes. */
export function scanSource(source: string, file = '<inline>.ts'): SdkCall[] {
  const sourceFile = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const imported: Array<{ identifier: string; module: string }> = [];
  const declared: string[] = [];
  const namespaces = new Map<string, string>(); // local namespace name -> module

  const bindNames = (pattern: ts.BindingName, module: string): void => {
    if (ts.isIdentifier(pattern)) {
      namespaces.set(pattern.text, module);
      return;
    }
    if (ts.isObjectBindingPattern(pattern)) {
      for (const element of pattern.elements) {
        const key = element.propertyName ?? element.name;
        if (ts.isIdentifier(key)) imported.push({ identifier: key.text, module });
        else throw new UnmappedSdkUsageError(`${file}: computed destructuring from ${module}`);
      }
    }
  };

  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const module = node.moduleSpecifier.text;
      const clause = node.importClause;
      if (isSdkModule(module) && clause !== undefined && !clause.isTypeOnly) {
        if (clause.name !== undefined) namespaces.set(clause.name.text, module);
        const bindings = clause.namedBindings;
        if (bindings !== undefined && ts.isNamespaceImport(bindings)) namespaces.set(bindings.name.text, module);
        if (bindings !== undefined && ts.isNamedImports(bindings)) {
          for (const element of bindings.elements) {
            if (!element.isTypeOnly) imported.push({ identifier: (element.propertyName ?? element.name).text, module });
          }
        }
      }
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier !== undefined && ts.isStringLiteral(node.moduleSpecifier)) {
      const module = node.moduleSpecifier.text;
      if (isSdkModule(module) && !node.isTypeOnly) {
        if (node.exportClause === undefined || !ts.isNamedExports(node.exportClause)) {
          throw new UnmappedSdkUsageError(`${file}: export * from ${module} hides which operations are used`);
        }
        for (const element of node.exportClause.elements) {
          if (!element.isTypeOnly) imported.push({ identifier: (element.propertyName ?? element.name).text, module });
        }
      }
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const expr = node.moduleReference.expression;
      if (ts.isStringLiteral(expr) && isSdkModule(expr.text) && !node.isTypeOnly) namespaces.set(node.name.text, expr.text);
    } else if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.name.text === SIGNED_ACTIONS) {
      for (const action of declaredActions(node.initializer, file)) declared.push(action);
    } else if (ts.isVariableDeclaration(node)) {
      const module = moduleOf(node.initializer);
      if (module !== undefined && isSdkModule(module)) bindNames(node.name, module);
    } else if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression)) {
      const module = namespaces.get(node.expression.text);
      if (module !== undefined) imported.push({ identifier: node.name.text, module });
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);

  const calls: SdkCall[] = [];
  for (const { identifier, module } of imported) {
    const action = actionFor(module, identifier, file);
    if (action !== undefined) calls.push({ action, identifier, module, file });
  }
  for (const action of declared) calls.push({ action, identifier: SIGNED_ACTIONS, module: file, file });
  return calls;
}

/**
 * A module that signs AWS requests itself (src/aws/s3-get.ts) makes calls no SDK import shows; it
 * declares them in a constant of this name, a literal array of "service:Action" strings.
 */
export const SIGNED_ACTIONS = 'SIGNED_REQUEST_ACTIONS';

function declaredActions(initializer: ts.Expression | undefined, file: string): string[] {
  let expr = initializer;
  while (expr !== undefined && (ts.isAsExpression(expr) || ts.isSatisfiesExpression(expr) || ts.isParenthesizedExpression(expr))) expr = expr.expression;
  if (expr === undefined || !ts.isArrayLiteralExpression(expr)) {
    throw new UnmappedSdkUsageError(`${file}: ${SIGNED_ACTIONS} must be a literal array of "service:Action" strings`);
  }
  return expr.elements.map((element) => {
    if (!ts.isStringLiteralLike(element) || !/^[a-z0-9-]+:[A-Za-z0-9]+$/.test(element.text)) {
      throw new UnmappedSdkUsageError(`${file}: ${SIGNED_ACTIONS} must list "service:Action" string literals only`);
    }
    return element.text;
  });
}

function typescriptFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return entry === 'node_modules' ? [] : typescriptFiles(path);
    return /\.(ts|mts|cts)$/.test(entry) && !entry.endsWith('.d.ts') ? [path] : [];
  });
}

/** The SDK calls of every TypeScript file under root (declaration files excluded). */
export function scanTree(root: string): SdkCall[] {
  return typescriptFiles(root).flatMap((path) => scanSource(readFileSync(path, 'utf8'), relative(root, path)));
}

/**
 * The SDK calls of the files an entry point reaches through relative imports (type-only imports
 * excluded): what a bundle built from that entry can call. Code in the tree that the bundle does
 * not include (a CLI run with a person's credentials, an adapter not wired in yet) needs no grant.
 */
export function scanBundle(entry: string): SdkCall[] {
  const root = dirname(entry);
  const seen = new Set<string>();
  const queue = [resolve(entry)];
  const calls: SdkCall[] = [];
  while (queue.length > 0) {
    const path = queue.shift() as string;
    if (seen.has(path)) continue;
    seen.add(path);
    const source = readFileSync(path, 'utf8');
    calls.push(...scanSource(source, relative(root, path)));
    for (const specifier of relativeImports(source, path)) queue.push(resolveModule(dirname(path), specifier, path));
  }
  return calls;
}

function relativeImports(source: string, file: string): string[] {
  const sourceFile = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    let specifier: string | undefined;
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier) && !node.importClause?.isTypeOnly) specifier = node.moduleSpecifier.text;
    else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier) && !node.isTypeOnly) specifier = node.moduleSpecifier.text;
    else if (ts.isCallExpression(node)) specifier = moduleOf(node);
    if (specifier?.startsWith('.')) found.push(specifier);
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found;
}

function resolveModule(fromDir: string, specifier: string, importer: string): string {
  const base = resolve(fromDir, specifier);
  for (const candidate of [base, `${base}.ts`, join(base, 'index.ts')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  throw new UnmappedSdkUsageError(`${importer}: cannot resolve ${specifier}`);
}

export function actionsOf(calls: readonly SdkCall[]): Set<string> {
  return new Set(calls.map((call) => call.action));
}
