// `ecs-pidmode check FILE...`: the offline, pre-deploy check for CI pipelines. Reading files and
// writing the report happen here; the analysis is src/check (pure), which knows nothing of the CLI.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { checkSource } from '../check/check-source';
import { CHECK_EXIT_CODES, exitCodeFor, renderJson, renderText } from '../check/report';
import type { CheckedFile, CheckReport, FileFinding } from '../check/report';
import { renderSarif } from '../check/sarif';
import { CheckInputError } from '../core/errors';
import { PACKAGE_VERSION } from './package-info';

export const CHECK_OUTPUT_FORMATS = ['text', 'json', 'sarif'] as const;
export type CheckOutputFormat = (typeof CHECK_OUTPUT_FORMATS)[number];

/** CDK writes one CloudFormation template per stack into its cloud assembly (cdk.out). */
const CDK_TEMPLATE_SUFFIX = '.template.json';

export interface CheckOptions {
  /** Paths in the report are relative to this directory when inside it (default: process.cwd()). */
  readonly cwd?: string;
}

/** Checks the files (and directories of *.template.json) given; never throws for bad input. */
export function runCheck(paths: readonly string[], options: CheckOptions = {}): CheckReport {
  const cwd = options.cwd ?? process.cwd();
  const files: CheckedFile[] = [];
  const findings: FileFinding[] = [];
  const seen = new Set<string>();
  for (const given of paths) {
    const absolute = resolve(cwd, given);
    const expanded = expand(absolute);
    if ('error' in expanded) {
      files.push({ path: displayPath(absolute, cwd), error: expanded.error });
      continue;
    }
    for (const file of expanded.files) {
      if (seen.has(file)) continue;
      seen.add(file);
      const path = displayPath(file, cwd);
      try {
        const result = checkSource(readFileSync(file, 'utf8'));
        files.push({ path, format: result.format });
        findings.push(...[...result.findings].sort(byPosition).map((finding) => ({ ...finding, file: path })));
      } catch (error) {
        if (!(error instanceof CheckInputError) && !isFsError(error)) throw error;
        files.push({ path, error: error instanceof CheckInputError ? error.message : fsErrorText(error) });
      }
    }
  }
  return { files, findings, exitCode: exitCodeFor(files, findings) };
}

export function renderReport(report: CheckReport, format: CheckOutputFormat): string {
  switch (format) {
    case 'text':
      return renderText(report);
    case 'json':
      return renderJson(report, PACKAGE_VERSION);
    case 'sarif':
      return renderSarif(report, { version: PACKAGE_VERSION });
  }
}

export function checkCommand(): Command {
  return new Command('check')
    .summary('check templates, Terraform plans and task definitions for pidMode host (offline, for CI)')
    .description(
      'Check CloudFormation/SAM templates, CDK output (cdk.out), Terraform plans (terraform show -json) and ECS task ' +
        'definition JSON for pidMode host, offline. Exit 1 when a task definition sets pidMode host, 2 when a file ' +
        'could not be read or parsed, 0 otherwise (warnings alone exit 0).',
    )
    .argument('<files...>', 'files to check; a directory is searched for *.template.json (a CDK cloud assembly)')
    .addOption(new Option('-f, --format <format>', 'report format').choices(CHECK_OUTPUT_FORMATS).default('text'))
    .option('-o, --output <file>', 'write the report to this file; a text summary then goes to standard error')
    .action((paths: string[], options: { format: CheckOutputFormat; output?: string }) => {
      const report = runCheck(paths);
      if (options.output) {
        writeFileSync(options.output, renderReport(report, options.format));
        process.stderr.write(renderText(report));
      } else {
        process.stdout.write(renderReport(report, options.format));
      }
      process.exitCode = report.exitCode;
    });
}

function expand(path: string): { files: string[] } | { error: string } {
  try {
    if (!statSync(path).isDirectory()) return { files: [path] };
  } catch (error) {
    if (isFsError(error)) return { error: fsErrorText(error) };
    throw error;
  }
  const files = templatesUnder(path);
  // An empty directory must not pass CI as "nothing found".
  return files.length > 0 ? { files } : { error: `no *${CDK_TEMPLATE_SUFFIX} files in this directory (expected a CDK cloud assembly such as cdk.out)` };
}

/** *.template.json in the directory and its subdirectories (CDK stages nest assemblies as assembly-*). */
function templatesUnder(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name.startsWith('.') ? [] : templatesUnder(path);
      return entry.name.endsWith(CDK_TEMPLATE_SUFFIX) ? [path] : [];
    });
}

function displayPath(absolute: string, cwd: string): string {
  const rel = relative(cwd, absolute);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? absolute : rel;
}

function byPosition(a: { position?: { line: number; column: number } }, b: typeof a): number {
  return (a.position?.line ?? 0) - (b.position?.line ?? 0) || (a.position?.column ?? 0) - (b.position?.column ?? 0);
}

// Duck-typed: errors from node:fs are not `instanceof Error` across realms (jest's sandbox, for one).
function isFsError(error: unknown): error is NodeJS.ErrnoException {
  return typeof error === 'object' && error !== null && typeof (error as NodeJS.ErrnoException).code === 'string';
}

function fsErrorText(error: NodeJS.ErrnoException): string {
  const reasons: Record<string, string> = { ENOENT: 'no such file or directory', EACCES: 'permission denied', EISDIR: 'is a directory' };
  return `cannot read: ${reasons[error.code ?? ''] ?? error.code}`;
}
