// scan's report: one row per evaluated revision, in table (for a person), JSON or CSV, and the exit
// code. Pure: the scan results in, text out.
import type { ComplianceType, PidMode } from '../core/types';
import type { ScanOutcome } from '../run';

export const SCAN_OUTPUT_FORMATS = ['table', 'json', 'csv'] as const;
export type ScanOutputFormat = (typeof SCAN_OUTPUT_FORMATS)[number];

export const SCAN_EXIT_CODES = { clean: 0, findings: 1, incomplete: 2 } as const;

export interface ScanRow {
  readonly accountId: string;
  readonly region: string;
  readonly complianceType: ComplianceType;
  /** Config's resource ID (the revision's ARN when Config does not record it), as the rule reports it. */
  readonly resourceId: string;
  readonly taskDefinitionArn?: string;
  readonly pidMode?: PidMode;
  readonly runningTasks?: number;
  readonly clusters: readonly string[];
  readonly services: readonly string[];
  readonly annotation: string;
}

export interface ScanTargetReport {
  readonly accountId: string;
  readonly region: string;
  readonly clusters?: number;
  readonly clustersRead?: number;
  readonly runningTasks?: number;
  readonly revisionsInUse?: number;
  readonly nonCompliantInUse?: number;
  readonly exceptedInUse?: number;
  readonly exceptionsExpiringSoon?: number;
  readonly exceptionsExpired?: number;
  /** What could not be established, when something could not. */
  readonly failure?: string;
}

export interface ScanReport {
  readonly targets: readonly ScanTargetReport[];
  /** Every revision evaluated (before --only). */
  readonly rows: readonly ScanRow[];
  readonly exitCode: number;
}

export interface ScanTargetInput {
  readonly target: { readonly accountId: string; readonly region: string };
  readonly outcome?: ScanOutcome;
  readonly error?: string;
}

const ORDER: Record<ComplianceType, number> = { NON_COMPLIANT: 0, COMPLIANT: 1, NOT_APPLICABLE: 2 };

/** 2 when any Region could not be fully established (its findings are still listed), else 1 on findings, else 0. */
export function buildScanReport(scans: readonly ScanTargetInput[]): ScanReport {
  const rows: ScanRow[] = [];
  const targets: ScanTargetReport[] = [];
  for (const { target, outcome, error } of scans) {
    const base = { accountId: target.accountId, region: target.region };
    if (!outcome) {
      targets.push({ ...base, failure: error ?? 'unknown failure' });
      continue;
    }
    const s = outcome.summary;
    targets.push({
      ...base,
      ...pick(s, ['clusters', 'clustersRead', 'runningTasks', 'revisionsInUse', 'nonCompliantInUse', 'exceptedInUse', 'exceptionsExpiringSoon', 'exceptionsExpired']),
      ...(outcome.failure ? { failure: `${outcome.failure.name}: ${outcome.failure.message}` } : {}),
    });
    for (const e of outcome.evaluations) {
      const usage = e.detail?.usage;
      rows.push({
        ...base,
        complianceType: e.complianceType,
        resourceId: e.resourceId,
        ...(e.detail ? { taskDefinitionArn: e.detail.taskDefinitionArn } : {}),
        ...(e.detail?.pidMode ? { pidMode: e.detail.pidMode } : {}),
        ...(usage ? { runningTasks: usage.taskCount } : {}),
        clusters: usage ? [...usage.clusters].sort() : [],
        services: usage ? [...usage.services].sort() : [],
        annotation: e.annotation,
      });
    }
  }
  rows.sort((a, b) => ORDER[a.complianceType] - ORDER[b.complianceType] || a.region.localeCompare(b.region) || a.resourceId.localeCompare(b.resourceId));
  const exitCode = targets.some((t) => t.failure)
    ? SCAN_EXIT_CODES.incomplete
    : rows.some((r) => r.complianceType === 'NON_COMPLIANT')
      ? SCAN_EXIT_CODES.findings
      : SCAN_EXIT_CODES.clean;
  return { targets, rows, exitCode };
}

