// npm run org:publish: ships the built bundle to an AWS Organization (docs/deploy.md,
// "Organization"). Zips dist/handler.js reproducibly, uploads it to each Region's code bucket
// under its SHA-256, creates or updates the service-managed StackSet of deploy/org/member-account.yaml
// (automatic deployment: accounts that join the target OUs later get the function), waits for it,
// then puts the organization conformance pack in each Region.
//
// Dry run by default: prints the commands as a bash script and runs none. --execute runs the very
// same steps with the AWS CLI. Both walk one plan, so what the dry run shows is what runs.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { crc32, deflateRawSync } from 'node:zlib';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const MEMBER_TEMPLATE = 'deploy/org/member-account.yaml';
const PACK_TEMPLATE = 'conformance-pack.yaml';
const FREQUENCIES = ['One_Hour', 'Three_Hours', 'Six_Hours', 'Twelve_Hours', 'TwentyFour_Hours'];
const USAGE = `Usage: npm run org:publish -- --regions R1,R2 --code-bucket-prefix PREFIX --ou-ids ROOT_OR_OU_IDS [options]

  --execute                     run the commands (default: --dry-run, print them as a bash script)
  --pack-only                   only put the conformance pack again (retries accounts where it failed)
  --regions                     every Region the rule runs in (comma-separated)
  --new-regions                 Regions among --regions that the StackSet does not cover yet
  --new-ou-ids                  root or OU IDs the StackSet is to cover from now on, besides --ou-ids
  --code-bucket-prefix          code buckets are <prefix>-<Region> (deploy/org/code-bucket.yaml)
  --ou-ids                      root or OU IDs the StackSet deploys to (already, when it exists)
  --stack-set-region            Region the StackSet is administered from (default: first of --regions)
  --stack-set-name              default ecs-pid-mode-rule
  --pack-name                   organization conformance pack name, default ecs-pid-mode-host
  --function-name               default ecs-pid-mode-rule (the pack and the SCP use the default)
  --frequency                   MaximumExecutionFrequency, default One_Hour
  --exclude-accounts            accounts the pack skips besides the management account (a pilot)
  --stack-parameter KEY=VALUE   other member-account.yaml parameter (repeatable), e.g. LogLevel=DEBUG
  --call-as                     DELEGATED_ADMIN (default) or SELF (in the management account)
  --failure-tolerance-percentage, --max-concurrent-percentage   StackSet rollout pace (10, 25)
  --poll-seconds                seconds between StackSet operation checks (30)
  --endpoint-url                passed to every AWS CLI call (a local emulator)`;

/** Reproducible zip of one file (fixed timestamp, Unix mode 0644): same bundle, same bytes, same key. */
export function zipOne(name, content) {
  const data = deflateRawSync(content, { level: 9 });
  const nameBytes = Buffer.from(name, 'utf8');
  const crc = crc32(content);
  const DOS_DATE_1980_01_01 = (0 << 9) | (1 << 5) | 1;
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4); // version needed: deflate
  local.writeUInt16LE(0x0800, 6); // UTF-8 names
  local.writeUInt16LE(8, 8); // deflate
  local.writeUInt16LE(0, 10);
  local.writeUInt16LE(DOS_DATE_1980_01_01, 12);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(content.length, 22);
  local.writeUInt16LE(nameBytes.length, 26);
  local.writeUInt16LE(0, 28);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE((3 << 8) | 20, 4); // made by Unix, so the external attributes carry the mode
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(0x0800, 8);
  central.writeUInt16LE(8, 10);
  central.writeUInt16LE(0, 12);
  central.writeUInt16LE(DOS_DATE_1980_01_01, 14);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(content.length, 24);
  central.writeUInt16LE(nameBytes.length, 28);
  central.writeUInt32LE(((0o100644 << 16) >>> 0), 38); // regular file, rw-r--r-- (Lambda must read it)
  central.writeUInt32LE(0, 42); // local header offset
  const centralStart = local.length + nameBytes.length + data.length;
  const centralSize = central.length + nameBytes.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(centralStart, 16);
  return Buffer.concat([local, nameBytes, data, central, nameBytes, end]);
}

