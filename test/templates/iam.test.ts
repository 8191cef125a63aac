// The IAM actions of the function role and the member role are derived from the AWS SDK calls the
// Lambda bundle's source reaches (its entry point's imports), not from a hand-kept list: a new call
// without a grant, or a grant nothing calls, fails here.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, at, isRecord, loadTemplate, properties, readRepoFile, resource } from './helpers/cfn';
import { diffGrants, grantedActions, roleStatements } from './helpers/iam';
import type { GrantStatement } from './helpers/iam';
import { UnmappedSdkUsageError, actionsOf, scanBundle, scanSource, scanTree } from './helpers/sdk-calls';

const SRC = join(REPO_ROOT, 'src');
const LAMBDA_ENTRY = join(REPO_ROOT, (JSON.parse(readFileSync(join(REPO_ROOT, 'scripts', 'build-options.json'), 'utf8')) as { entryPoints: string[] }).entryPoints[0] as string);

// Not SDK calls: the Lambda service writes the function's logs, and sends asynchronous events that
// failed every attempt to the dead-letter queue, with the function's execution role.
const FUNCTION_LOG_ACTIONS = ['logs:CreateLogStream', 'logs:PutLogEvents'];
const DEAD_LETTER_ACTIONS = ['sqs:SendMessage'];

// Actions that define no resource type in the Service Authorization Reference, so "*" is their
// only valid Resource:
// https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerservice.html
// https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsconfig.html
const WITHOUT_RESOURCE_TYPES = new Set([
  'ecs:ListClusters',
  'ecs:DescribeTaskDefinition',
  'config:GetResourceConfigHistory',
  'config:SelectResourceConfig',
  'config:PutEvaluations',
  // Unverified here (no resource type listed for it in the Service Authorization Reference, as for
  // the Config reads above); "*" is the wider grant, so a wrong guess cannot deny the call.
  'config:GetComplianceDetailsByResource',
]);

const template = loadTemplate('template.yaml');
const memberTemplate = loadTemplate('deploy/member-role.yaml');
const orgTemplate = loadTemplate('deploy/org/member-account.yaml');
const orgFunctionRole = resource(orgTemplate, 'RuleFunctionRole', 'AWS::IAM::Role');
const orgFunctionStatements = roleStatements(orgFunctionRole, 'deploy/org/member-account.yaml RuleFunctionRole');
const functionRole = resource(template, 'RuleFunctionRole', 'AWS::IAM::Role');
const memberRole = resource(memberTemplate, 'ExecutionRole', 'AWS::IAM::Role');
const functionStatements = roleStatements(functionRole, 'template.yaml RuleFunctionRole');
const memberStatements = roleStatements(memberRole, 'deploy/member-role.yaml ExecutionRole');
const ROLES: ReadonlyArray<[string, readonly GrantStatement[]]> = [
  ['function role', functionStatements],
  ['member role', memberStatements],
  ['organization function role', orgFunctionStatements],
];

