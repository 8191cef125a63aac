// `ecs-pidmode remediate --plan`: for every in-use NON_COMPLIANT revision (found by the same sweep as
// scan), who runs it, the register-task-definition input of the fixed revision (written to files,
// mode 0600: it holds container environment values), and the AWS CLI commands that roll each
// service onto it, production and internet-facing first when --priority-tag says how to tell.
// It changes nothing: only ECS reads, and files under --out.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { describeFullRevision, revisionRunners } from '../aws/ecs-remediation';
import { causeText } from '../core/errors';
import { fixedRegisterInput, parsePriorityTag, planRemediation, registerInputFileName, type PlannedRevision, type PlanRevision, type PriorityTag } from '../core/remediation';
import { COMPLIANCE } from '../core/types';
import { accountOptions, CliSetupError, scanRegions, type AccountOptions, type TargetScan } from './account-scan';
import { SCAN_EXIT_CODES } from './scan-report';

export interface RemediateOptions extends AccountOptions {
  readonly plan?: boolean;
  readonly out: string;
  readonly priorityTag?: PriorityTag[];
}

export interface RemediateIo {
  readonly stdout?: (text: string) => void;
  readonly stderr?: (text: string) => void;
  readonly isTty?: boolean;
}

export function remediateCommand(): Command {
  const command = new Command('remediate')
    .summary('plan the fix of in-use host-mode revisions (--plan; changes nothing)')
    .description(
      'For every in-use NON_COMPLIANT revision: the services and standalone tasks that run it, the register-task-definition ' +
        'input of a fixed revision (pidMode removed) written under --out with mode 0600, and the AWS CLI commands that ' +
        'roll each service onto it, in priority order. Read-only. Exit 0 nothing to fix, 1 a plan was written, 2 ' +
        'something could not be established.',
    )
    .option('--plan', 'write and print the plan (the only mode: this command never changes anything)');
  for (const option of accountOptions()) command.addOption(option);
  return command
    .requiredOption('--out <dir>', 'directory for the register-task-definition inputs (created if missing)')
    .addOption(
      new Option('--priority-tag <key=value>', 'services with this tag are rolled first; repeat, most important first').argParser((value: string, previous: PriorityTag[] | undefined) => {
        const tag = parsePriorityTag(value);
        if (!tag) throw new InvalidArgumentError('expected key=value, e.g. env=production');
        return [...(previous ?? []), tag];
      }),
    )
    .action(async (options: RemediateOptions) => {
      process.exitCode = await runRemediate(options);
    });
}

export async function runRemediate(options: RemediateOptions, io: RemediateIo = {}): Promise<number> {
  const stdout = io.stdout ?? ((t: string) => void process.stdout.write(t));
  const stderr = io.stderr ?? ((t: string) => void process.stderr.write(t));
  const tty = io.isTty ?? process.stderr.isTTY === true;
  if (!options.plan) {
    stderr('ecs-pidmode remediate: pass --plan. It only plans: it never registers, updates or stops anything.\n');
    return SCAN_EXIT_CODES.incomplete;
  }
  let scanned;
  try {
    scanned = await scanRegions(options, { progress: (line) => tty && stderr(`${line}\n`), warn: (line) => stderr(`${line}\n`) });
  } catch (error) {
    if (!(error instanceof CliSetupError)) throw error;
    stderr(`ecs-pidmode remediate: ${error.message}\n`);
    return SCAN_EXIT_CODES.incomplete;
  }
  let incomplete = false;
  let planned = 0;
  const out: string[] = [];
  for (const scan of scanned.scans) {
    const where = `account ${scan.target.accountId}, ${scan.target.region}`;
    if (!scan.outcome) {
      incomplete = true;
      out.push(`${where}: could not scan: ${scan.error ?? ''}`, '');
      continue;
    }
    const result = await planTarget(scan, options, await scanned.clients.clientsFor(scan.target));
    planned += result.plan.length;
    if (scan.outcome.failure) {
      incomplete = true;
      result.problems.unshift(`the scan could not establish everything (the plan may miss revisions): ${scan.outcome.failure.name}: ${scan.outcome.failure.message}`);
    }
    if (result.problems.length > 0) incomplete = true;
    out.push(...renderPlan(where, result.plan, result.problems, options));
  }
  if (planned > 0) {
    out.push(
      'Run each revision\'s commands in the order shown: --task-definition <family> takes the family\'s latest ACTIVE',
      'revision, the one the register command just before it created. Standalone tasks are not rolled by these',
      'commands: whoever started them (startedBy) starts them again on the fixed revision. Nothing was changed.',
    );
    if (options.roleArn) out.push(`Run the commands with credentials for the account of ${options.roleArn}.`);
    out.push('');
  }
  stdout(out.join('\n'));
  if (incomplete) stderr('ecs-pidmode remediate: the plan is incomplete: see the problems listed\n');
  return incomplete ? SCAN_EXIT_CODES.incomplete : planned > 0 ? SCAN_EXIT_CODES.findings : SCAN_EXIT_CODES.clean;
}

