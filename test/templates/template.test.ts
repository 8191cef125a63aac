// template.yaml: what cfn-lint cannot know (values Config and Lambda accept at run time, wiring
// between resources, the permission model for an organization).
import {
  asArray,
  asRecord,
  asString,
  at,
  findMappings,
  intrinsicKeys,
  isRecord,
  loadTemplate,
  matchesAllowedPattern,
  properties,
  resource,
  resourcesOfType,
} from './helpers/cfn';
import { FREQUENCIES } from './helpers/rule';
import { readSettings } from '../../src/env';

const template = loadTemplate('template.yaml');
const fn = properties(resource(template, 'RuleFunction', 'AWS::Serverless::Function'), 'RuleFunction');
const rule = resource(template, 'PidModeConfigRule', 'AWS::Config::ConfigRule');
const ruleProps = properties(rule, 'PidModeConfigRule');

function parameter(name: string): Record<string, unknown> {
  return asRecord(at(template, 'Parameters', name), `Parameters.${name}`);
}

/** The parameter a { Ref } points at, with its default. */
function referencedParameter(value: unknown): Record<string, unknown> {
  const name = asString(at(value, 'Ref'), 'Ref');
  return parameter(name);
}

describe('template.yaml: the function', () => {
  it('uses the SAM transform alone, so plain `sam build` needs no language_extensions setting', () => {
    expect(template.Transform).toBe('AWS::Serverless-2016-10-31');
    expect(intrinsicKeys(template)).not.toContain('Fn::ForEach');
  });

  it('runs the bundle on nodejs24.x, arm64, from the repository root', () => {
    expect(fn.Runtime).toBe('nodejs24.x');
    expect(fn.Architectures).toEqual(['arm64']);
    expect(fn.CodeUri).toBe('.');
    expect(fn.Handler).toBe('handler.handler');
  });

  it('takes timeout and memory from parameters with benchmark-sized defaults Lambda accepts', () => {
    const timeout = referencedParameter(fn.Timeout);
    const memory = referencedParameter(fn.MemorySize);
    expect(timeout.Default).toBe(600);
    expect(timeout.MaxValue).toBeLessThanOrEqual(900);
    expect(memory.Default).toBe(512);
    expect(memory.MinValue).toBeGreaterThanOrEqual(128);
    expect(memory.MaxValue).toBeLessThanOrEqual(10240);
  });

  it('logs JSON into its own log group, whose retention is a parameter', () => {
    expect(at(fn, 'LoggingConfig', 'LogFormat')).toBe('JSON');
    expect(at(fn, 'LoggingConfig', 'LogGroup')).toEqual({ Ref: 'RuleFunctionLogGroup' });
    const logGroup = properties(resource(template, 'RuleFunctionLogGroup', 'AWS::Logs::LogGroup'), 'RuleFunctionLogGroup');
    const retention = referencedParameter(logGroup.RetentionInDays);
    expect(asArray(retention.AllowedValues, 'AllowedValues')).toContain(retention.Default);
  });

  it('uses its explicit role, not SAM policy templates', () => {
    expect(fn.Role).toEqual({ 'Fn::GetAtt': ['RuleFunctionRole', 'Arn'] });
    expect(fn.Policies).toBeUndefined();
  });

  it('gives Powertools its service, namespace and log level, and the rule its ECS rate share', () => {
    const variables = asRecord(at(fn, 'Environment', 'Variables'), 'Environment.Variables');
    expect(variables.POWERTOOLS_SERVICE_NAME).toBe('ecs-pid-mode-rule');
    expect(variables.POWERTOOLS_METRICS_NAMESPACE).toBe('EcsPidModeRule');
    expect(variables.POWERTOOLS_LOG_LEVEL).toEqual({ Ref: 'LogLevel' });
    expect(variables.RULE_ECS_RATE_SHARE).toEqual({ Ref: 'EcsRateShare' });
    expect(parameter('LogLevel').Default).toBe('INFO');
    expect(at(fn, 'LoggingConfig', 'ApplicationLogLevel')).toEqual({ Ref: 'LogLevel' });
  });

  it('bounds the ECS rate share exactly as the function does, with the same default', () => {
    const param = parameter('EcsRateShare');
    expect(param.Type).toBe('Number');
    const min = Number(param.MinValue);
    const max = Number(param.MaxValue);
    const share = (value: number) => readSettings({ RULE_ECS_RATE_SHARE: String(value) }).ecsRateShare;
    expect(share(min)).toBe(min);
    expect(share(max)).toBe(max);
    expect(() => share(min - 0.001)).toThrow();
    expect(() => share(max + 0.001)).toThrow();
    expect(Number(param.Default)).toBe(readSettings({}).ecsRateShare);
  });

  it('accepts an empty ExecutionRoleName or an IAM role name, nothing else', () => {
    const pattern = asString(parameter('ExecutionRoleName').AllowedPattern, 'ExecutionRoleName.AllowedPattern');
    expect(parameter('ExecutionRoleName').Default).toBe('');
    for (const good of ['', 'ecs-pid-mode-rule-execution', 'a+b=c,d.e@f_g']) expect(matchesAllowedPattern(pattern, good)).toBe(true);
    for (const bad of ['path/role', 'has space', 'x'.repeat(65)]) expect(matchesAllowedPattern(pattern, bad)).toBe(false);
  });
});