describe('the SDK call scanner', () => {
  it('maps Command classes and paginators to IAM actions with the client package prefix', () => {
    const source = `
      import { ECSClient, ListTasksCommand, paginateListClusters } from '@aws-sdk/client-ecs';
      import { PutEvaluationsCommand } from "@aws-sdk/client-config-service";
      import { AssumeRoleCommand } from '@aws-sdk/client-sts';
    `;
    expect([...actionsOf(scanSource(source))].sort()).toEqual([
      'config:PutEvaluations',
      'ecs:ListClusters',
      'ecs:ListTasks',
      'sts:AssumeRole',
    ]);
  });

  it('follows aliases, namespace imports, require, dynamic import and named re-exports', () => {
    const source = `
      import { DescribeTasksCommand as Describe } from '@aws-sdk/client-ecs';
      import * as cfg from '@aws-sdk/client-config-service';
      const sts = require('@aws-sdk/client-sts');
      export { paginateGetComplianceDetailsByConfigRule } from '@aws-sdk/client-config-service';
      async function later() {
        const { DescribeTaskDefinitionCommand } = await import('@aws-sdk/client-ecs');
        return [new cfg.SelectResourceConfigCommand({ Expression: '' }), new sts.AssumeRoleCommand({}), Describe, DescribeTaskDefinitionCommand];
      }
    `;
    expect([...actionsOf(scanSource(source))].sort()).toEqual([
      'config:GetComplianceDetailsByConfigRule',
      'config:SelectResourceConfig',
      'ecs:DescribeTaskDefinition',
      'ecs:DescribeTasks',
      'sts:AssumeRole',
    ]);
  });

  it('ignores type-only imports, comments, strings, clients, exceptions and non-SDK modules', () => {
    const source = `
      import type { ListTasksCommand } from '@aws-sdk/client-ecs';
      import { type DescribeTasksCommand, ECSClient, ClusterNotFoundException } from '@aws-sdk/client-ecs';
      import { ListClustersCommand } from './fake-ecs';
      // new RunTaskCommand() from '@aws-sdk/client-ecs'
      const text = "import { StopTaskCommand } from '@aws-sdk/client-ecs'";
    `;
    expect(scanSource(source)).toEqual([]);
  });

  it('reads the actions a module that signs its own requests declares', () => {
    const source = `
      export const SIGNED_REQUEST_ACTIONS = ['s3:GetObject'] as const;
      const other = ['s3:PutObject'];
    `;
    expect([...actionsOf(scanSource(source))]).toEqual(['s3:GetObject']);
    expect(() => scanSource('export const SIGNED_REQUEST_ACTIONS = actions();')).toThrow(UnmappedSdkUsageError);
    expect(() => scanSource("export const SIGNED_REQUEST_ACTIONS = ['s3:*'];")).toThrow(UnmappedSdkUsageError);
  });

  it('finds s3:GetObject in the signed S3 reader the function uses for the exceptions document', () => {
    expect([...actionsOf(scanBundle(join(SRC, 'aws', 'exceptions-s3.ts')))]).toEqual(['s3:GetObject']);
  });

  it('reports the credential helper that assumes a role as sts:AssumeRole', () => {
    const source = `import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';`;
    expect([...actionsOf(scanSource(source))]).toEqual(['sts:AssumeRole']);
  });

  it.each([
    ['an unmapped client package', `import { PutItemCommand } from '@aws-sdk/client-dynamodb';`],
    ['an aggregated client', `import { ECS } from '@aws-sdk/client-ecs';`],
    ['a waiter', `import { waitUntilTasksStopped } from '@aws-sdk/client-ecs';`],
    ['export *', `export * from '@aws-sdk/client-config-service';`],
  ])('refuses %s instead of guessing', (_what, source) => {
    expect(() => scanSource(source)).toThrow(UnmappedSdkUsageError);
  });
});

describe('diffGrants', () => {
  it('lists the needed actions a role lacks and the granted actions nothing needs', () => {
    expect(diffGrants(['ecs:ListTasks', 'ecs:DescribeTasks'], ['ECS:listtasks', 'ecs:RunTask'])).toEqual({
      missing: ['ecs:DescribeTasks'],
      extra: ['ecs:RunTask'],
    });
  });
});