interface TargetPlan {
  readonly plan: PlannedRevision[];
  readonly problems: string[];
}

async function planTarget(scan: TargetScan, options: RemediateOptions, clients: { ecs: Parameters<typeof revisionRunners>[0] }): Promise<TargetPlan> {
  const { target, outcome } = scan;
  const problems: string[] = [];
  const revisions: PlanRevision[] = [];
  const dir = join(options.out, target.region);
  for (const evaluation of outcome?.evaluations ?? []) {
    if (evaluation.complianceType !== COMPLIANCE.NON_COMPLIANT) continue;
    const arn = evaluation.detail?.taskDefinitionArn;
    const usage = evaluation.detail?.usage;
    if (!arn || !usage) {
      problems.push(`${evaluation.resourceId}: the sweep gave no revision ARN or usage`);
      continue;
    }
    try {
      const runners = await revisionRunners(clients.ecs, arn, [...usage.clusters].sort(), usage.taskCount);
      const { taskDefinition, tags } = await describeFullRevision(clients.ecs, arn);
      const { input, unknownFields } = fixedRegisterInput(taskDefinition as Record<string, unknown>, tags);
      if (unknownFields.length > 0) problems.push(`${arn}: kept fields this tool does not know (check they are accepted): ${unknownFields.join(', ')}`);
      const file = join(dir, registerInputFileName(arn));
      writeSecretFile(dir, file, `${JSON.stringify(input, null, 2)}\n`);
      revisions.push({ resourceId: evaluation.resourceId, taskDefinitionArn: arn, services: runners.services, standalone: runners.standalone, registerInputFile: file });
    } catch (error) {
      problems.push(`${arn}: ${causeText(error)}`);
    }
  }
  return { plan: planRemediation(revisions, options.priorityTag ?? [], { region: target.region, ...(options.profile ? { profile: options.profile } : {}) }), problems };
}

/** Owner-only: the input holds the containers' environment values, which can be secrets. */
function writeSecretFile(dir: string, file: string, text: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(file, text, { mode: 0o600 });
  // `mode` applies only when the file is created: an older plan's file keeps its mode otherwise.
  chmodSync(file, 0o600);
}

function renderPlan(where: string, plan: readonly PlannedRevision[], problems: readonly string[], options: RemediateOptions): string[] {
  const lines = [`${where}: ${plan.length} non-compliant revision(s) in use`];
  plan.forEach((r, i) => {
    lines.push('', `${i + 1}. ${r.taskDefinitionArn} (Config resource ID ${r.resourceId})`);
    lines.push(r.services.length > 0 ? '   services (cluster/service):' : '   services: none');
    for (const s of r.services) {
      const priority = s.rank < (options.priorityTag?.length ?? 0) ? `  priority: ${formatTag(options.priorityTag?.[s.rank])}` : '';
      lines.push(`     ${s.cluster}/${s.service}  desired ${s.desiredCount}, running this revision ${s.runningCount}${priority}`);
    }
    if (r.standalone.length > 0) {
      lines.push('   standalone tasks:');
      for (const t of r.standalone) lines.push(`     ${t.cluster}  startedBy ${t.startedBy ?? '(not set)'}  ${t.taskCount} task(s)`);
    }
    lines.push(`   fixed revision input (pidMode removed; holds container environment values, mode 0600): ${r.registerInputFile}`, '   commands:');
    for (const c of r.commands) lines.push(`     ${c}`);
  });
  for (const p of problems) lines.push(`problem: ${p}`);
  lines.push('');
  return lines;
}

function formatTag(tag: PriorityTag | undefined): string {
  return tag ? `${tag.key}=${tag.value}` : '';
}