describe('template.yaml: who may invoke the function', () => {
  const permissions = resourcesOfType(template, 'AWS::Lambda::Permission');

  it('lets AWS Config in this account invoke it, scoped with SourceAccount', () => {
    expect(permissions).toEqual(['ConfigInvokePermission']);
    expect(properties(resource(template, 'ConfigInvokePermission', 'AWS::Lambda::Permission'), 'ConfigInvokePermission')).toEqual({
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': ['RuleFunction', 'Arn'] },
      Principal: 'config.amazonaws.com',
      SourceAccount: { Ref: 'AWS::AccountId' },
    });
  });

  it('never grants config.amazonaws.com without a SourceAccount', () => {
    const grants = findMappings(template.Resources, (mapping) => mapping.Principal === 'config.amazonaws.com');
    expect(grants).toHaveLength(1); // a central function gets its member accounts by `aws lambda add-permission`
    for (const grant of grants) expect(grant.SourceAccount).toEqual({ Ref: 'AWS::AccountId' });
  });
});

describe('template.yaml: lost invocations', () => {
  const queue = properties(resource(template, 'DeadLetterQueue', 'AWS::SQS::Queue'), 'DeadLetterQueue');
  const alarm = properties(resource(template, 'DeadLetterQueueAlarm', 'AWS::CloudWatch::Alarm'), 'DeadLetterQueueAlarm');

  it('sends asynchronous invocations that failed every retry to its SQS dead-letter queue', () => {
    expect(fn.DeadLetterQueue).toEqual({ Type: 'SQS', TargetArn: { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] } });
  });

  it('keeps parked events encrypted for the longest retention SQS allows (14 days)', () => {
    expect(queue).toEqual({ MessageRetentionPeriod: 14 * 24 * 3600, SqsManagedSseEnabled: true });
  });

  it('alarms as soon as one message is visible in that queue, and is quiet when SQS reports nothing', () => {
    expect(alarm).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['DeadLetterQueue', 'QueueName'] } }],
      Statistic: 'Maximum',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    });
    expect(Number(alarm.Period) * Number(alarm.EvaluationPeriods)).toBeLessThanOrEqual(300);
  });

  it('notifies the optional SNS topic, and only when one is given', () => {
    expect(alarm.AlarmActions).toEqual({ 'Fn::If': ['HasAlarmTopic', [{ Ref: 'AlarmTopicArn' }], { Ref: 'AWS::NoValue' }] });
    const pattern = asString(parameter('AlarmTopicArn').AllowedPattern, 'AlarmTopicArn.AllowedPattern');
    for (const good of ['', 'arn:aws:sns:eu-west-1:111111111111:security-alerts']) expect(matchesAllowedPattern(pattern, good)).toBe(true);
    for (const bad of ['security-alerts', 'arn:aws:sqs:eu-west-1:111111111111:q']) expect(matchesAllowedPattern(pattern, bad)).toBe(false);
  });
});