function list(value) {
  return (value ?? '').split(',').map((item) => item.trim()).filter(Boolean);
}

export function readOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      execute: { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
      'pack-only': { type: 'boolean', default: false },
      regions: { type: 'string' },
      'new-regions': { type: 'string' },
      'code-bucket-prefix': { type: 'string' },
      'ou-ids': { type: 'string' },
      'new-ou-ids': { type: 'string' },
      'stack-set-region': { type: 'string' },
      'stack-set-name': { type: 'string', default: 'ecs-pid-mode-rule' },
      'pack-name': { type: 'string', default: 'ecs-pid-mode-host' },
      'function-name': { type: 'string', default: 'ecs-pid-mode-rule' },
      frequency: { type: 'string', default: 'One_Hour' },
      'exclude-accounts': { type: 'string' },
      'stack-parameter': { type: 'string', multiple: true, default: [] },
      'call-as': { type: 'string', default: 'DELEGATED_ADMIN' },
      'failure-tolerance-percentage': { type: 'string', default: '10' },
      'max-concurrent-percentage': { type: 'string', default: '25' },
      'poll-seconds': { type: 'string', default: '30' },
      'endpoint-url': { type: 'string' },
      bundle: { type: 'string', default: 'dist/handler.js' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return { help: true };
  const problems = [];
  if (values.execute && values['dry-run']) problems.push('--execute and --dry-run exclude each other');
  const regions = list(values.regions);
  const newRegions = list(values['new-regions']);
  const ouIds = list(values['ou-ids']);
  const newOuIds = list(values['new-ou-ids']);
  const excludeAccounts = list(values['exclude-accounts']);
  for (const id of excludeAccounts) if (!/^\d{12}$/.test(id)) problems.push(`--exclude-accounts: not an account ID: ${id}`);
  // PutOrganizationConformancePack: ExcludedAccounts holds at most 1,000 IDs (the management account is one).
  if (excludeAccounts.length > 999) problems.push('--exclude-accounts: at most 999 accounts');
  if (regions.length === 0) problems.push('--regions is required');
  for (const region of [...regions, ...newRegions]) if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) problems.push(`not a Region: ${region}`);
  for (const region of newRegions) if (!regions.includes(region)) problems.push(`--new-regions ${region} is not in --regions`);
  const packOnly = values['pack-only'];
  if (!/^[a-z0-9][a-z0-9.-]{1,46}$/.test(values['code-bucket-prefix'] ?? '')) problems.push('--code-bucket-prefix is required (3-47 of a-z 0-9 . -)');
  if (!packOnly && ouIds.length === 0) problems.push('--ou-ids is required (the root r-... or OUs ou-...)');
  for (const id of newOuIds) if (ouIds.includes(id)) problems.push(`--new-ou-ids ${id} is already in --ou-ids`);
  for (const id of [...ouIds, ...newOuIds]) if (!/^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/.test(id)) problems.push(`not a root or OU ID: ${id}`);
  if (!FREQUENCIES.includes(values.frequency)) problems.push(`--frequency must be one of ${FREQUENCIES.join(', ')}`);
  if (!['DELEGATED_ADMIN', 'SELF'].includes(values['call-as'])) problems.push('--call-as must be DELEGATED_ADMIN or SELF');
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(values['function-name'])) problems.push('--function-name: 1-40 of A-Z a-z 0-9 _ -');
  const stackParameters = values['stack-parameter'].map((pair) => {
    const eq = pair.indexOf('=');
    if (eq <= 0) problems.push(`--stack-parameter ${pair}: expected KEY=VALUE`);
    return [pair.slice(0, eq), pair.slice(eq + 1)];
  });
  for (const [key] of stackParameters) {
    if (['CodeBucketPrefix', 'CodeKey', 'FunctionName'].includes(key)) problems.push(`--stack-parameter ${key}: set by the script`);
  }
  for (const name of ['failure-tolerance-percentage', 'max-concurrent-percentage', 'poll-seconds']) {
    if (!/^\d+$/.test(values[name])) problems.push(`--${name} must be a whole number`);
  }
  if (problems.length > 0) throw new UsageError(problems.join('\n'));
  return {
    execute: values.execute,
    packOnly,
    regions,
    newRegions,
    ouIds,
    newOuIds,
    codeBucketPrefix: values['code-bucket-prefix'],
    stackSetRegion: values['stack-set-region'] ?? regions[0],
    stackSetName: values['stack-set-name'],
    packName: values['pack-name'],
    functionName: values['function-name'],
    frequency: values.frequency,
    excludeAccounts,
    stackParameters,
    callAs: values['call-as'],
    failureTolerance: values['failure-tolerance-percentage'],
    maxConcurrent: values['max-concurrent-percentage'],
    pollSeconds: Number(values['poll-seconds']),
    endpointUrl: values['endpoint-url'],
    bundle: values.bundle,
  };
}

