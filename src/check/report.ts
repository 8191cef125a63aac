// The outcome of checking a set of files, and its text and JSON renderings. SARIF is in sarif.ts.
import { CHECK_RULES } from './findings';
import type { CheckFormat, Finding, FindingLevel } from './findings';

/** Exit codes of `ecs-pidmode check`. Unreadable input wins over findings: the check is incomplete. */
export const CHECK_EXIT_CODES = { clean: 0, host: 1, unreadable: 2 } as const;
export type CheckExitCode = (typeof CHECK_EXIT_CODES)[keyof typeof CHECK_EXIT_CODES];

export interface FileFinding extends Finding {
  /** The file as the user named it (relative to the working directory when inside it). */
  readonly file: string;
}

export type CheckedFile =
  | { readonly path: string; readonly format: CheckFormat }
  | { readonly path: string; readonly error: string };

export interface CheckReport {
  readonly files: readonly CheckedFile[];
  /** Ordered by file (as given), then line. */
  readonly findings: readonly FileFinding[];
  readonly exitCode: CheckExitCode;
}

export function levelOf(finding: Finding): FindingLevel {
  return CHECK_RULES[finding.rule].level;
}

export function exitCodeFor(files: readonly CheckedFile[], findings: readonly Finding[]): CheckExitCode {
  if (files.some((file) => 'error' in file)) return CHECK_EXIT_CODES.unreadable;
  return findings.some((f) => levelOf(f) === 'error') ? CHECK_EXIT_CODES.host : CHECK_EXIT_CODES.clean;
}

export function summarise(report: CheckReport): { checked: number; unreadable: number; errors: number; warnings: number } {
  const errors = report.findings.filter((f) => levelOf(f) === 'error').length;
  const unreadable = report.files.filter((file) => 'error' in file).length;
  return { checked: report.files.length - unreadable, unreadable, errors, warnings: report.findings.length - errors };
}

const plural = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`;

/** `file:line: level resource: message [rule]` per finding, then one summary line. */
export function renderText(report: CheckReport): string {
  const lines = report.findings.map((f) => {
    const where = f.position ? `${f.file}:${f.position.line}` : f.file;
    return `${where}: ${levelOf(f)} ${f.resource}: ${f.message} [${CHECK_RULES[f.rule].id}]`;
  });
  for (const file of report.files) if ('error' in file) lines.push(`${file.path}: error: could not check: ${file.error}`);
  const s = summarise(report);
  lines.push(
    `${plural(s.checked, 'file')} checked: ${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}` +
      (s.unreadable ? `; ${plural(s.unreadable, 'file')} could not be read or parsed` : ''),
  );
  return `${lines.join('\n')}\n`;
}

/** A stable JSON shape (schemaVersion 1): add fields, never rename them. */
export function renderJson(report: CheckReport, toolVersion: string): string {
  const document = {
    schemaVersion: 1,
    tool: { name: 'ecs-pidmode', version: toolVersion },
    files: report.files.map((file) =>
      'error' in file ? { path: file.path, format: null, error: file.error } : { path: file.path, format: file.format, error: null },
    ),
    findings: report.findings.map((f) => ({
      file: f.file,
      line: f.position?.line ?? null,
      column: f.position?.column ?? null,
      level: levelOf(f),
      ruleId: CHECK_RULES[f.rule].id,
      resource: f.resource,
      message: f.message,
    })),
    summary: summarise(report),
    exitCode: report.exitCode,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