function pick<T extends object, K extends keyof T>(object: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const key of keys) if (object[key] !== undefined) out[key] = object[key];
  return out;
}

export interface RenderOptions {
  /** `--only non-compliant`: list NON_COMPLIANT rows only (the exit code does not change). */
  readonly only?: 'non-compliant';
}

export function renderScan(report: ScanReport, format: ScanOutputFormat, options: RenderOptions = {}): string {
  const rows = options.only === 'non-compliant' ? report.rows.filter((r) => r.complianceType === 'NON_COMPLIANT') : report.rows;
  switch (format) {
    case 'table':
      return renderTable(report, rows);
    case 'json':
      return `${JSON.stringify({ schemaVersion: 1, targets: report.targets, evaluations: rows, exitCode: report.exitCode }, null, 2)}\n`;
    case 'csv':
      return renderCsv(rows);
  }
}

const TABLE_HEADER = ['VERDICT', 'REGION', 'RESOURCE ID', 'TASK DEFINITION ARN', 'TASKS', 'CLUSTERS', 'SERVICES'] as const;

function renderTable(report: ScanReport, rows: readonly ScanRow[]): string {
  const cells = rows.map((r) => [
    r.complianceType,
    r.region,
    r.resourceId,
    r.taskDefinitionArn ?? '-',
    r.runningTasks !== undefined ? String(r.runningTasks) : '-',
    r.clusters.join(',') || '-',
    r.services.join(',') || '-',
  ]);
  const lines: string[] = [];
  if (cells.length > 0) {
    const widths = TABLE_HEADER.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] as string).length)));
    const line = (c: readonly string[]): string => c.map((v, i) => v.padEnd(widths[i] as number)).join('  ').trimEnd();
    lines.push(line(TABLE_HEADER), ...cells.map(line), '');
  } else {
    lines.push('no revisions to list', '');
  }
  for (const t of report.targets) lines.push(targetLine(t));
  return `${lines.join('\n')}\n`;
}

function targetLine(t: ScanTargetReport): string {
  const where = `${t.accountId} ${t.region}`;
  if (t.clusters === undefined) return `${where}: could not scan: ${t.failure ?? ''}`;
  const counts =
    `${t.nonCompliantInUse ?? 0} non-compliant of ${t.revisionsInUse ?? 0} revision(s) in use; ` +
    `${t.runningTasks ?? 0} running task(s) in ${t.clustersRead ?? 0} of ${t.clusters} cluster(s) read`;
  const exceptions =
    t.exceptedInUse !== undefined
      ? `; exceptions: ${t.exceptedInUse} excepted, ${t.exceptionsExpiringSoon ?? 0} expiring soon, ${t.exceptionsExpired ?? 0} expired`
      : '';
  return `${where}: ${counts}${exceptions}${t.failure ? `\n${where}: could not establish everything: ${t.failure}` : ''}`;
}

const CSV_HEADER = ['accountId', 'region', 'complianceType', 'resourceId', 'taskDefinitionArn', 'pidMode', 'runningTasks', 'clusters', 'services', 'annotation'] as const;

/** RFC 4180: CRLF line ends, fields quoted when they hold a comma, quote or line break. Lists are space-separated. */
function renderCsv(rows: readonly ScanRow[]): string {
  const field = (value: string): string => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
  const lines = rows.map((r) =>
    [r.accountId, r.region, r.complianceType, r.resourceId, r.taskDefinitionArn ?? '', r.pidMode ?? '', r.runningTasks !== undefined ? String(r.runningTasks) : '', r.clusters.join(' '), r.services.join(' '), r.annotation]
      .map(field)
      .join(','),
  );
  return [CSV_HEADER.join(','), ...lines].map((l) => `${l}\r\n`).join('');
}