export class UsageError extends Error {
  name = 'UsageError';
}

/** A reference to a value an earlier step captured (rendered "$NAME", substituted when executing). */
const ref = (name) => ({ ref: name });

/**
 * The steps of one publication. Step kinds: run (an AWS CLI call, optionally capturing its text
 * output into a variable), ifStackSetExists (two branches), waitForOperation.
 */
export function plan(options, zipPath, codeKey, packKey) {
  const aws = (region, ...args) => ['aws', ...args, '--region', region, ...(options.endpointUrl ? ['--endpoint-url', options.endpointUrl] : [])];
  const home = options.stackSetRegion;
  const callAs = ['--call-as', options.callAs];
  const parameters = [
    ['CodeBucketPrefix', options.codeBucketPrefix],
    ['CodeKey', codeKey],
    ['FunctionName', options.functionName],
    ...options.stackParameters,
  ].map(([key, value]) => `ParameterKey=${key},ParameterValue=${value}`);
  const preferences = ['--operation-preferences', `FailureTolerancePercentage=${options.failureTolerance},MaxConcurrentPercentage=${options.maxConcurrent}`];
  const targets = (ids) => ['--deployment-targets', `OrganizationalUnitIds=${ids.join(',')}`];
  const createInstances = (ids, regions) => ({
    kind: 'run',
    capture: 'OPERATION_ID',
    argv: aws(home, 'cloudformation', 'create-stack-instances', ...callAs, '--stack-set-name', options.stackSetName, ...targets(ids),
      '--regions', ...regions, ...preferences, '--query', 'OperationId', '--output', 'text'),
  });
  const wait = { kind: 'waitForOperation', pollSeconds: options.pollSeconds, argv: aws(home, 'cloudformation', 'describe-stack-set-operation', ...callAs, '--stack-set-name', options.stackSetName, '--operation-id', ref('OPERATION_ID'), '--query', 'StackSetOperation.Status', '--output', 'text') };
  // New OUs get every Region; the existing OUs get the new Regions: each new instance once.
  const additions = [
    ...(options.newOuIds.length > 0 ? [[options.newOuIds, options.regions]] : []),
    ...(options.newRegions.length > 0 ? [[options.ouIds, options.newRegions]] : []),
  ];
  const code = [
    { kind: 'comment', text: `Code: ${relative(ROOT, zipPath)} (SHA-256 in the key) to each Region's bucket.` },
    ...options.regions.map((region) => ({
      kind: 'run',
      argv: aws(region, 's3', 'cp', zipPath, `s3://${options.codeBucketPrefix}-${region}/${codeKey}`),
    })),
    { kind: 'comment', text: 'Functions: the StackSet, with automatic deployment to accounts that join the targets later.' },
    {
      kind: 'ifStackSetExists',
      argv: aws(home, 'cloudformation', 'describe-stack-set', ...callAs, '--stack-set-name', options.stackSetName),
      then: [
        {
          kind: 'run',
          capture: 'OPERATION_ID',
          argv: aws(home, 'cloudformation', 'update-stack-set', ...callAs, '--stack-set-name', options.stackSetName,
            '--template-body', `file://${MEMBER_TEMPLATE}`, '--capabilities', 'CAPABILITY_NAMED_IAM', '--parameters', ...parameters,
            ...preferences, '--query', 'OperationId', '--output', 'text'),
        },
        wait,
        ...additions.flatMap(([ids, regions]) => [createInstances(ids, regions), wait]),
      ],
      else: [
        {
          kind: 'run',
          argv: aws(home, 'cloudformation', 'create-stack-set', ...callAs, '--stack-set-name', options.stackSetName,
            '--template-body', `file://${MEMBER_TEMPLATE}`, '--capabilities', 'CAPABILITY_NAMED_IAM', '--parameters', ...parameters,
            '--permission-model', 'SERVICE_MANAGED', '--auto-deployment', 'Enabled=true,RetainStacksOnAccountRemoval=false'),
        },
        createInstances([...options.ouIds, ...options.newOuIds], options.regions),
        wait,
      ],
    },
  ];
  // The pack's template goes next to the code (SHA-256 in the key too): the S3 form also leaves the
  // 51,200-byte TemplateBody limit behind (300 KB), and it is the form moto's emulator accepts.
  const rules = [
    { kind: 'comment', text: 'Rules: the organization conformance pack, except in the management account (template.yaml covers it).' },
    ...options.regions.map((region) => ({
      kind: 'run',
      argv: aws(region, 's3', 'cp', PACK_TEMPLATE, `s3://${options.codeBucketPrefix}-${region}/${packKey}`),
    })),
    {
      kind: 'run',
      capture: 'MANAGEMENT_ACCOUNT',
      argv: aws(home, 'organizations', 'describe-organization', '--query', 'Organization.MasterAccountId', '--output', 'text'),
    },
    ...options.regions.map((region) => ({
      kind: 'run',
      argv: aws(region, 'configservice', 'put-organization-conformance-pack', '--organization-conformance-pack-name', options.packName,
        '--template-s3-uri', `s3://${options.codeBucketPrefix}-${region}/${packKey}`, '--conformance-pack-input-parameters',
        `ParameterName=RuleFunctionName,ParameterValue=${options.functionName}`,
        `ParameterName=MaximumExecutionFrequency,ParameterValue=${options.frequency}`,
        '--excluded-accounts', ref('MANAGEMENT_ACCOUNT'), ...options.excludeAccounts),
    })),
  ];
  return options.packOnly ? rules : [...code, ...rules];
}

