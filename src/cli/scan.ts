// `ecs-pidmode scan`: evaluates a live account, Region by Region, exactly as the periodic sweep does
// (src/run.ts scanAccount: the same orchestration and decision), and reports instead of calling
// PutEvaluations. Exit 0 nothing non-compliant, 1 findings, 2 something could not be established.
import { Command, Option } from 'commander';
import { accountOptions, CliSetupError, scanRegions, type AccountOptions } from './account-scan';
import { buildScanReport, renderScan, SCAN_EXIT_CODES, SCAN_OUTPUT_FORMATS, type ScanOutputFormat } from './scan-report';

export interface ScanCommandOptions extends AccountOptions {
  readonly output: ScanOutputFormat;
  readonly only?: 'non-compliant';
}

export function scanCommand(): Command {
  const command = new Command('scan')
    .summary('evaluate a live account and Region as the periodic sweep does (read-only)')
    .description(
      'Evaluate every in-use task definition revision of an account, in one or more Regions, exactly as the rule\'s ' +
        'periodic sweep does, without reporting to AWS Config. Exit 0 when nothing in use is non-compliant, 1 when ' +
        'something is, 2 when part of the account could not be read (what failed is said).',
    );
  for (const option of accountOptions()) command.addOption(option);
  return command
    .addOption(new Option('-o, --output <format>', 'report format').choices(SCAN_OUTPUT_FORMATS).default('table'))
    .addOption(new Option('--only <which>', 'list only these revisions (the exit code still counts all)').choices(['non-compliant']))
    .action(async (options: ScanCommandOptions) => {
      process.exitCode = await runScan(options);
    });
}

/** The whole command as a function: output to stdout, progress and failures to stderr; returns the exit code. */
export async function runScan(options: ScanCommandOptions, io: { stdout?: (t: string) => void; stderr?: (t: string) => void; isTty?: boolean } = {}): Promise<number> {
  const stdout = io.stdout ?? ((t: string) => void process.stdout.write(t));
  const stderr = io.stderr ?? ((t: string) => void process.stderr.write(t));
  const tty = io.isTty ?? process.stderr.isTTY === true;
  let scans;
  try {
    ({ scans } = await scanRegions(options, { progress: (line) => tty && stderr(`${line}\n`), warn: (line) => stderr(`${line}\n`) }));
  } catch (error) {
    if (!(error instanceof CliSetupError)) throw error;
    stderr(`ecs-pidmode scan: ${error.message}\n`);
    return SCAN_EXIT_CODES.incomplete;
  }
  const report = buildScanReport(scans);
  stdout(renderScan(report, options.output, options.only ? { only: options.only } : {}));
  // Said on stderr too, so a person piping JSON or CSV somewhere still sees it.
  for (const t of report.targets) if (t.failure) stderr(`ecs-pidmode scan: ${t.accountId} ${t.region}: could not establish: ${t.failure}\n`);
  return report.exitCode;
}