describe('IAM grants against the AWS calls the Lambda bundle makes', () => {
  // What the bundle's entry point reaches, not every file in src/: the exceptions CLI (PutObject)
  // runs with a person's credentials, not the function's.
  const calls = existsSync(LAMBDA_ENTRY) ? scanBundle(LAMBDA_ENTRY) : [];
  const codeActions = actionsOf(calls);

  it("follows the entry point's imports only: the exceptions CLI's s3:PutObject is not the function's to grant", () => {
    expect(actionsOf(scanTree(SRC)).has('s3:PutObject')).toBe(true);
    expect(codeActions.has('s3:PutObject')).toBe(false);
    expect(calls.filter((call) => call.file.startsWith('cli/'))).toEqual([]);
  });

  it('finds AWS SDK calls in src/ (an empty result means the scanner no longer sees them)', () => {
    expect(calls.length).toBeGreaterThan(0);
  });

  it('grants the function role exactly the actions the code calls, plus writing its own logs and dead letters', () => {
    const needed = [...codeActions, ...FUNCTION_LOG_ACTIONS, ...DEAD_LETTER_ACTIONS];
    expect(diffGrants(needed, grantedActions(functionStatements))).toEqual({ missing: [], extra: [] });
  });

  it('grants the organization function role the same minus sts (it works in its own account only)', () => {
    const needed = [...codeActions, ...FUNCTION_LOG_ACTIONS, ...DEAD_LETTER_ACTIONS].filter((action) => !action.startsWith('sts:'));
    expect(diffGrants(needed, grantedActions(orgFunctionStatements))).toEqual({ missing: [], extra: [] });
    // Conditional only on ExceptionsS3Uri, as in template.yaml.
    expect(orgFunctionStatements.filter((statement) => statement.conditional).flatMap((statement) => statement.actions)).toEqual(['s3:GetObject']);
  });

  it('grants the member role exactly the ECS and Config actions the code calls, and no sts', () => {
    const needed = [...codeActions].filter((action) => /^(ecs|config):/.test(action));
    expect(diffGrants(needed, grantedActions(memberStatements))).toEqual({ missing: [], extra: [] });
  });
});