describe('template.yaml: the single-account Config rule', () => {
  it('is created by default and can be turned off for the central organization stack', () => {
    expect(rule.Condition).toBe('ShouldCreateConfigRule');
    expect(at(template, 'Conditions', 'ShouldCreateConfigRule')).toEqual({ 'Fn::Equals': [{ Ref: 'CreateConfigRule' }, 'true'] });
    expect(parameter('CreateConfigRule').Default).toBe('true');
  });

  it('waits for the invoke permission, which Config checks when it creates the rule', () => {
    const dependsOn = Array.isArray(rule.DependsOn) ? rule.DependsOn : [rule.DependsOn];
    expect(dependsOn).toContain('ConfigInvokePermission');
  });

  it('is a custom Lambda rule sourced from the function', () => {
    expect(at(ruleProps, 'Source', 'Owner')).toBe('CUSTOM_LAMBDA');
    expect(at(ruleProps, 'Source', 'SourceIdentifier')).toEqual({ 'Fn::GetAtt': ['RuleFunction', 'Arn'] });
  });

  it('runs on configuration changes, oversized changes and a schedule, all from aws.config', () => {
    const details = asArray(at(ruleProps, 'Source', 'SourceDetails'), 'SourceDetails').map((d) => asRecord(d, 'SourceDetail'));
    expect(details.map((d) => d.MessageType).sort()).toEqual([
      'ConfigurationItemChangeNotification',
      'OversizedConfigurationItemChangeNotification',
      'ScheduledNotification',
    ]);
    for (const detail of details) expect(detail.EventSource).toBe('aws.config');
    for (const detail of details.filter((d) => d.MessageType !== 'ScheduledNotification')) {
      expect(detail.MaximumExecutionFrequency).toBeUndefined();
    }
    const scheduled = details.find((d) => d.MessageType === 'ScheduledNotification');
    expect(scheduled?.MaximumExecutionFrequency).toEqual({ Ref: 'MaximumExecutionFrequency' });
    // A rule-level frequency is for managed/snapshot rules; ours lives on the periodic trigger.
    expect(ruleProps.MaximumExecutionFrequency).toBeUndefined();
  });

  it('offers exactly the frequencies Config accepts, hourly by default', () => {
    const param = parameter('MaximumExecutionFrequency');
    expect(param.AllowedValues).toEqual(FREQUENCIES);
    expect(param.Default).toBe('One_Hour');
  });

  it('evaluates ECS task definitions only', () => {
    expect(ruleProps.Scope).toEqual({ ComplianceResourceTypes: ['AWS::ECS::TaskDefinition'] });
  });

  it('passes ExecutionRoleName and ExceptionsS3Uri only when they are set', () => {
    expect(ruleProps.InputParameters).toEqual({
      ExecutionRoleName: { 'Fn::If': ['HasExecutionRoleName', { Ref: 'ExecutionRoleName' }, { Ref: 'AWS::NoValue' }] },
      ExceptionsS3Uri: { 'Fn::If': ['HasExceptions', { Ref: 'ExceptionsS3Uri' }, { Ref: 'AWS::NoValue' }] },
    });
  });

  it('tells the function its concurrency cap, so that its environments together pace to EcsRateShare', () => {
    const fn = properties(resource(template, 'RuleFunction', 'AWS::Serverless::Function'), 'RuleFunction');
    expect(at(fn, 'Environment', 'Variables', 'RULE_CONCURRENCY')).toEqual({ 'Fn::If': ['HasReservedConcurrency', { Ref: 'ReservedConcurrency' }, 2] });
    expect(at(template, 'Parameters', 'ReservedConcurrency', 'Default')).toBe(2);
  });
});

describe('template.yaml: outputs', () => {
  it('exports the function ARN for the conformance pack and the role ARN for the member role', () => {
    const outputs = asRecord(template.Outputs, 'Outputs');
    expect(at(outputs, 'RuleFunctionArn', 'Value')).toEqual({ 'Fn::GetAtt': ['RuleFunction', 'Arn'] });
    expect(at(outputs, 'RuleFunctionRoleArn', 'Value')).toEqual({ 'Fn::GetAtt': ['RuleFunctionRole', 'Arn'] });
    const ruleName = at(outputs, 'ConfigRuleName');
    expect(isRecord(ruleName) && ruleName.Condition).toBe('ShouldCreateConfigRule');
  });
});

describe('ExceptionsS3Uri: the templates accept exactly what the function accepts', () => {
  const { s3UriProblem } = require('../../src/core/s3-uri') as typeof import('../../src/core/s3-uri');
  const samples = [
    '',
    's3://security-exceptions/pidmode/exceptions.json',
    's3://my.bucket-1/a/b/c.json',
    's3://bucket/key*',
    's3://bucket/exc/*',
    's3://bucket//double',
    's3://bucket/trailing/',
    's3://bucket/',
    's3://Bucket/key',
    's3://bucket/with space',
    'https://bucket/key',
  ];
  it.each(['template.yaml', 'deploy/org/member-account.yaml'])('%s', (file) => {
    const pattern = new RegExp(String(at(loadTemplate(file), 'Parameters', 'ExceptionsS3Uri', 'AllowedPattern')));
    for (const uri of samples) expect([uri, pattern.test(uri)]).toEqual([uri, uri === '' || s3UriProblem(uri) === undefined]);
  });
});