function shellWord(arg) {
  if (typeof arg === 'object') return `"$${arg.ref}"`;
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

function renderCommand(argv) {
  return argv.map(shellWord).join(' ');
}

/** The plan as a bash script that does what --execute does. */
export function render(steps, indent = '') {
  const lines = [];
  for (const step of steps) {
    if (step.kind === 'comment') lines.push(`${indent}# ${step.text}`);
    else if (step.kind === 'run') lines.push(`${indent}${step.capture ? `${step.capture}=$(${renderCommand(step.argv)})` : renderCommand(step.argv)}`);
    else if (step.kind === 'ifStackSetExists') {
      lines.push(`${indent}if ${renderCommand(step.argv)} >/dev/null 2>&1; then`);
      lines.push(...render(step.then, `${indent}  `));
      lines.push(`${indent}else`);
      lines.push(...render(step.else, `${indent}  `));
      lines.push(`${indent}fi`);
    } else if (step.kind === 'waitForOperation') {
      lines.push(`${indent}until STATUS=$(${renderCommand(step.argv)}) && [ "$STATUS" != RUNNING ] && [ "$STATUS" != QUEUED ]; do sleep ${step.pollSeconds}; done`);
      lines.push(`${indent}[ "$STATUS" = SUCCEEDED ] || { echo "StackSet operation $OPERATION_ID: $STATUS" >&2; exit 1; }`);
    }
  }
  return lines;
}

function resolve(argv, variables) {
  return argv.map((arg) => {
    if (typeof arg !== 'object') return arg;
    const value = variables.get(arg.ref);
    if (value === undefined) throw new Error(`internal: $${arg.ref} used before it was captured`);
    return value;
  });
}

function awsCli(argv, variables) {
  const [program, ...args] = resolve(argv, variables);
  process.stderr.write(`+ ${renderCommand([program, ...args])}\n`);
  const run = spawnSync(program, args, { cwd: ROOT, encoding: 'utf8' });
  if (run.error !== undefined) throw run.error;
  return run;
}

/** Runs the plan with the AWS CLI, stopping at the first failure. */
export async function execute(steps, variables = new Map()) {
  for (const step of steps) {
    if (step.kind === 'run') {
      const run = awsCli(step.argv, variables);
      if (run.status !== 0) throw new Error(`aws exited ${run.status}: ${run.stderr.trim()}`);
      if (step.capture) variables.set(step.capture, run.stdout.trim());
    } else if (step.kind === 'ifStackSetExists') {
      const probe = awsCli(step.argv, variables);
      if (probe.status !== 0 && !/StackSetNotFound/.test(probe.stderr)) throw new Error(`aws exited ${probe.status}: ${probe.stderr.trim()}`);
      await execute(probe.status === 0 ? step.then : step.else, variables);
    } else if (step.kind === 'waitForOperation') {
      for (;;) {
        const run = awsCli(step.argv, variables);
        if (run.status !== 0) throw new Error(`aws exited ${run.status}: ${run.stderr.trim()}`);
        const status = run.stdout.trim();
        if (status === 'SUCCEEDED') break;
        if (status !== 'RUNNING' && status !== 'QUEUED') throw new Error(`StackSet operation ${variables.get('OPERATION_ID')}: ${status}`);
        await new Promise((done) => setTimeout(done, step.pollSeconds * 1000));
      }
    }
  }
  return variables;
}

async function main() {
  let options;
  try {
    options = readOptions(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError) && error?.code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw error;
    process.stderr.write(`${error.message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  process.chdir(ROOT);
  if (!existsSync(options.bundle)) throw new Error(`${options.bundle} not found: run npm run build first`);
  const zip = zipOne('handler.js', readFileSync(options.bundle));
  const sha256 = createHash('sha256').update(zip).digest('hex');
  const codeKey = `${options.functionName}/${sha256}.zip`;
  const packSha256 = createHash('sha256').update(readFileSync(PACK_TEMPLATE)).digest('hex');
  const packKey = `${options.functionName}/conformance-pack-${packSha256}.yaml`;
  mkdirSync(join(ROOT, 'dist', 'org'), { recursive: true });
  const zipPath = join(ROOT, 'dist', 'org', `${sha256}.zip`);
  writeFileSync(zipPath, zip);
  const steps = plan(options, relative(ROOT, zipPath), codeKey, packKey);
  if (!options.execute) {
    process.stdout.write(
      [
        '#!/usr/bin/env bash',
        '# npm run org:publish dry run: nothing was run. Add --execute to run these commands.',
        'set -euo pipefail',
        `cd ${shellWord(ROOT)}`,
        ...render(steps),
        '',
      ].join('\n'),
    );
    return;
  }
  execFileSync('aws', ['--version'], { stdio: 'ignore' });
  await execute(steps);
  process.stderr.write(`published ${codeKey} to ${options.regions.join(', ')}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    process.stderr.write(`org:publish failed: ${error.message}\n`);
    process.exit(1);
  });
}