describe('IAM scoping', () => {
  it.each([
    ['function role', functionRole, functionStatements],
    ['member role', memberRole, memberStatements],
    ['organization function role', orgFunctionRole, orgFunctionStatements],
  ] as const)('the %s grants no wildcard action and no managed policy', (name, role, statements) => {
    expect(properties(role, name).ManagedPolicyArns).toBeUndefined();
    expect(statements.flatMap((statement) => statement.actions).filter((action) => action.includes('*'))).toEqual([]);
  });

  it.each(ROLES)('the %s uses Resource "*" only for actions without resource types, or under a condition', (_name, statements) => {
    const unscoped = statements
      .filter((statement) => statement.resources.includes('*') && statement.condition === undefined)
      .flatMap((statement) => statement.actions.filter((action) => !WITHOUT_RESOURCE_TYPES.has(action)));
    expect(unscoped).toEqual([]);
  });

  it.each(ROLES)("the %s limits ListTasks to clusters of the role's own account with ecs:cluster", (_name, statements) => {
    const listTasks = statements.filter((statement) => statement.actions.includes('ecs:ListTasks'));
    expect(listTasks).toHaveLength(1);
    const cluster = at(listTasks[0]?.condition, 'ArnLike', 'ecs:cluster');
    expect(cluster).toEqual({ 'Fn::Sub': expect.stringMatching(/^arn:\$\{AWS::Partition\}:ecs:(\*|\$\{AWS::Region\}):\$\{AWS::AccountId\}:cluster\/\*$/) });
  });

  it.each(ROLES)("the %s scopes every resource-level ECS and Config grant to the role's own account", (_name, statements) => {
    const scoped = statements.filter(
      (statement) => statement.actions.some((action) => /^(ecs|config):/.test(action)) && !statement.resources.includes('*'),
    );
    expect(scoped.length).toBeGreaterThan(0);
    for (const statement of scoped) {
      for (const res of statement.resources) {
        expect(res).toEqual({ 'Fn::Sub': expect.stringMatching(/^arn:\$\{AWS::Partition\}:(ecs|config):(\*|\$\{AWS::Region\}):\$\{AWS::AccountId\}:/) });
      }
    }
  });

  it('lets the function write logs only to its own log group', () => {
    const logs = functionStatements.filter((statement) => statement.actions.some((action) => action.startsWith('logs:')));
    expect(logs).toHaveLength(1);
    expect(logs[0]?.resources).toEqual([{ 'Fn::GetAtt': ['RuleFunctionLogGroup', 'Arn'] }]);
    expect(at(properties(resource(template, 'RuleFunction', 'AWS::Serverless::Function'), 'RuleFunction'), 'LoggingConfig', 'LogGroup')).toEqual({
      Ref: 'RuleFunctionLogGroup',
    });
  });

  it.each([
    ['function role', functionStatements],
    ['organization function role', orgFunctionStatements],
  ] as const)('lets the %s send dead letters only to its own queue', (_name, statements) => {
    const sqs = statements.filter((statement) => statement.actions.some((action) => action.startsWith('sqs:')));
    expect(sqs.map((statement) => [statement.actions, statement.resources])).toEqual([
      [['sqs:SendMessage'], [{ 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] }]],
    ]);
  });

  it('grants the function role its ECS, Config and log actions under every parameter value', () => {
    const conditional = functionStatements.filter((statement) => statement.conditional).flatMap((statement) => statement.actions);
    expect(conditional.sort()).toEqual(['s3:GetObject', 'sts:AssumeRole']);
  });

  it.each([
    ['function role', 'template.yaml'],
    ['organization function role', 'deploy/org/member-account.yaml'],
  ] as const)('lets the %s read only the exceptions object ExceptionsS3Uri names, and only when it is set', (name, file) => {
    const statements = name === 'function role' ? functionStatements : orgFunctionStatements;
    const read = statements.filter((statement) => statement.actions.includes('s3:GetObject'));
    expect(read).toHaveLength(1);
    expect(read[0]?.conditional).toBe(true);
    expect(read[0]?.actions).toEqual(['s3:GetObject']);
    expect(read[0]?.resources).toEqual([
      { 'Fn::Sub': ['arn:${AWS::Partition}:s3:::${Object}', { Object: { 'Fn::Select': [1, { 'Fn::Split': ['s3://', { Ref: 'ExceptionsS3Uri' }] }] } }] },
    ]);
    expect(readRepoFile(file)).toMatch(/- !If\n\s+- HasExceptions\n\s+- Sid: ReadExceptionsDocument/);
  });

  it('grants sts:AssumeRole only when ExecutionRoleName is set, and only on that role name', () => {
    const assume = functionStatements.filter((statement) => statement.actions.includes('sts:AssumeRole'));
    expect(assume).toHaveLength(1);
    expect(assume[0]?.conditional).toBe(true);
    expect(assume[0]?.resources).toEqual([{ 'Fn::Sub': 'arn:${AWS::Partition}:iam::*:role/${ExecutionRoleName}' }]);
    const policy = at(properties(functionRole, 'RuleFunctionRole'), 'Policies');
    const wrapped = JSON.stringify(policy).includes('"Fn::If":["HasExecutionRoleName",');
    expect(wrapped).toBe(true);
    const condition = at(template, 'Conditions', 'HasExecutionRoleName');
    expect([
      { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'ExecutionRoleName' }, ''] }] },
      { 'Fn::Not': [{ 'Fn::Equals': ['', { Ref: 'ExecutionRoleName' }] }] },
    ]).toContainEqual(condition);
  });

  it('lets only Lambda assume the function role', () => {
    expect(at(properties(functionRole, 'RuleFunctionRole'), 'AssumeRolePolicyDocument', 'Statement')).toEqual([
      { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ]);
  });

  it('lets only the central function role assume the member role, which carries the rule parameter name', () => {
    const props = properties(memberRole, 'ExecutionRole');
    expect(props.RoleName).toEqual({ Ref: 'ExecutionRoleName' });
    expect(at(props, 'AssumeRolePolicyDocument', 'Statement')).toEqual([
      { Effect: 'Allow', Principal: { AWS: { Ref: 'RuleFunctionRoleArn' } }, Action: 'sts:AssumeRole' },
    ]);
    const trusted = at(memberTemplate, 'Parameters', 'RuleFunctionRoleArn');
    expect(isRecord(trusted) && trusted.Default === undefined).toBe(true);
  });
});
